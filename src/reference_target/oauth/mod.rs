//! "Sign in with Google" and "Sign in with GitHub", as a careful relying party: `state` bound to
//! the browser, a nonce (Google), PKCE S256, the exact `redirect_uri`, the ID token validated
//! against the provider's JWKS, and GitHub's `/user` and `/user/emails` for the identity. Any
//! provider error or bad callback ends with a 4xx and no session.
//!
//! Routes: `/auth/google/login`, `/auth/google/callback`, `/auth/github/login`,
//! `/auth/github/callback`. A login takes `?next=/path` for where to go afterwards.

mod backchannel;
mod flow;
mod github;
mod google;
mod id_token;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cookie::Cookie;
use url::Url;

pub(super) use backchannel::USER_AGENT;
pub(super) use flow::PendingLogin;

use super::reply::Failure;
use super::session::{Profile, open_session, set_cookie};
use super::state::AppState;
use flow::Provider;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/auth/google/login", get(google::login))
        .route("/auth/google/callback", get(google::callback))
        .route("/auth/github/login", get(github::login))
        .route("/auth/github/callback", get(github::callback))
}

/// The query parameters of a request, decoded.
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>) -> Params {
        Params(
            query
                .map(|query| {
                    url::form_urlencoded::parse(query.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// `{public_url}/auth/{provider}/callback`: the one redirect URI registered with the provider.
fn redirect_uri(state: &AppState, provider: Provider) -> Result<Url, Failure> {
    let base = state
        .config
        .public_url
        .as_ref()
        .ok_or_else(|| Failure::internal("the target does not know its public URL"))?;
    base.join(&format!("auth/{}/callback", provider.name()))
        .map_err(|_| Failure::internal("the public URL cannot take a path"))
}

/// What a provider's authorization request carries besides the login's own state, nonce and
/// PKCE challenge.
struct AuthorizationRequest<'a> {
    url: &'a Url,
    /// Parameters before `client_id`, such as OpenID Connect's `response_type`.
    leading: &'a [(&'a str, &'a str)],
    client_id: &'a str,
    scope: &'a str,
}

/// `/auth/{provider}/login`: starts a login in this browser and sends it to the provider.
fn start_login(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    provider: Provider,
    request: &AuthorizationRequest<'_>,
) -> Response {
    let params = Params::parse(query);
    let started = redirect_uri(state, provider).and_then(|redirect| {
        Ok((
            redirect,
            flow::begin(state, headers, provider, params.get("next"))?,
        ))
    });
    let (redirect, (login, cookie)) = match started {
        Ok(started) => started,
        Err(failure) => return failure.into_response(),
    };
    let mut authorize = request.url.clone();
    {
        let mut query = authorize.query_pairs_mut();
        query
            .extend_pairs(request.leading)
            .append_pair("client_id", request.client_id)
            .append_pair("redirect_uri", redirect.as_str())
            .append_pair("scope", request.scope)
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

/// The start of every callback: the login this browser began with `provider` (its `state`
/// checked), no refusal from the provider, and the code to redeem at `redirect_uri`.
fn finish_login<'a>(
    state: &AppState,
    headers: &HeaderMap,
    provider: Provider,
    params: &'a Params,
) -> Result<(PendingLogin, &'a str, Url), Failure> {
    let login = flow::finish(state, headers, provider, params.get("state"))?;
    if let Some(error) = params.get("error") {
        return Err(Failure::bad_request(format!(
            "{} refused the login: {error}",
            provider.name()
        )));
    }
    let code = params
        .get("code")
        .ok_or_else(|| Failure::bad_request("the callback carries no `code`"))?;
    Ok((login, code, redirect_uri(state, provider)?))
}

/// The 302 to the provider's authorization endpoint, with the flow cookie.
fn to_provider(authorize: Url, flow_cookie: Cookie<'static>) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(authorize.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    set_cookie(&mut response, flow_cookie);
    response
}

/// The end of a successful callback: a session, and a 303 to where the login asked to go.
fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    login: &PendingLogin,
    profile: Profile,
) -> Response {
    let session = match open_session(state, headers, profile) {
        Ok(cookie) => cookie,
        Err(failure) => return failed(state, headers, failure),
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&login.next) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    set_cookie(&mut response, session);
    set_cookie(&mut response, flow::clear_flow_cookie(state, headers));
    no_referrer(&mut response);
    response
}

/// A callback that went wrong: the failure, no session, and the flow cookie cleared.
fn failed(state: &AppState, headers: &HeaderMap, failure: Failure) -> Response {
    let mut response = failure.into_response();
    set_cookie(&mut response, flow::clear_flow_cookie(state, headers));
    no_referrer(&mut response);
    response
}

/// The callback URL carries a code and a state; no page should pass it on (RFC 9700 §4.2.4).
fn no_referrer(response: &mut Response) {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn not_configured(provider: Provider) -> Response {
    Failure {
        status: StatusCode::NOT_FOUND,
        message: format!("{} login is not configured on this target", provider.name()),
    }
    .into_response()
}

#[cfg(test)]
mod tests;
