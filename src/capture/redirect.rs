//! `capture: { name: { redirect: true } }` and `{ redirect_query: code }`: where a redirect points,
//! resolved to an absolute URL, and one of its query parameters.

use serde_json::Value;

use crate::assert::{Observed, resolved_location};

pub(super) fn capture_location(observed: &Observed<'_>) -> Result<Value, String> {
    resolved_location(observed)
        .map(|url| Value::String(url.to_string()))
        .ok_or_else(|| "no valid Location header in the response".to_owned())
}

pub(super) fn capture_query(param: &str, observed: &Observed<'_>) -> Result<Value, String> {
    let location = resolved_location(observed).ok_or("no valid Location header in the response")?;
    location
        .query_pairs()
        .find(|(key, _)| key == param)
        .map(|(_, value)| Value::String(value.into_owned()))
        .ok_or_else(|| format!("the redirect URL has no `{param}` parameter"))
}
