//! `capture: { name: { header: x-request-id } }`: a response header's first value.

use serde_json::Value;

use crate::assert::Observed;

pub(super) fn capture(name: &str, observed: &Observed<'_>) -> Result<Value, String> {
    observed
        .response
        .header(name)
        .map(|value| Value::String(value.to_owned()))
        .ok_or_else(|| format!("no `{name}` header in the response"))
}
