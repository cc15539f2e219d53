//! Captures: values read from a response and kept as variables for later steps. Each source kind
//! lives in its own file; [`capture`] dispatches on the kind, then applies the `jwt_claim` modifier.

mod body;
mod cookie;
mod header;
mod json;
mod jwt_claim;
mod redirect;
mod regex;
mod status;

use serde_json::Value;

use crate::assert::Observed;
use crate::suite::{Capture, CaptureSource};

/// Reads a capture's value, or says why there is none.
pub fn capture(capture: &Capture, observed: &Observed<'_>) -> Result<Value, String> {
    let value = match &capture.source {
        CaptureSource::Json { path, query } => json::capture(path, query, observed),
        CaptureSource::Header(name) => header::capture(name, observed),
        CaptureSource::Cookie(name) => cookie::capture(name, observed),
        CaptureSource::Redirect => redirect::capture_location(observed),
        CaptureSource::RedirectQuery(param) => redirect::capture_query(param, observed),
        CaptureSource::Regex { regex, group } => regex::capture(regex, *group, observed),
        CaptureSource::Status => Ok(status::capture(observed)),
        CaptureSource::Body => Ok(body::capture(observed)),
    }?;
    match &capture.jwt_claim {
        Some(claim) => jwt_claim::capture(&value, claim),
        None => Ok(value),
    }
}

/// What a capture read from: shown when it fails.
pub fn describe(source: &CaptureSource) -> String {
    match source {
        CaptureSource::Json { query, .. } => format!("json {query}"),
        CaptureSource::Header(name) => format!("header {name}"),
        CaptureSource::Cookie(name) => format!("cookie {name}"),
        CaptureSource::Redirect => "redirect location".to_owned(),
        CaptureSource::RedirectQuery(param) => format!("redirect query {param}"),
        CaptureSource::Regex { regex, group } => {
            format!("regex /{}/ group {group}", regex.as_str())
        }
        CaptureSource::Status => "status".to_owned(),
        CaptureSource::Body => "body".to_owned(),
    }
}
