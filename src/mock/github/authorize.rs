//! `GET /login/oauth/authorize`: an unknown client gets a 404 page; a `redirect_uri` outside the
//! registered callback is sent back to the callback with `error=redirect_uri_mismatch`, as GitHub
//! does; otherwise the browser goes back with a 20-hex-digit code (or `error=access_denied` when the
//! user refuses).

use url::Url;

use super::Context;
use super::state::{CODE_LIFETIME_SECONDS, GithubCode, GithubState};
use crate::mock::calls::CallFindings;
use crate::mock::config::{GithubUser, Scenario};
use crate::mock::http::{HEX, Reply, random_string};
use crate::mock::pkce::{Challenge, PkceMethod};
use crate::mock::tenants::USER_PARAM;

const DOCS: &str = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/";

pub(super) fn respond(context: &Context<'_>, state: &mut GithubState) -> (Reply, CallFindings) {
    let incoming = context.incoming;
    let findings = CallFindings {
        client_id: incoming.param("client_id").map(str::to_owned),
        ..CallFindings::default()
    };
    let Some(tenant_id) = context.tenant else {
        return (not_found_page(), findings);
    };
    let Some(config) = state.tenants.get(tenant_id) else {
        return (not_found_page(), findings);
    };
    let Some(client) = incoming
        .param("client_id")
        .and_then(|id| config.clients.iter().find(|client| client.id == id))
    else {
        return (not_found_page(), findings);
    };
    let Some(callback) = client
        .redirect_uris
        .first()
        .and_then(|uri| Url::parse(uri).ok())
    else {
        return (not_found_page(), findings);
    };
    let state_param = incoming.param("state");
    let error_redirect = |mut location: Url, error: &str, description: &str, anchor: &str| {
        {
            let mut query = location.query_pairs_mut();
            query.append_pair("error", error);
            query.append_pair("error_description", description);
            query.append_pair("error_uri", &format!("{DOCS}#{anchor}"));
            if let Some(state) = state_param {
                query.append_pair("state", state);
            }
        }
        Reply::redirect(&location)
    };
    let requested = incoming.param("redirect_uri");
    let location = match requested {
        None => callback.clone(),
        Some(uri) => match Url::parse(uri).ok().filter(|url| {
            client
                .redirect_uris
                .iter()
                .filter_map(|registered| Url::parse(registered).ok())
                .any(|registered| redirect_allowed(&registered, url))
        }) {
            Some(url) => url,
            None => {
                let reply = error_redirect(
                    callback,
                    "redirect_uri_mismatch",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                    "redirect-uri-mismatch",
                );
                return (reply, findings);
            }
        },
    };
    if config.scenario == Some(Scenario::DenyConsent) {
        let reply = error_redirect(
            location,
            "access_denied",
            "The user has denied your application access.",
            "access-denied",
        );
        return (reply, findings);
    }
    let challenge = match incoming.param("code_challenge") {
        None => None,
        Some(value) => match PkceMethod::parse(incoming.param("code_challenge_method")) {
            Some(PkceMethod::S256) => Some(Challenge {
                value: value.to_owned(),
                method: PkceMethod::S256,
            }),
            // GitHub supports S256 only (changelog 2025-07-14); the error it gives is unverified.
            _ => {
                let reply = error_redirect(
                    location,
                    "invalid_request",
                    "code_challenge_method must be S256.",
                    "invalid-request",
                );
                return (reply, findings);
            }
        },
    };
    let Some(user) = pick_user(
        &config.users,
        incoming
            .param(USER_PARAM)
            .or_else(|| incoming.param("login")),
    ) else {
        return (not_found_page(), findings);
    };
    let code = random_string(20, HEX);
    let grant = GithubCode {
        tenant: tenant_id.to_owned(),
        client_id: client.id.clone(),
        requested_redirect_uri: requested.map(str::to_owned),
        login: user.login.clone(),
        scopes: normalize_scopes(incoming.param("scope").unwrap_or_default()),
        challenge,
        expires_at: context.now + CODE_LIFETIME_SECONDS,
        used: false,
    };
    state.codes.insert(code.clone(), grant);
    let mut location = location;
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(state) = state_param {
            query.append_pair("state", state);
        }
    }
    (Reply::redirect(&location), findings)
}

