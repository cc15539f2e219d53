//! Running suites: per suite a scope of variables and a cookie jar per identity; per step render,
//! send, follow redirects if asked, assert, capture, retry. Results are data ([`result`]); progress
//! goes to a [`RunListener`].

mod attacks;
mod check;
mod event;
mod listener;
mod mocks;
mod race;
mod request;
pub mod result;
mod step;
mod suite;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tokio::sync::watch;
use url::Url;

pub use event::{RunEvent, RunListener, Silent};
pub use result::{
    CapturedValue, CheckResult, RunResult, StepResult, StepStatus, SuiteResult, Summary,
};

use crate::http::{ClientOptions, HttpClient};
use crate::suite::Suite;

/// Everything a run needs besides the suites; built once from the CLI.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Base URL that relative step URLs resolve against.
    pub target: Option<Url>,
    /// `--var name=value`: override suite vars.
    pub vars: Vec<(String, Value)>,
    /// What templates read as `env.NAME`.
    pub env: Arc<HashMap<String, String>>,
    /// Per-request timeout when a step sets none.
    pub timeout: Duration,
    /// Stop running steps after the first failure (the rest are reported as skipped).
    pub fail_fast: bool,
    pub client: ClientOptions,
    /// Stand-ins on fixed addresses shared by every suite (`--google-addr`, `--github-addr`);
    /// without them each suite starts its own on free ports.
    pub stand_ins: Option<Arc<crate::mock::SharedStandIns>>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            target: None,
            vars: Vec::new(),
            env: Arc::default(),
            timeout: Duration::from_secs(10),
            fail_fast: false,
            client: ClientOptions::default(),
            stand_ins: None,
        }
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("failed to set up the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// Sets to `true` to stop a run between steps; the result then holds what finished.
pub type CancelSignal = watch::Receiver<bool>;

/// Runs `suites` in order and returns what happened. Failed checks and unreachable targets are in
/// the result; only a client that cannot be built is an error.
pub async fn run(
    suites: &[Suite],
    options: &RunOptions,
    listener: &mut dyn RunListener,
    mut cancel: CancelSignal,
) -> Result<RunResult, RunError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let client = HttpClient::new(&options.client).map_err(RunError::Client)?;
    let mut results = Vec::with_capacity(suites.len());
    let mut interrupted = false;
    let mut failed_before = false;
    for suite in suites {
        if *cancel.borrow() {
            interrupted = true;
            break;
        }
        let outcome = suite::run_suite(
            suite,
            &client,
            options,
            listener,
            &mut cancel,
            failed_before,
        )
        .await;
        failed_before |= !outcome.result.passed();
        interrupted |= outcome.interrupted;
        results.push(outcome.result);
        if interrupted {
            break;
        }
    }
    Ok(RunResult {
        tool: "authprobe",
        version: env!("CARGO_PKG_VERSION"),
        started_at: humantime::format_rfc3339_seconds(started_at).to_string(),
        duration_ms: clock.elapsed().as_secs_f64() * 1000.0,
        target: options.target.as_ref().map(crate::http::url_as_recorded),
        interrupted,
        summary: Summary::of(&results),
        suites: results,
    })
}
