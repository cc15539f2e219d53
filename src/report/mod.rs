//! Reporters: they read a finished (and masked) [`RunResult`] and nothing else. The console
//! reporter also listens to progress events while the run goes.

mod atomic;
pub mod console;
mod json;

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
}

/// Writes every file report into `dir`, each atomically. Returns the files written. `run` must be
/// masked already; `redactor` masks what reporters derive from it (decoded JWTs).
pub fn write_reports(run: &RunResult, dir: &Path, redactor: &Redactor) -> Result<Vec<PathBuf>, ReportError> {
    let _ = redactor;
    let results = dir.join("results.json");
    write_atomic(&results, &json::render(run)?)?;
    Ok(vec![results])
}
