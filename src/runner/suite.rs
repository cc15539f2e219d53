//! One suite: set up its scope (target, env, `--var`s, suite vars) and run its steps in order. A
//! finished step is finished off (its deferred assertions) and reported to the listener while the
//! next step's request is on the wire, when that is quick.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use url::Url;

use super::event::{RunEvent, RunListener};
use super::mocks::SuiteMocks;
use super::request::PreparedUrl;
use super::result::{StepResult, StepStatus, SuiteResult};
use super::step::{DeferredAssertions, run_step};
use super::{CancelSignal, RunOptions};
use crate::assert::Bindings;
use crate::http::{CookieJar, HttpClient};
use crate::suite::{AssertionKind, Step, Suite};
use crate::template::Scope;

/// The state a suite's steps share.
pub(super) struct SuiteState<'a> {
    pub suite: &'a Suite,
    pub client: &'a HttpClient,
    pub options: &'a RunOptions,
    pub scope: Scope,
    /// One jar per identity; the default identity is `""`.
    pub jars: HashMap<String, CookieJar>,
    /// Captures that failed, by name, with the step that should have set them.
    pub missing_captures: HashMap<String, String>,
    /// The suite's Google and GitHub stand-ins, if it declares any.
    pub mocks: SuiteMocks,
    /// The next step's URL, resolved while the step before it waited for its response.
    pub prepared_url: Option<PreparedUrl<'a>>,
}

/// The suite's finished steps, and how many of them the listener has been shown: the last one
/// may wait for the next step's request to be sent, its assertions with it.
struct Finished<'a, 'l> {
    listener: &'l mut dyn RunListener,
    suite: &'a Suite,
    steps: Vec<StepResult>,
    reported: usize,
    /// How many of them the listener has been given to finish off (see
    /// [`RunListener::step_reported`]): all but the last reported, until the suite ends.
    finished_off: usize,
    /// The last step's assertions, when they were left for later.
    deferred: Option<(&'a Step, DeferredAssertions)>,
    /// Whether finishing the last step is quick enough to overlap with the next one's request.
    quick_to_finish: bool,
}

impl<'a> Finished<'a, '_> {
    fn push(&mut self, step: &'a Step, result: StepResult, deferred: Option<DeferredAssertions>) {
        self.report_waiting();
        // What comes next is reporting this step and finishing off the one before it.
        self.quick_to_finish =
            quick_to_finish(&result) && self.steps.last().is_none_or(quick_to_finish);
        self.steps.push(result);
        self.deferred = deferred.map(|deferred| (step, deferred));
    }

    /// Whether the waiting step may be finished while `next` waits for its response, which must
    /// come within `timeout`.
    fn may_overlap(&self, next: &Step, timeout: Duration) -> bool {
        self.quick_to_finish
            && timeout >= SHORTEST_TIMEOUT_TO_OVERLAP
            && !next
                .assertions
                .iter()
                .any(|assertion| matches!(assertion.kind, AssertionKind::Duration(_)))
    }

    fn report_waiting(&mut self) {
        if let (Some((step, deferred)), Some(result)) =
            (self.deferred.take(), self.steps.last_mut())
        {
            deferred.evaluate(step, &self.suite.templates, result);
        }
        for index in self.reported..self.steps.len() {
            let step = &mut self.steps[index];
            self.listener.on_event(RunEvent::StepFinished {
                suite: &self.suite.name,
                step,
            });
            // Nothing reads a finished step's parsed bodies during the run: a long run would
            // otherwise hold a parsed copy of every body beside its text.
            for exchange in &mut step.exchanges {
                if let Some(response) = exchange.response_mut() {
                    response.forget_parsed_json();
                }
            }
            // The step before is finished off only once this one has been seen: a step often
            // sends what the one before received (a token, a code), which makes it a secret.
            if index > self.finished_off {
                self.listener.step_reported(&mut self.steps[index - 1]);
                self.finished_off = index;
            }
        }
        self.reported = self.steps.len();
    }

    /// Reports every step left and finishes them all off: no step comes after them.
    fn report_and_finish_off_all(&mut self) {
        self.report_waiting();
        for step in &mut self.steps[self.finished_off..] {
            self.listener.step_reported(step);
        }
        self.finished_off = self.steps.len();
    }

    /// Lets the step being run hand its request to the connection first, then finishes and
    /// reports the ones before it, and resolves the URL of `next` (the step after the one being
    /// run) when it can be resolved ahead.
    async fn report_after_yield(
        &mut self,
        next: Option<&'a Step>,
        target: Option<&Url>,
    ) -> Option<PreparedUrl<'a>> {
        let next = next.and_then(|step| step.request.as_ref());
        if self.reported == self.steps.len() && next.is_none() {
            return None;
        }
        tokio::task::yield_now().await;
        self.report_waiting();
        next.and_then(|spec| PreparedUrl::for_next(spec, target))
    }
}

/// Finishing a step (its assertions, the console, learning its secrets) reads its exchanges:
/// past this many bytes of bodies it may take long enough to matter.
const QUICK_TO_FINISH_BYTES: usize = 64 * 1024;

/// A response that must come sooner than this is not kept waiting by the step before: the
/// timeout is counted until it has been read.
const SHORTEST_TIMEOUT_TO_OVERLAP: Duration = Duration::from_secs(1);

fn quick_to_finish(result: &StepResult) -> bool {
    let bytes: usize = result
        .exchanges
        .iter()
        .map(|exchange| {
            exchange.request.body.as_ref().map_or(0, String::len)
                + exchange
                    .response()
                    .map_or(0, |response| response.body.len())
        })
        .sum();
    bytes <= QUICK_TO_FINISH_BYTES
}

