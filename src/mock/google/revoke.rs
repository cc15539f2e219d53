//! `POST /revoke`: revokes an access or refresh token and everything issued with it.

use serde_json::json;

use super::Context;
use super::state::GoogleState;
use crate::mock::http::Reply;

pub(super) fn respond(context: &Context<'_>, state: &mut GoogleState) -> Reply {
    let family = context.incoming.param("token").and_then(|token| {
        state
            .access_tokens
            .get(token)
            .or_else(|| state.refresh_tokens.get(token))
            .filter(|grant| !grant.revoked)
            .map(|grant| grant.family.clone())
    });
    match family {
        Some(family) => {
            state.revoke_family(&family);
            Reply::new(200)
        }
        None => Reply::json(
            400,
            &json!({ "error": "invalid_token", "error_description": "Token expired or revoked" }),
        ),
    }
}
