//! `GET /v1/userinfo` (also `/oauth2/v3/userinfo`, and the legacy `/oauth2/v2/userinfo` with its
//! own field names): the signed-in user's claims for a live access token, limited to the granted
//! scopes.

use serde_json::{Map, Value, json};

use super::Context;
use super::authorize::{EMAIL_SCOPE_URL, PROFILE_SCOPE_URL};
use super::state::GoogleState;
use crate::mock::http::{Incoming, Reply};

const LEGACY_PATH_PREFIX: &str = "/oauth2/v2/";

/// The access token of a userinfo call: `Authorization: Bearer`, or the `access_token` parameter.
pub(super) fn access_token(incoming: &Incoming) -> Option<&str> {
    incoming
        .bearer(false)
        .or_else(|| incoming.param("access_token"))
}

pub(super) fn respond(context: &Context<'_>, state: &GoogleState) -> Reply {
    let legacy = context.incoming.path.starts_with(LEGACY_PATH_PREFIX);
    let grant = access_token(context.incoming)
        .and_then(|token| state.access_tokens.get(token))
        .filter(|grant| grant.is_live(context.now));
    let user = grant.and_then(|grant| {
        state.tenants.get(&grant.tenant).and_then(|tenant| {
            tenant
                .config
                .users
                .iter()
                .find(|user| user.sub == grant.sub)
        })
    });
    let (Some(grant), Some(user)) = (grant, user) else {
        return if legacy {
            legacy_unauthorized()
        } else {
            unauthorized()
        };
    };
    let has = |short: &str, url: &str| {
        grant
            .scopes
            .iter()
            .any(|scope| scope == short || scope == url)
    };
    let mut body = Map::new();
    body.insert(
        if legacy { "id" } else { "sub" }.to_owned(),
        json!(user.sub),
    );
    if has("profile", PROFILE_SCOPE_URL) {
        for (name, value) in [
            ("name", &user.name),
            ("given_name", &user.given_name),
            ("family_name", &user.family_name),
            ("picture", &user.picture),
            ("locale", &user.locale),
        ] {
            if let Some(value) = value {
                body.insert(name.to_owned(), json!(value));
            }
        }
    }
    if has("email", EMAIL_SCOPE_URL) {
        body.insert("email".to_owned(), json!(user.email));
        body.insert(
            if legacy {
                "verified_email"
            } else {
                "email_verified"
            }
            .to_owned(),
            json!(user.email_verified),
        );
    }
    if let Some(hd) = &user.hd {
        body.insert("hd".to_owned(), json!(hd));
    }
    if !legacy {
        for (name, value) in &user.extra_claims {
            body.insert(name.clone(), value.clone());
        }
    }
    Reply::json(200, &Value::Object(body))
}

/// What `/v1/userinfo` answers a missing, unknown, expired or revoked token.
fn unauthorized() -> Reply {
    Reply::json(
        401,
        &json!({ "error": "invalid_request", "error_description": "Invalid Credentials" }),
    )
    .header(
        "www-authenticate",
        "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
    )
}

/// What Google's API front end answers on the legacy path.
fn legacy_unauthorized() -> Reply {
    Reply::json(
        401,
        &json!({
            "error": {
                "code": 401,
                "message": "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "status": "UNAUTHENTICATED"
            }
        }),
    )
    .header("www-authenticate", "Bearer realm=\"https://accounts.google.com/\"")
}
