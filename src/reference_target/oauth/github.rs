//! `/auth/github/login` and `/auth/github/callback`: OAuth with state and PKCE S256; the identity
//! comes from `GET /user`, the email from the primary verified entry of `GET /user/emails`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::flow::Provider;
use super::{
    AuthorizationRequest, Params, backchannel, failed, finish_login, not_configured, signed_in,
    start_login,
};
use crate::reference_target::reply::Failure;
use crate::reference_target::session::Profile;
use crate::reference_target::state::AppState;

pub(super) async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(github) = &state.config.github else {
        return not_configured(Provider::Github);
    };
    let request = AuthorizationRequest {
        url: &github.authorize_url,
        leading: &[],
        client_id: &github.client_id,
        scope: "read:user user:email",
    };
    start_login(
        &state,
        &headers,
        query.as_deref(),
        Provider::Github,
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
    let Some(github) = &state.config.github else {
        return Ok(not_configured(Provider::Github));
    };
    let (login, code, redirect) = finish_login(state, headers, Provider::Github, params)?;
    let mut fields = vec![
        ("client_id", github.client_id.as_str()),
        ("client_secret", github.client_secret.as_str()),
        ("code", code),
        ("redirect_uri", redirect.as_str()),
    ];
    if let Some(verifier) = &login.verifier {
        fields.push(("code_verifier", verifier));
    }
    let tokens = backchannel::post_form(&state.http, "github", &github.token_url, &fields).await?;
    let access_token = tokens
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::bad_request("github sent no access token"))?;
    let api = |path: &str| {
        github
            .api_base_url
            .join(path)
            .map_err(|_| Failure::internal("the GitHub API base URL cannot take a path"))
    };
    let user =
        backchannel::get_json(&state.http, "github", &api("user")?, Some(access_token)).await?;
    let emails = backchannel::get_json(
        &state.http,
        "github",
        &api("user/emails")?,
        Some(access_token),
    )
    .await?;
    let login_name = user
        .get("login")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::bad_request("github's /user has no `login`"))?;
    let email = primary_verified_email(&emails).ok_or_else(|| Failure {
        status: StatusCode::FORBIDDEN,
        message: "the GitHub account has no verified primary email".to_owned(),
    })?;
    let profile = Profile {
        username: format!("github:{login_name}"),
        email: Some(email.to_owned()),
        full_name: user.get("name").and_then(Value::as_str).map(str::to_owned),
        provider: "github",
    };
    Ok(signed_in(state, headers, &login, profile))
}

/// The address GitHub marks primary and verified; an unverified address proves nothing.
fn primary_verified_email(emails: &Value) -> Option<&str> {
    emails.as_array()?.iter().find_map(|entry| {
        let flag = |name| entry.get(name).and_then(Value::as_bool) == Some(true);
        (flag("primary") && flag("verified"))
            .then(|| entry.get("email").and_then(Value::as_str))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_primary_verified_address_counts() {
        let emails = json!([
            {"email": "old@example.com", "primary": false, "verified": true},
            {"email": "main@example.com", "primary": true, "verified": true},
        ]);
        assert_eq!(primary_verified_email(&emails), Some("main@example.com"));
        let unverified = json!([{"email": "main@example.com", "primary": true, "verified": false}]);
        assert_eq!(primary_verified_email(&unverified), None);
    }
}