pub(super) struct SuiteOutcome {
    pub result: SuiteResult,
    pub interrupted: bool,
}

pub(super) async fn run_suite(
    suite: &Suite,
    client: &HttpClient,
    options: &RunOptions,
    listener: &mut dyn RunListener,
    cancel: &mut CancelSignal,
    failed_before: bool,
) -> SuiteOutcome {
    let started = Instant::now();
    let file = suite.source.display_name();
    listener.on_event(RunEvent::SuiteStarted {
        name: &suite.name,
        file: &file,
        steps: suite.steps.len(),
    });
    let mut state = SuiteState {
        suite,
        client,
        options,
        scope: Scope::default(),
        jars: HashMap::new(),
        missing_captures: HashMap::new(),
        mocks: SuiteMocks::default(),
        prepared_url: None,
    };
    let setup_error = initial_scope(&mut state).await.err();
    for name in &suite.secrets {
        // As the redactor is given it (`pin: 123` is masked as "123"), which counts bytes.
        let value = match state.scope.get(name) {
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(other) if !other.is_null() => other.to_string(),
            _ => continue,
        };
        if (1..crate::secret::MIN_SECRET_LEN).contains(&value.len()) {
            let length = value.chars().count();
            listener.on_event(RunEvent::Warning(&format!(
                "secret `{name}` is {length} character{} long: too short to mask anywhere \
                 (secrets of {} characters or more are masked)",
                if length == 1 { "" } else { "s" },
                crate::secret::MIN_SECRET_LEN
            )));
        }
    }
    let mut finished = Finished {
        listener,
        suite,
        steps: Vec::with_capacity(suite.steps.len()),
        reported: 0,
        finished_off: 0,
        deferred: None,
        // Nothing waits before the first step.
        quick_to_finish: true,
    };
    let mut failed = failed_before;
    let mut interrupted = false;
    for (index, step) in suite.steps.iter().enumerate() {
        if *cancel.borrow() {
            interrupted = true;
            break;
        }
        let (result, deferred) = if let Some(error) = &setup_error {
            let mut result = StepResult::skipped(&step.name, step.span.line, error);
            result.status = StepStatus::Error;
            (result, None)
        } else if failed && options.fail_fast {
            let reason = "skipped: an earlier step failed (--fail-fast)";
            (
                StepResult::skipped(&step.name, step.span.line, reason),
                None,
            )
        } else {
            // The step before is reported, and the one before it finished off, while this one's
            // request is on the wire, where that work costs no time the run waits for. It may still be under way when
            // the response arrives, delaying its reading by as long: only a small step is
            // finished that way, and never beside a step that asserts its own duration or must
            // be answered within a second. The next step's URL is resolved then too, when it
            // can be.
            let overlap = finished.may_overlap(step, step.timeout.unwrap_or(options.timeout));
            if !overlap {
                finished.report_waiting();
            }
            let step_run = async {
                let step_or_stop = async {
                    tokio::select! {
                        result = run_step(&mut state, step) => Some(result),
                        _ = cancel.wait_for(|stop| *stop) => None,
                    }
                };
                let next = suite.steps.get(index + 1).filter(|_| overlap);
                tokio::join!(
                    step_or_stop,
                    finished.report_after_yield(next, options.target.as_ref())
                )
            };
            let (result, prepared) = step_run.await;
            state.prepared_url = prepared;
            match result {
                Some(result) => result,
                None => {
                    interrupted = true;
                    break;
                }
            }
        };
        // Assertions wait only without --fail-fast, the one reader of `failed`.
        debug_assert!(deferred.is_none() || !options.fail_fast);
        failed |= matches!(result.status, StepStatus::Failed | StepStatus::Error);
        finished.push(step, result, deferred);
    }
    finished.report_and_finish_off_all();
    let steps = finished.steps;
    let result = SuiteResult {
        name: suite.name.clone(),
        description: suite.description.clone(),
        file,
        tags: suite.tags.clone(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        steps,
    };
    listener.on_event(RunEvent::SuiteFinished(&result));
    SuiteOutcome {
        result,
        interrupted,
    }
}

/// Built-ins, then `--var`s, then the suite's stand-ins (`mocks`), then suite vars in order (a
/// `--var` wins over the suite's own value).
async fn initial_scope(state: &mut SuiteState<'_>) -> Result<(), String> {
    let options = state.options;
    let target = options.target.as_ref().map_or(String::new(), |url| {
        url.as_str().trim_end_matches('/').to_owned()
    });
    state.scope.insert("target", &Value::String(target));
    state.scope.insert(
        "env",
        &serde_json::to_value(&*options.env).unwrap_or_default(),
    );
    for (name, value) in &options.vars {
        state.scope.insert(name, value);
    }
    let shared = options.stand_ins.as_ref();
    state.mocks =
        SuiteMocks::start(state.suite, &state.scope, options.target.as_ref(), shared).await?;
    state.scope.insert("mocks", &state.mocks.scope());
    for (name, template) in &state.suite.vars {
        if options.vars.iter().any(|(cli_name, _)| cli_name == name) {
            continue;
        }
        let value = Bindings::new(&state.suite.templates, &state.scope)
            .render_json(template)
            .map_err(|error| format!("could not render var `{name}`: {error}"))?;
        state.scope.insert(name, &value);
    }
    Ok(())
}
