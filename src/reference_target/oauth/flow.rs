//! The pending OAuth logins: what `/auth/*/login` promised (state, nonce, PKCE verifier, where to
//! go after), kept on the server and bound to the browser by a short-lived HttpOnly cookie, so that
//! a callback is accepted once, only from the browser that started it, and only with its `state`.

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::reference_target::flaw::Flaw;
use crate::reference_target::reply::Failure;
use crate::reference_target::session::{request_cookie, served_over_https};
use crate::reference_target::state::{AppState, random_id};

pub(super) const FLOW_COOKIE: &str = "oauth_flow";
const FLOW_TTL: Duration = Duration::from_secs(10 * 60);
/// Where the browser lands after login when it asked for nowhere in particular.
const DEFAULT_NEXT: &str = "/me";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::reference_target) enum Provider {
    Google,
    Github,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Github => "github",
        }
    }
}

/// One login in progress.
#[derive(Debug, Clone)]
pub(in crate::reference_target) struct PendingLogin {
    pub provider: Provider,
    pub state: String,
    /// OIDC nonce (Google only).
    pub nonce: Option<String>,
    /// PKCE verifier; `None` with the no-pkce flaw.
    pub verifier: Option<String>,
    /// The local path to send the browser to after login.
    pub next: String,
    pub expires: Instant,
}

impl PendingLogin {
    /// `BASE64URL(SHA256(verifier))`, the S256 challenge (RFC 7636 §4.2).
    pub fn code_challenge(&self) -> Option<String> {
        self.verifier
            .as_ref()
            .map(|verifier| URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())))
    }
}

/// Starts a login: checks `next`, draws state, nonce and verifier, stores them, and returns the
/// login with the cookie that binds it to this browser.
pub(super) fn begin(
    state: &AppState,
    headers: &HeaderMap,
    provider: Provider,
    next: Option<&str>,
) -> Result<(PendingLogin, Cookie<'static>), Failure> {
    let flaws = state.flaws();
    let next = match next {
        None => DEFAULT_NEXT.to_owned(),
        Some(next) if flaws.has(Flaw::OpenRedirectAfterLogin) || is_local_path(next) => {
            next.to_owned()
        }
        Some(_) => return Err(Failure::bad_request("`next` must be a path on this site")),
    };
    let random =
        |bytes| random_id(bytes).map_err(|_| Failure::internal("no randomness for an OAuth login"));
    let login = PendingLogin {
        provider,
        state: random(32)?,
        nonce: match provider {
            Provider::Google => Some(random(32)?),
            Provider::Github => None,
        },
        verifier: if flaws.has(Flaw::NoPkce) {
            None
        } else {
            Some(random(32)?)
        },
        next,
        expires: Instant::now() + FLOW_TTL,
    };
    let id = random(32)?;
    state.flows.lock().insert(id.clone(), login.clone());
    Ok((login, flow_cookie(state, headers, id, FLOW_TTL)))
}

/// Ends the login this browser started with `provider`, if the callback's `state` is its own. The
/// login is consumed either way: a callback is good once.
pub(super) fn finish(
    state: &AppState,
    headers: &HeaderMap,
    provider: Provider,
    returned_state: Option<&str>,
) -> Result<PendingLogin, Failure> {
    let login = request_cookie(headers, FLOW_COOKIE)
        .and_then(|id| state.flows.lock().remove(id))
        .ok_or_else(|| Failure::bad_request("no login in progress in this browser"))?;
    if login.provider != provider {
        return Err(Failure::bad_request(
            "this login was started with another provider",
        ));
    }
    if login.expires <= Instant::now() {
        return Err(Failure::bad_request("the login took too long; start again"));
    }
    let state_matches = returned_state
        .is_some_and(|returned| bool::from(returned.as_bytes().ct_eq(login.state.as_bytes())));
    if !state_matches && !state.flaws().has(Flaw::SkipStateCheck) {
        return Err(Failure::bad_request(
            "the `state` does not match this login",
        ));
    }
    Ok(login)
}

/// The cookie that clears the flow cookie.
pub(super) fn clear_flow_cookie(state: &AppState, headers: &HeaderMap) -> Cookie<'static> {
    flow_cookie(state, headers, String::new(), Duration::ZERO)
}

fn flow_cookie(
    state: &AppState,
    headers: &HeaderMap,
    value: String,
    ttl: Duration,
) -> Cookie<'static> {
    Cookie::build((FLOW_COOKIE, value))
        .path("/auth/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(served_over_https(state, headers))
        .max_age(cookie::time::Duration::seconds(ttl.as_secs() as i64))
        .build()
}

/// A path on this site: `/x`, never `//host`, `/\host`, a scheme, or control characters.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_safe_places_to_go_after_login() {
        for safe in ["/me", "/", "/a/b?c=d#e"] {
            assert!(is_local_path(safe), "{safe}");
        }
        for unsafe_next in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "me",
            "/\n",
        ] {
            assert!(!is_local_path(unsafe_next), "{unsafe_next}");
        }
    }

    #[test]
    fn the_code_challenge_is_the_s256_of_the_verifier() {
        // RFC 7636 appendix B.
        let login = PendingLogin {
            provider: Provider::Google,
            state: String::new(),
            nonce: None,
            verifier: Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned()),
            next: String::new(),
            expires: Instant::now(),
        };
        assert_eq!(
            login.code_challenge().as_deref(),
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        );
    }
}
