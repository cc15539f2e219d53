//! One step: attempts (with retry), redirects hop by hop, then assertions and captures. Assertions
//! that read only the response may be left for the suite loop to evaluate a little later.

use std::time::Instant;

use reqwest::Method;
use url::Url;

use super::request;
use super::result::{CapturedValue, CheckResult, Drafts, StepResult, StepStatus};
use super::suite::SuiteState;
use crate::assert::{self, Bindings, MockCallsView, Observed};
use crate::capture;
use crate::http::{Exchange, ExchangeOutcome, OutgoingRequest};
use crate::suite::{ApiKeyPlacement, Assertion, Step};
use crate::template::{Scope, TemplateSet};

const MAX_REDIRECTS: usize = 10;

/// A step's assertions left to be evaluated once the next step's request is on the wire: they
/// read only the response (see [`Assertion::reads_only_the_response`]), and nothing waits on
/// their outcome (no retry, no `--fail-fast`).
pub(super) struct DeferredAssertions {
    /// The URL the response came from.
    url: Url,
}

impl DeferredAssertions {
    /// Evaluates `step`'s assertions against `result`'s last response, puts their checks first
    /// (where they would have been) and fails the step if one failed.
    pub(super) fn evaluate(self, step: &Step, templates: &TemplateSet, result: &mut StepResult) {
        let Some((response, duration_ms)) = result
            .exchanges
            .last()
            .and_then(|last| Some((last.response()?, last.duration_ms)))
        else {
            debug_assert!(
                false,
                "assertions are deferred only for a step with a response"
            );
            return;
        };
        let observed = Observed {
            response,
            url: &self.url,
            duration_ms,
            mock_calls: MockCallsView {
                calls: &[],
                step_mark: 0,
            },
            jwks: &[],
        };
        // No assertion deferred reads a variable: the scope is never looked at.
        let scope = Scope::default();
        let checks = evaluate_assertions(step, &observed, &Bindings::new(templates, &scope));
        if result.status == StepStatus::Passed && checks.iter().any(|check| !check.passed) {
            result.status = StepStatus::Failed;
        }
        result.checks.splice(0..0, checks);
    }
}

fn evaluate_assertions(
    step: &Step,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
) -> Vec<CheckResult> {
    step.assertions
        .iter()
        .map(|assertion| assert::evaluate(assertion, observed, bindings))
        .collect()
}

/// Runs one step. Its assertions may come back unevaluated, to be evaluated later with
/// [`DeferredAssertions::evaluate`].
pub(super) async fn run_step(
    state: &mut SuiteState<'_>,
    step: &Step,
) -> (StepResult, Option<DeferredAssertions>) {
    let started = Instant::now();
    if let Some(check) = &step.check {
        let run = super::check::run(state, step, check).await;
        let status = if run.error.is_some() {
            StepStatus::Error
        } else if run.checks.iter().all(|check| check.passed) {
            StepStatus::Passed
        } else {
            StepStatus::Failed
        };
        let result = StepResult {
            name: step.name.clone(),
            line: step.span.line,
            identity: step.identity.clone(),
            status,
            attempts: 1,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
            exchanges: run.exchanges,
            checks: run.checks,
            captures: Vec::new(),
            error: run.error,
            secrets: declared_secrets(state),
            drafts: Drafts::default(),
        };
        return (result, None);
    }
    let attempts_allowed = step.retry.map_or(1, |retry| retry.attempts);
    let defer = attempts_allowed == 1
        && !state.options.fail_fast
        && step.attacks.is_none()
        && step.race.is_none()
        && step
            .assertions
            .iter()
            .all(Assertion::reads_only_the_response);
    let mut attempt = 0;
    let outcome = loop {
        attempt += 1;
        let outcome = attempt_once(state, step, defer).await;
        if outcome.status == StepStatus::Passed || attempt >= attempts_allowed {
            break outcome;
        }
        if let Some(retry) = step.retry {
            tokio::time::sleep(retry.delay).await;
        }
    };
    for (name, value) in &outcome.captured {
        state.scope.insert(name, value);
        state.missing_captures.remove(name);
    }
    for capture in &step.captures {
        if !outcome
            .captured
            .iter()
            .any(|(name, _)| *name == capture.name)
        {
            state
                .missing_captures
                .insert(capture.name.clone(), step.name.clone());
        }
    }
    let result = StepResult {
        name: step.name.clone(),
        line: step.span.line,
        identity: step.identity.clone(),
        status: outcome.status,
        attempts: attempt,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        exchanges: outcome.exchanges,
        checks: outcome.checks,
        captures: outcome
            .captured
            .into_iter()
            .map(|(name, value)| CapturedValue { name, value })
            .collect(),
        error: outcome.error,
        secrets: {
            let mut secrets = declared_secrets(state);
            secrets.extend(outcome.secrets);
            secrets
        },
        drafts: Drafts::default(),
    };
    (result, outcome.deferred)
}

