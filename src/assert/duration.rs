//! `expect.duration`: milliseconds from sending the request to receiving the whole body.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, verdict};
use crate::suite::{Matcher, Span};

pub(super) fn evaluate(
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let actual = Value::from(observed.duration_ms.round() as u64);
    verdict(
        "duration (ms)".to_owned(),
        matcher,
        Some(&actual),
        bindings,
        span,
    )
}
