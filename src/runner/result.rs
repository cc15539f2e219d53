//! What a run produced, as plain data: reporters read only these types.

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

pub use crate::assert::CheckResult;
use crate::http::Exchange;
use crate::report::HtmlDraft;
use crate::secret::EarlyMask;

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
    /// What the suite is about, as its author wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub file: String,
    pub tags: Vec<String>,
    pub duration_ms: f64,
    #[serde(serialize_with = "steps_as_drafted")]
    pub steps: Vec<StepResult>,
}

/// Each step as drafted during the run when it was ([`Drafts::json`]), as serialized otherwise.
fn steps_as_drafted<S: serde::Serializer>(
    steps: &[StepResult],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq as _;
    let mut sequence = serializer.serialize_seq(Some(steps.len()))?;
    for step in steps {
        match &step.drafts.json {
            Some(draft) => sequence.serialize_element(draft)?,
            None => sequence.serialize_element(step)?,
        }
    }
    sequence.end()
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
    /// Values of the suite's declared secrets as they stood after this step, and the variants of
    /// its API key that attacks sent: for masking only, never serialized.
    #[serde(skip)]
    pub secrets: Vec<String>,
    /// The end of the run's work on the step, done while the run went on: never serialized.
    #[serde(skip)]
    pub drafts: Drafts,
}

/// A step masked and written out for the reports as soon as it was reported (see
/// [`super::RunListener::step_reported`]), for the end of the run to take as they are. The reports'
/// drafts are of the step as it was then: whatever changes the step after must forget them.
#[derive(Debug, Default)]
pub struct Drafts {
    /// What masking the step early replaced.
    pub masked: Option<Box<EarlyMask>>,
    /// The step's line of `results.json`. A [`SuiteResult`] serialized while its steps hold one
    /// writes it in their place, as written: meant for serde_json, which `results.json` is written
    /// with (the app drafts steps only when that report is wanted).
    pub json: Option<Box<RawValue>>,
    /// The step's part of the HTML report.
    pub html: Option<Box<HtmlDraft>>,
}

impl Drafts {
    /// Forgets the reports' drafts: the step has changed since they were written.
    pub fn forget_reports(&mut self) {
        self.json = None;
        self.html = None;
    }
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
            drafts: Drafts::default(),
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
        // On one line: the values are masked and cut to what the reports keep already.
        let short = |text: &str| {
            crate::assert::matcher::shorten(text, crate::assert::matcher::CONSOLE_LIMIT)
                .into_owned()
        };
        let mut summary = format!(
            "{}: expected {}, got {}",
            first.name,
            short(&first.expected),
            short(&first.actual)
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

/// Results built by hand, for the tests of what reads them.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::http::{
        ExchangeOutcome, RecordedRequest, Response, TransportError, TransportErrorKind,
    };

    /// A run of one suite, `Suite <one>`, holding `steps`.
    pub fn run_with(steps: Vec<StepResult>) -> RunResult {
        let suite = SuiteResult {
            name: "Suite <one>".to_owned(),
            description: None,
            file: "suites/one.yaml".to_owned(),
            tags: Vec::new(),
            duration_ms: 12.0,
            steps,
        };
        RunResult {
            tool: "authprobe",
            version: "0.0.0",
            started_at: "2026-12-04T20:00:00Z".to_owned(),
            duration_ms: 12.0,
            target: None,
            interrupted: false,
            summary: Summary::of(std::slice::from_ref(&suite)),
            suites: vec![suite],
        }
    }

    /// A failed step with `text` in every string of it that masking reads: the URL, headers and
    /// bodies of a request answered and of one that failed, a check, a capture, its error.
    pub fn step_holding(text: &str) -> StepResult {
        let request = RecordedRequest {
            method: "POST".to_owned(),
            url: format!("https://api.test/callback?state={text}"),
            headers: vec![
                ("X-Trace".to_owned(), text.to_owned()),
                ("Authorization".to_owned(), format!("Bearer {text}")),
            ],
            body: Some(format!(r#"{{"note":"{text}"}}"#)),
        };
        let answered = Exchange {
            label: None,
            request: request.clone(),
            outcome: ExchangeOutcome::Response(Response::new(
                200,
                vec![("x-echo".to_owned(), text.to_owned())],
                format!(r#"{{"echo":"{text}","n":1}}"#).into_bytes(),
            )),
            duration_ms: 1.5,
        };
        let failed = Exchange {
            label: None,
            request,
            outcome: ExchangeOutcome::Error(TransportError {
                kind: TransportErrorKind::Other,
                message: format!("connection reset after {text}"),
            }),
            duration_ms: 2.5,
        };
        let mut step = StepResult::skipped(
            &format!("a step named {text}"),
            7,
            &format!("failed on {text}"),
        );
        step.status = StepStatus::Failed;
        step.attempts = 1;
        step.exchanges = vec![answered, failed];
        step.checks.push(CheckResult {
            name: format!("json $.echo ({text})"),
            passed: false,
            expected: format!("\"{text}\""),
            actual: "\"other\"".to_owned(),
            line: 8,
            diff: None,
        });
        step.captures.push(CapturedValue {
            name: "note".to_owned(),
            value: serde_json::json!({ "deep": [text, 1] }),
        });
        step
    }
}
