//! What a run produced, as plain data: reporters read only these types.

use serde::Serialize;
use serde_json::Value;

pub use crate::assert::CheckResult;
use crate::http::Exchange;

#[derive(Debug, Serialize)]
pub struct RunResult {
    pub tool: &'static str,
    pub version: &'static str,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: f64,
    pub target: Option<String>,
    /// True when Ctrl-C stopped the run: the results hold what finished.
    pub interrupted: bool,
    pub summary: Summary,
    pub suites: Vec<SuiteResult>,
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub suites: usize,
    pub steps: usize,
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(suites: &[SuiteResult]) -> Self {
        let mut summary = Summary {
            suites: suites.len(),
            ..Summary::default()
        };
        for step in suites.iter().flat_map(|suite| &suite.steps) {
            summary.steps += 1;
            match step.status {
                StepStatus::Passed => summary.passed += 1,
                StepStatus::Failed => summary.failed += 1,
                StepStatus::Error => summary.errored += 1,
                StepStatus::Skipped => summary.skipped += 1,
            }
        }
        summary
    }

    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.errored == 0
    }
}

#[derive(Debug, Serialize)]
pub struct SuiteResult {
    pub name: String,
    pub file: String,
    pub tags: Vec<String>,
    pub duration_ms: f64,
    pub steps: Vec<StepResult>,
}

impl SuiteResult {
    pub fn passed(&self) -> bool {
        self.steps
            .iter()
            .all(|step| matches!(step.status, StepStatus::Passed | StepStatus::Skipped))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Every check passed.
    Passed,
    /// The target answered, and some check failed.
    Failed,
    /// The step could not run to the end: no response, or a template that could not render.
    Error,
    /// Not run: `--fail-fast` after an earlier failure.
    Skipped,
}

#[derive(Debug, Serialize)]
pub struct StepResult {
    pub name: String,
    /// Where the step is written in its suite (1-based).
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    pub status: StepStatus,
    pub attempts: u32,
    pub duration_ms: f64,
    /// Every request of the last attempt: more than one when the step followed redirects or ran
    /// a `check:`.
    pub exchanges: Vec<Exchange>,
    pub checks: Vec<CheckResult>,
    pub captures: Vec<CapturedValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Values of the suite's declared secrets as they stood after this step: for masking only,
    /// never serialized.
    #[serde(skip)]
    pub secrets: Vec<String>,
}

impl StepResult {
    pub fn skipped(name: &str, line: usize, reason: &str) -> Self {
        StepResult {
            name: name.to_owned(),
            line,
            identity: None,
            status: StepStatus::Skipped,
            attempts: 0,
            duration_ms: 0.0,
            exchanges: Vec::new(),
            checks: Vec::new(),
            captures: Vec::new(),
            error: Some(reason.to_owned()),
            secrets: Vec::new(),
        }
    }

    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|check| !check.passed)
    }

    /// The first failed check in one line, for summaries: `status: expected 200, got 401 (and 2
    /// more)`. `None` when no check failed.
    pub fn failed_checks_summary(&self) -> Option<String> {
        let mut failed = self.failed_checks();
        let first = failed.next()?;
        let more = failed.count();
        let mut summary = format!(
            "{}: expected {}, got {}",
            first.name, first.expected, first.actual
        );
        if more > 0 {
            summary.push_str(&format!(" (and {more} more)"));
        }
        Some(summary)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CapturedValue {
    pub name: String,
    pub value: Value,
}