/// The current values of the suite's declared secret vars and captures.
fn declared_secrets(state: &SuiteState<'_>) -> Vec<String> {
    let mut values = Vec::new();
    for name in &state.suite.secrets {
        match state.scope.get(name) {
            Some(serde_json::Value::String(text)) => values.push(text.clone()),
            Some(other) if !other.is_null() => values.push(other.to_string()),
            _ => {}
        }
    }
    values.extend(state.mocks.secrets());
    // `--target https://user:password@staging.test` puts a password in every URL sent.
    if let Some(password) = state.options.target.as_ref().and_then(Url::password) {
        values.push(percent_decoded(password));
        values.push(password.to_owned());
    }
    values
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

struct Attempt {
    status: StepStatus,
    exchanges: Vec<Exchange>,
    checks: Vec<CheckResult>,
    captured: Vec<(String, serde_json::Value)>,
    error: Option<String>,
    deferred: Option<DeferredAssertions>,
    /// Secrets the attempt sent besides the declared ones: its API key, and the attack variants
    /// of it.
    secrets: Vec<String>,
}

impl Attempt {
    fn error(exchanges: Vec<Exchange>, message: String) -> Self {
        Attempt {
            status: StepStatus::Error,
            exchanges,
            checks: Vec::new(),
            captured: Vec::new(),
            error: Some(message),
            deferred: None,
            secrets: Vec::new(),
        }
    }

    fn with_secrets(mut self, secrets: Vec<String>) -> Self {
        self.secrets = secrets;
        self
    }

    /// A race's verdict stands whatever became of the answer the step goes on with.
    fn with_race(mut self, race_check: Option<CheckResult>) -> Self {
        self.checks.extend(race_check);
        self
    }
}

/// One attempt at the step; with `defer`, its assertions are left for later.
async fn attempt_once(state: &mut SuiteState<'_>, step: &Step, defer: bool) -> Attempt {
    let mock_mark = crate::mock::mark();
    let prepared = state.prepared_url.take();
    let request = match request::build(state, step, prepared) {
        Ok(request) => request,
        Err(message) => return Attempt::error(Vec::new(), message),
    };
    // An API key sent under a name the redactor does not know (`X-Key`, `?k=`) is a secret all
    // the same, whether or not the target answers, however short: a real key of six characters
    // is still a key (a negative test's `api_key: wrong` masks that word, the price of it).
    let mut secrets: Vec<String> = request::api_key_sent(state, step, &request)
        .into_iter()
        .collect();
    let untouched = step.attacks.as_ref().map(|_| request.clone());
    let (exchanges, final_url, race_check) = match &step.race {
        Some(race) => {
            let (exchanges, check) = super::race::run(state, step, race, &request).await;
            // The answer the step goes on with signs its identity in, as any other would.
            if let Some(kept) = exchanges.first() {
                let url = request.url.clone();
                store_cookies(state, step, kept, &url);
            }
            (exchanges, None, Some(check))
        }
        None => {
            let (exchanges, url) = send_following(state, step, request).await;
            (exchanges, Some(url), None)
        }
    };
    // The last hop of the step's own request: a race's other answers follow it, labelled.
    let Some(last) = exchanges
        .iter()
        .rev()
        .find(|exchange| exchange.label.is_none())
    else {
        return Attempt::error(exchanges, "no request was sent".to_owned())
            .with_secrets(secrets)
            .with_race(race_check);
    };
    let response = match &last.outcome {
        ExchangeOutcome::Response(response) => response,
        ExchangeOutcome::Error(error) => {
            let message = error.message.clone();
            return Attempt::error(exchanges, message)
                .with_secrets(secrets)
                .with_race(race_check);
        }
    };
    // A race's answers are not hops: it does not follow redirects.
    if step.follow_redirects
        && race_check.is_none()
        && exchanges.len() > MAX_REDIRECTS
        && matches!(response.status, 301 | 302 | 303 | 307 | 308)
        && response.header("location").is_some()
    {
        return Attempt::error(
            exchanges,
            format!("more than {MAX_REDIRECTS} redirects: the target redirects in a loop?"),
        )
        .with_secrets(secrets);
    }
    let Some(url) = final_url.or_else(|| Url::parse(&last.request.url).ok()) else {
        return Attempt::error(
            exchanges,
            "the request URL could not be read back".to_owned(),
        )
        .with_secrets(secrets)
        .with_race(race_check);
    };
    let mock_calls = state.mocks.calls();
    let jwks = super::attacks::fetch_jwks_documents(state, step, &url).await;
    let observed = Observed {
        response,
        url: &url,
        duration_ms: last.duration_ms,
        mock_calls: MockCallsView {
            calls: &mock_calls,
            step_mark: mock_mark,
        },
        jwks: &jwks,
    };
    let mut checks = if defer {
        Vec::new()
    } else {
        let bindings = Bindings::new(&state.suite.templates, &state.scope);
        evaluate_assertions(step, &observed, &bindings)
    };
    let mut captured = Vec::with_capacity(step.captures.len());
    for capture in &step.captures {
        match capture::capture(capture, &observed) {
            Ok(value) => captured.push((capture.name.clone(), value)),
            Err(reason) => checks.push(CheckResult {
                name: format!("capture {}", capture.name),
                passed: false,
                expected: capture::describe(&capture.source),
                actual: reason,
                line: capture.span.line,
                diff: None,
            }),
        }
    }
    checks.extend(race_check);
    let mut attack_exchanges = Vec::new();
    if let (Some(set), Some(untouched)) = (&step.attacks, &untouched) {
        let attacks = super::attacks::run(state, set, untouched, response).await;
        checks.extend(attacks.checks);
        attack_exchanges = attacks.exchanges;
        secrets.extend(attacks.secrets);
    }
    let status = if checks.iter().all(|check| check.passed) {
        StepStatus::Passed
    } else {
        StepStatus::Failed
    };
    // After the step's own exchanges, which its assertions and snapshot read.
    let mut exchanges = exchanges;
    exchanges.append(&mut attack_exchanges);
    Attempt {
        status,
        exchanges,
        checks,
        captured,
        error: None,
        deferred: defer.then_some(DeferredAssertions { url }),
        secrets,
    }
}

/// Stores the cookies `exchange`'s response sets in the jar of the step's identity.
fn store_cookies(state: &mut SuiteState<'_>, step: &Step, exchange: &Exchange, url: &Url) {
    let Some(response) = exchange.response() else {
        return;
    };
    let mut set_cookies = response.headers_named("set-cookie").peekable();
    if set_cookies.peek().is_some() {
        state
            .jars
            .entry(step.identity.clone().unwrap_or_default())
            .or_default()
            .store(set_cookies, url);
    }
}

/// Sends the request and, when the step asks, follows redirects as a browser would: 303 (and 301/302
/// after a POST) become a GET without body, credentials are dropped when the origin changes, and
/// the identity's jar stores cookies at every hop. Returns the exchanges and the last URL requested.
async fn send_following(
    state: &mut SuiteState<'_>,
    step: &Step,
    mut request: OutgoingRequest,
) -> (Vec<Exchange>, Url) {
    let jar_key = step.identity.clone().unwrap_or_default();
    let mut exchanges = Vec::with_capacity(1);
    loop {
        state.mocks.tag(&mut request.url);
        let url = request.url.clone();
        // The request is kept for the next hop only when there may be one.
        let next_hop =
            (step.follow_redirects && exchanges.len() < MAX_REDIRECTS).then(|| request.clone());
        let exchange = state.client.send(request).await;
        store_cookies(state, step, &exchange, &url);
        let next = match exchange.response() {
            Some(response) => {
                let location = response
                    .header("location")
                    .and_then(|location| url.join(location).ok());
                match location {
                    Some(location)
                        if step.follow_redirects
                            && matches!(response.status, 301 | 302 | 303 | 307 | 308)
                            && exchanges.len() < MAX_REDIRECTS =>
                    {
                        Some((response.status, location))
                    }
                    _ => None,
                }
            }
            None => None,
        };
        exchanges.push(exchange);
        let (Some((status, location)), Some(next_hop)) = (next, next_hop) else {
            return (exchanges, url);
        };
        request = next_hop;
        let keeps_method =
            matches!(status, 307 | 308) || (request.method != Method::POST && status != 303);
        if !keeps_method {
            request.method = Method::GET;
            request.body = None;
            request
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        }
        if location.origin() != url.origin() {
            // No credential goes to another origin: `Authorization`, the step's API key under
            // whatever name it is sent, and any header whose name says it is one.
            let api_key_header = match request::api_key_placement(state, step) {
                Some(ApiKeyPlacement::Header(name)) => Some(name.as_str()),
                _ => None,
            };
            request.headers.retain(|(name, _)| {
                !crate::secret::is_credential_header(name)
                    && api_key_header.is_none_or(|key| !name.eq_ignore_ascii_case(key))
            });
        }
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("cookie"));
        request::add_cookies(&mut request.headers, state.jars.get(&jar_key), &location);
        request.url = location;
    }
}
