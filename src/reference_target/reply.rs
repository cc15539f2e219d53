//! The responses every route shares: JSON bodies, and 401s with their `WWW-Authenticate` challenge.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::flaw::{Flaw, FlawSet};

pub(super) fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `{"detail": …}` with `status`, the shape FastAPI gives its errors.
pub(super) fn detail(status: StatusCode, message: &str) -> Response {
    json(status, json!({ "detail": message }))
}

/// A 401 with its challenge (RFC 9110 §15.5.2 requires one), unless the flaw drops it.
pub(super) fn unauthorized(flaws: &FlawSet, challenge: &str, message: &str) -> Response {
    let mut response = detail(StatusCode::UNAUTHORIZED, message);
    if !flaws.has(Flaw::NoWwwAuthenticate) {
        if let Ok(value) = HeaderValue::from_str(challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// A request refused before any credential was looked at, or a failure of the target itself: a
/// status and a `{"detail": …}` message. Small, so that `Result<_, Failure>` stays cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failure {
    pub status: StatusCode,
    pub message: String,
}

impl Failure {
    pub fn bad_request(message: impl Into<String>) -> Failure {
        Failure {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// The target could not do its own job (no randomness, a key that cannot sign).
    pub fn internal(what: &str) -> Failure {
        Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {what}"),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        detail(self.status, &self.message)
    }
}

/// Auth responses must never be cached (RFC 6749 §5.1, OWASP session management).
pub(super) async fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers
        .entry(header::PRAGMA)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}
