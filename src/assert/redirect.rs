//! `expect.redirect`: where a redirect sends the browser (`to`) and the query parameters of that
//! URL (`query`), such as an authorization request's `state` and `code_challenge`.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, resolved_location, verdict};
use crate::suite::{Matcher, Span};

/// `to` passes when the matcher accepts the absolute URL, the `Location` header as written, or,
/// for a same-origin redirect, its path and query or its path alone: `to: /home` and
/// `to: "{{ target }}/home"` both mean the same place, and `to: /home` holds for
/// `/home?welcome=1` too (`query:` checks the parameters).
pub(super) fn evaluate_target(
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let Some(raw) = observed.response.header("location") else {
        return verdict("redirect to".to_owned(), matcher, None, bindings, span);
    };
    let mut candidates = vec![raw.to_owned()];
    if let Some(resolved) = resolved_location(observed) {
        candidates.push(resolved.to_string());
        if resolved.origin() == observed.url.origin() {
            let path = resolved.path();
            if let Some(query) = resolved.query() {
                candidates.push(format!("{path}?{query}"));
            }
            candidates.push(path.to_owned());
        }
    }
    let mut first = None;
    for candidate in candidates {
        let result = verdict(
            "redirect to".to_owned(),
            matcher,
            Some(&Value::String(candidate)),
            bindings,
            span,
        );
        if result.passed {
            return result;
        }
        first.get_or_insert(result);
    }
    first.unwrap_or_else(|| verdict("redirect to".to_owned(), matcher, None, bindings, span))
}

pub(super) fn evaluate_query(
    param: &str,
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let name = format!("redirect query {param}");
    let Some(location) = resolved_location(observed) else {
        let mut result = verdict(name, matcher, None, bindings, span);
        result.actual = "no Location header".to_owned();
        return result;
    };
    let actual = location
        .query_pairs()
        .find(|(key, _)| key == param)
        .map(|(_, value)| Value::String(value.into_owned()));
    verdict(name, matcher, actual.as_ref(), bindings, span)
}
