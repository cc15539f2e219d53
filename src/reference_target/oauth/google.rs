//! `/auth/google/login` and `/auth/google/callback`: OpenID Connect with the authorization code,
//! state, nonce and PKCE S256; the identity comes from the validated ID token.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jsonwebtoken::jwk::JwkSet;
use serde_json::Value;

use super::flow::Provider;
use super::id_token::{self, Expected};
use super::{
    AuthorizationRequest, Params, backchannel, failed, finish_login, not_configured, signed_in,
    start_login,
};
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
    let request = AuthorizationRequest {
        url: &google.authorize_url,
        leading: &[("response_type", "code")],
        client_id: &google.client_id,
        scope: "openid email profile",
    };
    start_login(
        &state,
        &headers,
        query.as_deref(),
        Provider::Google,
        &request,
    )
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
    let (login, code, redirect) = finish_login(state, headers, Provider::Google, params)?;
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
