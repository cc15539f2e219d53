//! `GET /o/oauth2/v2/auth`: where the browser lands. An unknown client or a redirect URI that is not
//! registered gets a 400 page and no redirect (never send a code to an address nobody vouched
//! for); anything else goes back to the redirect URI with a code, or with `error=` when the user
//! refuses (`deny-consent`).

use url::Url;

use super::Context;
use super::state::{CODE_LIFETIME_SECONDS, CodeGrant, GoogleState};
use crate::mock::calls::CallFindings;
use crate::mock::config::{GoogleUser, Scenario};
use crate::mock::http::{BASE64URL, Reply, html_escape, random_string};
use crate::mock::pkce::{Challenge, PkceMethod};
use crate::mock::tenants::USER_PARAM;

pub(super) const EMAIL_SCOPE_URL: &str = "https://www.googleapis.com/auth/userinfo.email";
pub(super) const PROFILE_SCOPE_URL: &str = "https://www.googleapis.com/auth/userinfo.profile";

pub(super) fn respond(context: &Context<'_>, state: &mut GoogleState) -> (Reply, CallFindings) {
    let incoming = context.incoming;
    let mut findings = CallFindings {
        client_id: incoming.param("client_id").map(str::to_owned),
        ..CallFindings::default()
    };
    let Some(tenant_id) = context.tenant else {
        return (unknown_suite_page(), findings);
    };
    let Some(tenant) = state.tenants.get_mut(tenant_id) else {
        return (unknown_suite_page(), findings);
    };
    let Some(client_id) = incoming.param("client_id") else {
        return (missing_parameter_page("client_id"), findings);
    };
    let Some(client) = tenant
        .config
        .clients
        .iter()
        .find(|client| client.id == client_id)
    else {
        return (invalid_client_page(), findings);
    };
    let Some(redirect_uri) = incoming.param("redirect_uri") else {
        return (missing_parameter_page("redirect_uri"), findings);
    };
    let registered = client.redirect_uris.iter().any(|uri| uri == redirect_uri);
    let Some(mut location) = Url::parse(redirect_uri).ok().filter(|_| registered) else {
        return (redirect_uri_mismatch_page(redirect_uri), findings);
    };
    findings.client_id = Some(client.id.clone());
    let client_id = client.id.clone();
    let state_param = incoming.param("state");

    // From here the redirect URI is trusted: errors go back to it.
    let error_redirect = |mut location: Url, error: &str| {
        {
            let mut query = location.query_pairs_mut();
            query.append_pair("error", error);
            if let Some(state) = state_param {
                query.append_pair("state", state);
            }
        }
        Reply::redirect(&location)
    };
    match incoming.param("response_type") {
        Some("code") => {}
        None => return (missing_parameter_page("response_type"), findings),
        Some(_) => {
            return (
                error_redirect(location, "unsupported_response_type"),
                findings,
            );
        }
    }
    let Some(scope) = incoming
        .param("scope")
        .filter(|scope| !scope.trim().is_empty())
    else {
        return (missing_parameter_page("scope"), findings);
    };
    let challenge = match incoming.param("code_challenge") {
        None => None,
        Some(value) => match PkceMethod::parse(incoming.param("code_challenge_method")) {
            Some(method) => Some(Challenge {
                value: value.to_owned(),
                method,
            }),
            None => {
                return (
                    invalid_request_page("Invalid code_challenge_method."),
                    findings,
                );
            }
        },
    };
    if tenant.config.scenario == Some(Scenario::DenyConsent) {
        return (error_redirect(location, "access_denied"), findings);
    }
    let Some(user) = pick_user(
        &tenant.config.users,
        incoming
            .param(USER_PARAM)
            .or_else(|| incoming.param("login_hint")),
    ) else {
        return (
            invalid_request_page("No account can sign in: the suite declares no users."),
            findings,
        );
    };
    let user = user.clone();
    let prompt = incoming.param("prompt").unwrap_or_default();
    let asks_consent = prompt.split_whitespace().any(|word| word == "consent");
    let consent_key = (client_id.clone(), user.sub.clone());
    let first_consent = !tenant.consents.contains(&consent_key);
    if prompt.split_whitespace().any(|word| word == "none") && first_consent {
        return (error_redirect(location, "consent_required"), findings);
    }
    tenant.consents.insert(consent_key);

    let scopes = expand_scopes(scope);
    let code = format!("4/0A{}", random_string(70, BASE64URL));
    state.codes.insert(
        code.clone(),
        CodeGrant {
            tenant: tenant_id.to_owned(),
            client_id,
            redirect_uri: redirect_uri.to_owned(),
            sub: user.sub.clone(),
            scopes: scopes.clone(),
            nonce: incoming.param("nonce").map(str::to_owned),
            challenge,
            expires_at: context.now + CODE_LIFETIME_SECONDS,
            used: false,
            issue_refresh_token: incoming.param("access_type") == Some("offline")
                && (first_consent || asks_consent),
        },
    );
    {
        let mut query = location.query_pairs_mut();
        if let Some(state) = state_param {
            query.append_pair("state", state);
        }
        query.append_pair("code", &code);
        query.append_pair("scope", &scopes.join(" "));
        query.append_pair("authuser", "0");
        if let Some(hd) = &user.hd {
            query.append_pair("hd", hd);
        }
        query.append_pair(
            "prompt",
            if first_consent || asks_consent {
                "consent"
            } else {
                "none"
            },
        );
    }
    (Reply::redirect(&location), findings)
}

