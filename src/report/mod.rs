//! Reporters: they read a finished (and masked) [`RunResult`] and nothing else. The console
//! reporter also listens to progress events while the run goes; the file reports are
//! `results.json` ([`json`]), `junit.xml` ([`junit`]) and `index.html` ([`html`]).

mod atomic;
pub mod console;
mod curl;
mod html;
mod json;
mod junit;

use std::path::{Path, PathBuf};

pub use atomic::write_atomic;
pub use console::{ConsoleListener, write_snapshot_notes, write_summary};

use crate::runner::RunResult;
use crate::secret::Redactor;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("failed to write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to encode the JSON report")]
    Json(#[source] serde_json::Error),
    #[error("failed to render the HTML report")]
    Html(#[source] tera::Error),
}

/// Writes every file report into `dir`, each atomically. Returns the files written. `run` must be
/// masked already; `redactor` masks what reporters derive from it (decoded JWTs).
pub fn write_reports(run: &RunResult, dir: &Path, redactor: &Redactor) -> Result<Vec<PathBuf>, ReportError> {
    let results = dir.join("results.json");
    write_atomic(&results, &json::render(run)?)?;
    let junit = dir.join("junit.xml");
    write_atomic(&junit, &junit::render(run))?;
    let index = dir.join("index.html");
    write_atomic(&index, &html::render(run, redactor)?)?;
    Ok(vec![results, junit, index])
}
