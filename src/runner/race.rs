//! `race:` on a step: its request sent `count` times at once, over separate connections where the
//! client opens them. Passes when at most `max_success` answers were granted (RFC 9700 §4.14.2:
//! one refresh token, one new token). A grant is what `race.success` describes when the suite
//! says; otherwise a 2xx, or the redirect a step expects (`expect.status` of a 3xx, and its
//! `expect.redirect` when it has one: the 302 of a one-time login link, not the 302 back to the
//! login page), and never a refusal, whatever the step expects. The step's assertions and
//! captures then read the first granted answer, or the first answer when none was; the other
//! answers follow it, labelled `race answer N of M`, so that a report shows each grant.

use serde_json::Value;
use tokio::task::JoinSet;
use url::Url;

use super::suite::SuiteState;
use crate::assert::{self, Bindings, CheckResult, MockCallsView, Observed, matcher};
use crate::http::{Exchange, OutgoingRequest};
use crate::suite::{AssertionKind, Race, Step};

/// Sends the race and returns its exchanges, the one the step goes on with first (the others
/// labelled), and the race's verdict.
pub(super) async fn run(
    state: &SuiteState<'_>,
    step: &Step,
    race: &Race,
    request: &OutgoingRequest,
) -> (Vec<Exchange>, CheckResult) {
    let bindings = Bindings::new(&state.suite.templates, &state.scope);
    let mut set = JoinSet::new();
    for _ in 0..race.count {
        let client = state.client.clone();
        let request = request.clone();
        set.spawn(async move { client.send(request).await });
    }
    let mut exchanges = Vec::with_capacity(race.count as usize);
    while let Some(joined) = set.join_next().await {
        if let Ok(exchange) = joined {
            exchanges.push(exchange);
        }
    }
    let statuses: Vec<Option<u16>> = exchanges
        .iter()
        .map(|exchange| exchange.response().map(|response| response.status))
        .collect();
    let grants: Vec<bool> = exchanges
        .iter()
        .map(|exchange| {
            let url = Url::parse(&exchange.request.url).ok();
            let (Some(response), Some(url)) = (exchange.response(), url) else {
                return false;
            };
            let observed = Observed {
                response,
                url: &url,
                duration_ms: exchange.duration_ms,
                mock_calls: MockCallsView {
                    calls: &[],
                    step_mark: 0,
                },
                jwks: &[],
            };
            match &race.success {
                Some(success) => success
                    .iter()
                    .all(|assertion| assert::evaluate(assertion, &observed, &bindings).passed),
                None => is_granted(step, &observed, &bindings),
            }
        })
        .collect();
    let successes = grants.iter().filter(|granted| **granted).count();
    let mut tally: Vec<(String, usize)> = Vec::new();
    for status in &statuses {
        let label = status.map_or_else(|| "no response".to_owned(), |status| status.to_string());
        match tally.iter_mut().find(|(existing, _)| *existing == label) {
            Some((_, count)) => *count += 1,
            None => tally.push((label, 1)),
        }
    }
    tally.sort();
    let tally: Vec<String> = tally
        .into_iter()
        .map(|(label, count)| format!("{label} ×{count}"))
        .collect();
    let defined_by = if race.success.is_some() {
        " (as race.success describes)"
    } else {
        ""
    };
    let check = CheckResult {
        name: format!(
            "race: at most {} of {} succeed",
            race.max_success, race.count
        ),
        passed: successes <= race.max_success as usize && exchanges.len() == race.count as usize,
        expected: format!("at most {} granted answer(s){defined_by}", race.max_success),
        actual: format!("{successes} succeeded ({})", tally.join(", ")),
        line: race.span.line,
        diff: None,
    };
    let kept = grants.iter().position(|granted| *granted).unwrap_or(0);
    let count = exchanges.len();
    let mut ordered = Vec::with_capacity(count);
    let mut others = Vec::with_capacity(count.saturating_sub(1));
    for (index, mut exchange) in exchanges.into_iter().enumerate() {
        if index == kept {
            ordered.push(exchange);
        } else {
            let outcome = if grants[index] { "granted" } else { "refused" };
            exchange.label = Some(format!("race answer {} of {count} ({outcome})", index + 1));
            others.push(exchange);
        }
    }
    ordered.append(&mut others);
    (ordered, check)
}

/// Whether the answer granted the request, when the suite does not say what a grant is: a 2xx,
/// or a 3xx the step expects, to where it expects.
fn is_granted(step: &Step, observed: &Observed<'_>, bindings: &Bindings<'_>) -> bool {
    let response = observed.response;
    if (200..300).contains(&response.status) {
        return true;
    }
    if !(300..400).contains(&response.status) {
        return false;
    }
    let status = Value::from(response.status);
    // A step that names no status but where the redirect goes expects a redirect.
    let mut expects_this_redirect = step.assertions.iter().any(|assertion| {
        matches!(
            assertion.kind,
            AssertionKind::RedirectTo(_) | AssertionKind::RedirectQuery { .. }
        )
    });
    for assertion in &step.assertions {
        match &assertion.kind {
            AssertionKind::Status(expected) => {
                match matcher::check(expected, Some(&status), bindings) {
                    Ok((true, _)) => expects_this_redirect = true,
                    _ => return false,
                }
            }
            AssertionKind::RedirectTo(_) | AssertionKind::RedirectQuery { .. }
                if !assert::evaluate(assertion, observed, bindings).passed =>
            {
                return false;
            }
            _ => {}
        }
    }
    expects_this_redirect
}
