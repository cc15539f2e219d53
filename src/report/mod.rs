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

use atomic::write_atomic_with;
pub use atomic::{Durability, write_atomic};
pub use console::{ConsoleListener, write_snapshot_notes, write_summary};
pub use html::{HtmlDraft, draft as draft_step_html};
pub use json::draft_step;

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
    #[error("failed to render the HTML report")]
    Html(#[source] tera::Error),
}

/// A file report `--report` can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// `results.json`: the whole run, for scripts.
    Json,
    /// `junit.xml`: for CI test tabs.
    Junit,
    /// `index.html`: for people.
    Html,
}

impl ReportFormat {
    pub const ALL: &[ReportFormat] = &[ReportFormat::Json, ReportFormat::Junit, ReportFormat::Html];

    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Junit => "junit",
            ReportFormat::Html => "html",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Json => "results.json",
            ReportFormat::Junit => "junit.xml",
            ReportFormat::Html => "index.html",
        }
    }
}

/// Makes sure the reports can be written to `dir` (creating it), before a run that would
/// otherwise find out only at its end.
pub fn check_report_dir(dir: &Path, formats: &[ReportFormat]) -> Result<(), ReportError> {
    let probe = dir.join(format!(".authprobe-write-check.{}.tmp", std::process::id()));
    let failed = |source| ReportError::Write {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    std::fs::File::create(&probe).map_err(failed)?;
    std::fs::remove_file(&probe).map_err(failed)?;
    // A folder where a report goes cannot be replaced by it.
    for format in formats {
        let path = dir.join(format.file_name());
        if path.is_dir() {
            return Err(ReportError::Write {
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a folder is in the way of the report",
                ),
                path,
            });
        }
    }
    Ok(())
}

/// The reports of the formats not written this run that an earlier run left in `dir`, removed:
/// they describe another run (a CI test tab would read last week's `junit.xml` beside this
/// run's `results.json`). Only a file that says it is authprobe's is touched. Returns the files
/// removed, and those that could not be.
pub fn remove_stale_reports(
    dir: &Path,
    formats: &[ReportFormat],
) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for &format in ReportFormat::ALL
        .iter()
        .filter(|format| !formats.contains(format))
    {
        let path = dir.join(format.file_name());
        if !is_our_report(&path, format) {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(error) => failed.push((path, error)),
        }
    }
    (removed, failed)
}

/// Whether the file at `path` begins as authprobe writes a report of `format`.
fn is_our_report(path: &Path, format: ReportFormat) -> bool {
    use std::io::Read as _;
    let marker = match format {
        ReportFormat::Json => "\"tool\": \"authprobe\"",
        ReportFormat::Junit => "<testsuites name=\"authprobe\"",
        ReportFormat::Html => "<title>authprobe report:",
    };
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut start = Vec::with_capacity(4096);
    if file.take(4096).read_to_end(&mut start).is_err() {
        return false;
    }
    String::from_utf8_lossy(&start).contains(marker)
}

/// Writes the chosen file reports into `dir`, each atomically. Returns the files written. `run`
/// must be masked already; `redactor` masks what reporters derive from it (decoded JWTs).
pub fn write_reports(
    run: &RunResult,
    dir: &Path,
    formats: &[ReportFormat],
    redactor: &Redactor,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut written = Vec::with_capacity(formats.len());
    for &format in ReportFormat::ALL
        .iter()
        .filter(|format| formats.contains(format))
    {
        let path = dir.join(format.file_name());
        match format {
            ReportFormat::Json => {
                write_atomic_with(&path, Durability::Written, |out| json::write(run, out))?;
            }
            ReportFormat::Junit => write_atomic(&path, &junit::render(run), Durability::Written)?,
            ReportFormat::Html => {
                let page = html::page(run, redactor)?;
                write_atomic_with(&path, Durability::Written, |out| page.write_to(out))?;
            }
        }
        written.push(path);
    }
    Ok(written)
}
