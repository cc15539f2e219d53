//! `GET /protected-route` with an `X-API-Key` header: 200 `{"message": "Access granted"}` for the
//! right key, 403 `{"detail": "Invalid API Key"}` for a wrong one, 401 with a challenge for none.
//! The key is compared in constant time, whole, and only from the header.
//!
//! `GET /export` stands for a download link for tools that cannot set headers: the same key, read
//! from the `api_key` query parameter (and only there), compared exactly as it came.

use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::json;
use subtle::ConstantTimeEq as _;

use super::demo;
use super::flaw::{Flaw, FlawSet};
use super::reply;
use super::state::AppState;

pub const API_KEY_HEADER: &str = "x-api-key";
const CHALLENGE: &str = r#"APIKey realm="authprobe reference target", header="X-API-Key""#;
const QUERY_CHALLENGE: &str = r#"APIKey realm="authprobe reference target", query="api_key""#;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/protected-route", get(protected))
        .route("/export", get(export))
}

async fn export(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let flaws = state.flaws();
    let presented = query.as_deref().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "api_key")
            .map(|(_, value)| value.into_owned())
    });
    let Some(presented) = presented.filter(|key| !key.is_empty()) else {
        return reply::unauthorized(flaws, QUERY_CHALLENGE, "Not authenticated");
    };
    if query_key_matches(flaws, &presented, demo::API_KEY) {
        reply::json(StatusCode::OK, json!({ "message": "Export ready" }))
    } else {
        reply::detail(StatusCode::FORBIDDEN, "Invalid API Key")
    }
}

async fn protected(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let flaws = state.flaws();
    let from_header = headers
        .get(API_KEY_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let from_query = || {
        query.as_deref().and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "api_key")
                .map(|(_, value)| value.into_owned())
        })
    };
    let presented =
        from_header.or_else(|| flaws.has(Flaw::ApiKeyInQuery).then(from_query).flatten());
    let Some(presented) = presented.filter(|key| !key.is_empty()) else {
        if flaws.has(Flaw::ApiKeyMissingIs403) {
            return reply::detail(StatusCode::FORBIDDEN, "Not authenticated");
        }
        return reply::unauthorized(flaws, CHALLENGE, "Not authenticated");
    };
    if key_matches(flaws, &presented, demo::API_KEY) {
        reply::json(StatusCode::OK, json!({ "message": "Access granted" }))
    } else {
        reply::detail(StatusCode::FORBIDDEN, "Invalid API Key")
    }
}

fn query_key_matches(flaws: &FlawSet, presented: &str, expected: &str) -> bool {
    let compared = if flaws.has(Flaw::ApiKeyTrimmed) {
        // The `key.strip()` habit: padding the key does not change it.
        presented.trim()
    } else {
        presented
    };
    bool::from(compared.as_bytes().ct_eq(expected.as_bytes()))
}

fn key_matches(flaws: &FlawSet, presented: &str, expected: &str) -> bool {
    if flaws.has(Flaw::ApiKeyPrefixMatch) {
        // The `strncmp(presented, expected, strlen(expected))` bug: only the first len(expected)
        // bytes are compared.
        return presented.starts_with(expected);
    }
    if flaws.has(Flaw::ApiKeyAnyValue) {
        // Presence taken for authentication: the value is never compared.
        return !presented.is_empty();
    }
    if flaws.has(Flaw::ApiKeyShortMatch) {
        // The `strncmp(presented, expected, strlen(presented))` bug: the presented key's length
        // decides how much is compared.
        return expected.starts_with(presented);
    }
    if flaws.has(Flaw::ApiKeyCaseInsensitive) {
        return presented.eq_ignore_ascii_case(expected);
    }
    bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_query_key_is_compared_as_sent_unless_the_trimming_flaw_is_on() {
        let secure = FlawSet::none();
        assert!(query_key_matches(&secure, "abc123", "abc123"));
        assert!(!query_key_matches(&secure, " abc123 ", "abc123"));
        let trimmed: FlawSet = [Flaw::ApiKeyTrimmed].into_iter().collect();
        assert!(query_key_matches(&trimmed, " abc123 ", "abc123"));
        assert!(!query_key_matches(&trimmed, " abc12 ", "abc123"));
    }

    #[test]
    fn the_secure_comparison_takes_the_whole_key_exactly() {
        let secure = FlawSet::none();
        assert!(key_matches(&secure, "abc123", "abc123"));
        assert!(!key_matches(&secure, "abc1234", "abc123"));
        assert!(!key_matches(&secure, "abc12", "abc123"));
        assert!(!key_matches(&secure, "ABC123", "abc123"));
    }

    #[test]
    fn the_flawed_comparisons_let_near_misses_through() {
        let prefix: FlawSet = [Flaw::ApiKeyPrefixMatch].into_iter().collect();
        assert!(key_matches(&prefix, "abc123-and-more", "abc123"));
        let short: FlawSet = [Flaw::ApiKeyShortMatch].into_iter().collect();
        assert!(key_matches(&short, "abc1", "abc123"));
        assert!(!key_matches(&short, "abc1234", "abc123"));
        let case: FlawSet = [Flaw::ApiKeyCaseInsensitive].into_iter().collect();
        assert!(key_matches(&case, "ABC123", "abc123"));
    }
}