fn pick_user<'a>(users: &'a [GithubUser], hint: Option<&str>) -> Option<&'a GithubUser> {
    hint.and_then(|hint| {
        users
            .iter()
            .find(|user| user.login.eq_ignore_ascii_case(hint))
    })
    .or_else(|| users.first())
}

/// GitHub's rule: same scheme, the callback's host or a subdomain of it, the same port (any port
/// for a `127.0.0.1` callback), and the callback's path or a path below it.
pub(super) fn redirect_allowed(callback: &Url, requested: &Url) -> bool {
    let (Some(callback_host), Some(requested_host)) = (callback.host_str(), requested.host_str())
    else {
        return false;
    };
    let host_ok = requested_host.eq_ignore_ascii_case(callback_host)
        || requested_host
            .to_ascii_lowercase()
            .ends_with(&format!(".{}", callback_host.to_ascii_lowercase()));
    let loopback = callback_host == "127.0.0.1" && requested_host == "127.0.0.1";
    let port_ok = loopback || requested.port_or_known_default() == callback.port_or_known_default();
    let callback_path = callback.path();
    let requested_path = requested.path();
    let path_ok = requested_path == callback_path
        || requested_path.starts_with(&format!("{}/", callback_path.trim_end_matches('/')));
    requested.scheme() == callback.scheme() && host_ok && port_ok && path_ok
}

/// Splits on commas and spaces, drops duplicates, and drops a `user:*` scope when `user` covers it
/// (`user,gist,user:email` becomes `user,gist`).
pub(super) fn normalize_scopes(requested: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested
        .split([',', ' '])
        .filter(|scope| !scope.is_empty())
    {
        if !scopes.iter().any(|known| known == scope) {
            scopes.push(scope.to_owned());
        }
    }
    let has_user = scopes.iter().any(|scope| scope == "user");
    scopes.retain(|scope| !(has_user && scope.starts_with("user:")));
    scopes
}

/// GitHub's answer to an unknown OAuth app.
fn not_found_page() -> Reply {
    Reply::html(
        404,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not found · GitHub</title></head>\n\
         <body><h1>404</h1>\n<p>This is not the web page you are looking for.</p>\n</body></html>\n"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn redirect_uris_follow_githubs_documented_examples() {
        let callback = url("http://example.com/path");
        for good in [
            "http://example.com/path",
            "http://example.com/path/subdir/other",
            "http://oauth.example.com/path",
        ] {
            assert!(
                redirect_allowed(&callback, &url(good)),
                "{good} should be allowed"
            );
        }
        for bad in [
            "http://example.com/bar",
            "http://example.com/",
            "http://example.com:8080/path",
            "http://oauth.example.com:8080/path",
            "http://example.org",
            "https://example.com/path",
            "http://example.com/pathology",
        ] {
            assert!(
                !redirect_allowed(&callback, &url(bad)),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn a_loopback_callback_accepts_any_port() {
        let callback = url("http://127.0.0.1/callback");
        assert!(redirect_allowed(
            &callback,
            &url("http://127.0.0.1:53117/callback")
        ));
        assert!(!redirect_allowed(
            &callback,
            &url("http://127.0.0.2:53117/callback")
        ));
    }

    #[test]
    fn scopes_are_normalised_like_github_does() {
        assert_eq!(normalize_scopes("user,gist,user:email"), ["user", "gist"]);
        assert_eq!(
            normalize_scopes("read:user user:email"),
            ["read:user", "user:email"]
        );
        assert!(normalize_scopes("").is_empty());
    }
}
