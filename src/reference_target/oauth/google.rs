//! `/auth/google/login` and `/auth/google/callback`: OpenID Connect with the authorization code,
//! state, nonce and PKCE S256; the identity comes from the validated ID token.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use serde_json::Value;

use super::flow::{self, Provider};
use super::id_token::{self, Expected};
use super::{Params, backchannel, failed, not_configured, redirect_uri, signed_in, to_provider};
use crate::reference_target::flaw::Flaw;
use crate::reference_target::reply::Failure;
use crate::reference_target::session::Profile;
use crate::reference_target::state::AppState;

pub(super) async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(google) = &state.config.google else {
        return not_configured(Provider::Google);
    };
    let params = Params::parse(query.as_deref());
    let started = redirect_uri(&state, Provider::Google).and_then(|redirect| {
        Ok((
            redirect,
            flow::begin(&state, &headers, Provider::Google, params.get("next"))?,
        ))
    });
    let (redirect, (login, cookie)) = match started {
        Ok(started) => started,
        Err(failure) => return failure.into_response(),
    };
    let mut authorize = google.authorize_url.clone();
    {
        let mut query = authorize.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &google.client_id)
            .append_pair("redirect_uri", redirect.as_str())
            .append_pair("scope", "openid email profile")
            .append_pair("state", &login.state);
        if let Some(nonce) = &login.nonce {
            query.append_pair("nonce", nonce);
        }
        if let Some(challenge) = login.code_challenge() {
            query
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
        }
    }
    to_provider(authorize, cookie)
}

pub(super) async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.as_deref());
    match sign_in(&state, &headers, &params).await {
        Ok(response) => response,
        Err(failure) => failed(&state, &headers, failure),
    }
}

async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Response, Failure> {
    let Some(google) = &state.config.google else {
        return Ok(not_configured(Provider::Google));
    };
    let login = flow::finish(state, headers, Provider::Google, params.get("state"))?;
    if let Some(error) = params.get("error") {
        return Err(Failure::bad_request(format!(
            "google refused the login: {error}"
        )));
    }
    let code = params
        .get("code")
        .ok_or_else(|| Failure::bad_request("the callback carries no `code`"))?;
    let redirect = redirect_uri(state, Provider::Google)?;
    let mut fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect.as_str()),
        ("client_id", google.client_id.as_str()),
        ("client_secret", google.client_secret.as_str()),
    ];
    if let Some(verifier) = &login.verifier {
        fields.push(("code_verifier", verifier));
    }
    let tokens = backchannel::post_form(&state.http, "google", &google.token_url, &fields).await?;
    let id_token = tokens
        .get("id_token")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::bad_request("google sent no ID token"))?;
    let jwks: JwkSet = serde_json::from_value(
        backchannel::get_json(&state.http, "google", &google.jwks_url, None).await?,
    )
    .map_err(|_| Failure::bad_request("google's JWKS is not a JWK set"))?;
    let flaws = state.flaws();
    let expected = Expected {
        issuer: &google.issuer,
        client_id: &google.client_id,
        nonce: login
            .nonce
            .as_deref()
            .filter(|_| !flaws.has(Flaw::SkipNonceCheck)),
        check_audience: !flaws.has(Flaw::AcceptWrongAud),
    };
    let claims = id_token::validate(id_token, &jwks, &expected).map_err(Failure::bad_request)?;
    if claims.email_verified != Some(true) {
        return Err(Failure {
            status: StatusCode::FORBIDDEN,
            message: "the Google account's email is not verified".to_owned(),
        });
    }
    let profile = Profile {
        username: format!("google:{}", claims.sub),
        email: claims.email,
        full_name: claims.name,
        provider: "google",
    };
    Ok(signed_in(state, headers, &login, profile))
}
