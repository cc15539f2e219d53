//! `race:` on a step: its request sent `count` times at once, over separate connections where the
//! client opens them. Passes when at most `max_success` answers succeed (RFC 9700 §4.14.2: one
//! refresh token, one new token): answers with the status the step expects, or 2xx when it
//! expects none (a one-time link that redirects succeeds with a 302). The step's assertions and
//! captures then read the first successful answer, or the first answer when none succeeded.

use serde_json::Value;
use tokio::task::JoinSet;

use super::suite::SuiteState;
use crate::assert::{Bindings, CheckResult, matcher};
use crate::http::{Exchange, OutgoingRequest};
use crate::suite::{AssertionKind, Race, Step};

/// Sends the race and returns the exchange the step goes on with, and the race's verdict.
pub(super) async fn run(
    state: &SuiteState<'_>,
    step: &Step,
    race: &Race,
    request: &OutgoingRequest,
) -> (Vec<Exchange>, CheckResult) {
    let expected_status = step
        .assertions
        .iter()
        .find_map(|assertion| match &assertion.kind {
            AssertionKind::Status(matcher) => Some(matcher),
            _ => None,
        });
    let bindings = Bindings::new(&state.suite.templates, &state.scope);
    let succeeded = |status: u16| match expected_status {
        Some(expected) => matcher::check(expected, Some(&Value::from(status)), &bindings)
            .is_ok_and(|(matched, _)| matched),
        None => (200..300).contains(&status),
    };
    let success_text = match expected_status {
        Some(expected) => matcher::check(expected, None, &bindings).map_or_else(
            |_| "the expected status".to_owned(),
            |(_, text)| format!("status {text}"),
        ),
        None => "2xx".to_owned(),
    };
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
    let successes = statuses
        .iter()
        .filter(|status| status.is_some_and(succeeded))
        .count();
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
    let check = CheckResult {
        name: format!(
            "race: at most {} of {} succeed",
            race.max_success, race.count
        ),
        passed: successes <= race.max_success as usize && exchanges.len() == race.count as usize,
        expected: format!("at most {} answer(s) with {success_text}", race.max_success),
        actual: format!("{successes} succeeded ({})", tally.join(", ")),
        line: race.span.line,
        diff: None,
    };
    let first_success = statuses
        .iter()
        .position(|status| status.is_some_and(succeeded));
    let kept = first_success.unwrap_or(0);
    let exchange = exchanges.into_iter().nth(kept);
    (exchange.into_iter().collect(), check)
}
