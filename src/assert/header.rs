//! `expect.headers`: response headers by (case-insensitive) name. Repeated headers are joined with
//! `, `, as HTTP allows; `set-cookie` is better checked with `expect.cookies`.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, verdict};
use crate::suite::{Matcher, Span};

pub(super) fn evaluate(
    name: &str,
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let values: Vec<&str> = observed.response.headers_named(name).collect();
    let actual = (!values.is_empty()).then(|| Value::String(values.join(", ")));
    verdict(
        format!("header {name}"),
        matcher,
        actual.as_ref(),
        bindings,
        span,
    )
}
