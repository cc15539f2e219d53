//! `capture: { name: { status: true } }`: the status code, as a number.

use serde_json::Value;

use crate::assert::Observed;

pub(super) fn capture(observed: &Observed<'_>) -> Value {
    Value::from(observed.response.status)
}
