//! `expect.status`: the response status code.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, verdict};
use crate::suite::{Matcher, Span};

pub(super) fn evaluate(
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let actual = Value::from(observed.response.status);
    verdict("status".to_owned(), matcher, Some(&actual), bindings, span)
}
