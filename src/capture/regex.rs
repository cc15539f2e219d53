//! `capture: { name: { regex: 'csrf" value="([^"]+)"', group: 1 } }`: a regex group of the body.

use regex::Regex;
use serde_json::Value;

use crate::assert::Observed;

pub(super) fn capture(
    regex: &Regex,
    group: usize,
    observed: &Observed<'_>,
) -> Result<Value, String> {
    let text = observed.response.text();
    let captures = regex
        .captures(&text)
        .ok_or_else(|| format!("/{}/ does not match the body", regex.as_str()))?;
    captures
        .get(group)
        .map(|found| Value::String(found.as_str().to_owned()))
        .ok_or_else(|| format!("group {group} of /{}/ matched nothing", regex.as_str()))
}
