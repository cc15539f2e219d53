//! `expect.json`: JSONPath (RFC 9535) queries on the response body. No match is "absent", one
//! match is its value, several are compared as an array.

use serde_json::Value;
use serde_json_path::JsonPath;

use super::{Bindings, CheckResult, Observed, matcher, verdict};
use crate::suite::{Matcher, Span};

pub(super) fn evaluate(
    path: &JsonPath,
    query: &str,
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let name = format!("json {query}");
    let Some(document) = observed.response.json() else {
        let (_, expected) =
            matcher::check(matcher, None, bindings).unwrap_or((false, String::new()));
        return CheckResult {
            name,
            passed: false,
            expected,
            actual: "the body is not JSON".to_owned(),
            line: span.line,
            diff: None,
        };
    };
    let actual = query_value(path, document);
    verdict(name, matcher, actual.as_ref(), bindings, span)
}

/// The value a JSONPath selects: `None` for no node, the node for one, an array for several.
pub fn query_value(path: &JsonPath, document: &Value) -> Option<Value> {
    let nodes = path.query(document).all();
    match nodes.len() {
        0 => None,
        1 => Some(nodes[0].clone()),
        _ => Some(Value::Array(nodes.into_iter().cloned().collect())),
    }
}
