//! `capture: { name: { body: true } }`: the whole body as text.

use serde_json::Value;

use crate::assert::Observed;

pub(super) fn capture(observed: &Observed<'_>) -> Value {
    Value::String(observed.response.text().into_owned())
}