/// The account named by `hint` (email or sub), else the first one.
fn pick_user<'a>(users: &'a [GoogleUser], hint: Option<&str>) -> Option<&'a GoogleUser> {
    hint.and_then(|hint| {
        users
            .iter()
            .find(|user| user.email == hint || user.sub == hint)
    })
    .or_else(|| users.first())
}

/// Google grants `email` and `profile` as themselves plus their `userinfo.*` URLs, then `openid`.
pub(super) fn expand_scopes(requested: &str) -> Vec<String> {
    let words: Vec<&str> = requested.split_whitespace().collect();
    let wants = |short: &str, long: &str| words.iter().any(|word| *word == short || *word == long);
    let mut granted: Vec<String> = Vec::with_capacity(words.len() + 2);
    for short in ["email", "profile"] {
        if words.contains(&short) {
            granted.push(short.to_owned());
        }
    }
    if wants("email", EMAIL_SCOPE_URL) {
        granted.push(EMAIL_SCOPE_URL.to_owned());
    }
    if wants("profile", PROFILE_SCOPE_URL) {
        granted.push(PROFILE_SCOPE_URL.to_owned());
    }
    if words.contains(&"openid") {
        granted.push("openid".to_owned());
    }
    for word in words {
        if !granted.iter().any(|scope| scope == word) {
            granted.push(word.to_owned());
        }
    }
    granted
}

fn page(title: &str, heading: &str, error: &str, detail: &str) -> Reply {
    Reply::html(
        400,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body><h1>{heading}</h1>\n<p>{error}</p>\n<p>{detail}</p>\n</body></html>\n"
        ),
    )
}

fn invalid_client_page() -> Reply {
    page(
        "Error 401: invalid_client",
        "Access blocked: Authorization Error",
        "Error 401: invalid_client",
        "The OAuth client was not found.",
    )
}

fn redirect_uri_mismatch_page(redirect_uri: &str) -> Reply {
    page(
        "Error 400: redirect_uri_mismatch",
        "Access blocked: This app’s request is invalid",
        "Error 400: redirect_uri_mismatch",
        &format!(
            "You can’t sign in because this app sent an invalid request. If you’re the app developer, register the \
             redirect URI in the Google Cloud Console. Request details: redirect_uri={}",
            html_escape(redirect_uri)
        ),
    )
}

fn missing_parameter_page(name: &str) -> Reply {
    invalid_request_page(&format!("Missing required parameter: {name}"))
}

fn invalid_request_page(detail: &str) -> Reply {
    page(
        "Error 400: invalid_request",
        "Access blocked: Authorization Error",
        "Error 400: invalid_request",
        &html_escape(detail),
    )
}

fn unknown_suite_page() -> Reply {
    page(
        "authprobe: which suite?",
        "authprobe stand-in: no suite for this request",
        "This stand-in serves several suites and the request names none of them (or one that has finished).",
        "Open the authorization URL through authprobe, which adds authprobe_suite=…, or run one suite at a time.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_profile_expand_to_their_userinfo_urls_then_openid() {
        assert_eq!(
            expand_scopes("openid email profile").join(" "),
            "email profile https://www.googleapis.com/auth/userinfo.email \
             https://www.googleapis.com/auth/userinfo.profile openid"
        );
        assert_eq!(expand_scopes("openid").join(" "), "openid");
        assert_eq!(
            expand_scopes("https://www.googleapis.com/auth/drive.readonly email").join(" "),
            "email https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/drive.readonly"
        );
    }
}
