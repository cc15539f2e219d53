//! Reporters: they read a finished (and masked) [`RunResult`] and nothing else. The console
//! reporter also listens to progress events while the run goes.

mod atomic;
pub mod console;
mod json;

use std::path::{Path, PathBuf};

pub use atomic::write_atomic;
pub use console::{ConsoleListener, write_summary};

use crate::runner::RunResult;

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

/// Writes every file report into `dir`, each atomically. Returns the files written.
pub fn write_reports(run: &RunResult, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let results = dir.join("results.json");
    write_atomic(&results, &json::render(run)?)?;
    Ok(vec![results])
}
