//! `expect.body`: the response body as text.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, verdict};
use crate::suite::{Matcher, Span};

pub(super) fn evaluate(
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let actual = Value::String(observed.response.text().into_owned());
    verdict("body".to_owned(), matcher, Some(&actual), bindings, span)
}
