//! `POST /refresh`: trades a refresh token (JSON `{"refresh_token": …}` or a form) for a new access
//! token and a new refresh token. The old refresh token dies; presenting it again is taken as theft
//! and revokes every token of its family (RFC 9700 §4.14.2).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::demo;
use super::flaw::Flaw;
use super::input::Fields;
use super::reply;
use super::state::AppState;
use super::tokens::{TokenUse, sign, token_response, verify_refresh};

const INVALID_TOKEN: &str = r#"Bearer realm="authprobe reference target", error="invalid_token""#;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/refresh", post(refresh))
}

async fn refresh(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = match Fields::parse(&headers, &body) {
        Ok(fields) => fields,
        Err(failure) => return failure.into_response(),
    };
    let presented = match fields.require("refresh_token") {
        Ok(token) => token,
        Err(failure) => return failure.into_response(),
    };
    let refuse = |message: &str| reply::unauthorized(state.flaws(), INVALID_TOKEN, message);
    let Ok(claims) = verify_refresh(&state, presented) else {
        return refuse("Invalid refresh token");
    };
    let (Some(family_id), Some(user)) = (claims.family.as_deref(), demo::user(&claims.sub)) else {
        return refuse("Invalid refresh token");
    };
    let rotate = !state.flaws().has(Flaw::NoRefreshRotation);
    let access = match sign(&state, user, TokenUse::Access, None) {
        Ok(access) => access,
        Err(failure) => return failure.into_response(),
    };
    let next = if rotate {
        match sign(&state, user, TokenUse::Refresh, Some(family_id)) {
            Ok(next) => Some(next),
            Err(failure) => return failure.into_response(),
        }
    } else {
        None
    };
    // Every decision about the family happens under one lock, so that two concurrent refreshes
    // with the same token cannot both succeed.
    {
        let mut families = state.families.lock();
        let Some(family) = families.get_mut(family_id) else {
            return refuse("Invalid refresh token");
        };
        if family.revoked || family.username != claims.sub {
            return refuse("Refresh token revoked");
        }
        if family.current != claims.jti {
            if !state.flaws().has(Flaw::NoRefreshReuseDetection) {
                family.revoked = true;
            }
            return refuse("Refresh token already used");
        }
        if let Some(next) = &next {
            family.current = next.jti.clone();
        }
    }
    let refresh = next.map_or_else(|| presented.to_owned(), |next| next.token);
    token_response(&state, &access.token, &refresh, None)
}
