//! `capture: { name: { cookie: session } }`: the value of a cookie the response sets.

use serde_json::Value;

use crate::assert::Observed;

pub(super) fn capture(name: &str, observed: &Observed<'_>) -> Result<Value, String> {
    observed
        .response
        .set_cookies()
        .filter(|cookie| cookie.name() == name)
        .last()
        .map(|cookie| Value::String(cookie.value().to_owned()))
        .ok_or_else(|| format!("the response sets no `{name}` cookie"))
}
