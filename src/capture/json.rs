//! `capture: { name: { json: $.path } }`: a JSONPath query on the response body.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::assert::Observed;

pub(super) fn capture(
    path: &JsonPath,
    query: &str,
    observed: &Observed<'_>,
) -> Result<Value, String> {
    let document = observed.response.json().ok_or("the body is not JSON")?;
    let nodes = path.query(document).all();
    match nodes.len() {
        0 => Err(format!("`{query}` matched nothing")),
        1 => Ok(nodes[0].clone()),
        _ => Ok(Value::Array(nodes.into_iter().cloned().collect())),
    }
}
