//! `POST /login/oauth/access_token`: credentials in a form, a JSON body, the query or Basic; the
//! answer in the format `Accept` asks for (form-encoded when it asks for nothing); and errors with
//! HTTP 200, as GitHub sends them.

use serde_json::{Map, Value};
use url::Url;

use super::Context;
use super::authorize::redirect_allowed;
use super::state::{GithubState, GithubToken};
use crate::mock::calls::{CallFindings, PkceOutcome};
use crate::mock::client_auth::{ClientCheck, authenticate};
use crate::mock::config::Scenario;
use crate::mock::http::{ALPHANUMERIC, JSON_UTF8, Reply, random_string};
use crate::mock::pkce;

const DOCS: &str = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/";

/// The body formats GitHub negotiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Form,
    Json,
    Xml,
}

impl Format {
    fn negotiate(accept: Option<&str>) -> Self {
        let accept = accept.unwrap_or_default().to_ascii_lowercase();
        if accept.contains("application/json") {
            Format::Json
        } else if accept.contains("xml") {
            Format::Xml
        } else {
            Format::Form
        }
    }

    /// A 200 reply with `fields` in this format, in this order.
    fn reply(self, fields: &[(&str, &str)]) -> Reply {
        match self {
            Format::Form => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in fields {
                    form.append_pair(name, value);
                }
                Reply::new(200).body(
                    form.finish().into_bytes(),
                    "application/x-www-form-urlencoded; charset=utf-8",
                )
            }
            Format::Json => {
                let map: Map<String, Value> = fields
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), Value::String((*value).to_owned())))
                    .collect();
                Reply::new(200).body(Value::Object(map).to_string().into_bytes(), JSON_UTF8)
            }
            Format::Xml => {
                let mut xml = String::from("<OAuth>");
                for (name, value) in fields {
                    xml.push_str(&format!(
                        "<{name}>{}</{name}>",
                        crate::mock::http::html_escape(value)
                    ));
                }
                xml.push_str("</OAuth>");
                Reply::new(200).body(xml.into_bytes(), "application/xml; charset=utf-8")
            }
        }
    }
}

/// The four documented token errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenError {
    BadVerificationCode,
    IncorrectClientCredentials,
    RedirectUriMismatch,
    UnverifiedUserEmail,
}

impl TokenError {
    fn fields(self) -> [(&'static str, String); 3] {
        let (error, description, anchor) = match self {
            TokenError::BadVerificationCode => (
                "bad_verification_code",
                "The code passed is incorrect or expired.",
                "bad-verification-code",
            ),
            TokenError::IncorrectClientCredentials => (
                "incorrect_client_credentials",
                "The client_id and/or client_secret passed are incorrect.",
                "incorrect-client-credentials",
            ),
            TokenError::RedirectUriMismatch => (
                "redirect_uri_mismatch",
                "The redirect_uri MUST match the registered callback URL for this application.",
                "redirect-uri-mismatch",
            ),
            TokenError::UnverifiedUserEmail => (
                "unverified_user_email",
                "The user must have a verified primary email.",
                "unverified-user-email",
            ),
        };
        [
            ("error", error.to_owned()),
            ("error_description", description.to_owned()),
            ("error_uri", format!("{DOCS}#{anchor}")),
        ]
    }

    fn reply(self, format: Format) -> Reply {
        let fields = self.fields();
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        format.reply(&borrowed)
    }
}

pub(super) fn respond(context: &Context<'_>, state: &mut GithubState) -> (Reply, CallFindings) {
    let incoming = context.incoming;
    let format = Format::negotiate(incoming.header("accept"));
    let mut findings = CallFindings {
        client_id: incoming.param("client_id").map(str::to_owned),
        ..CallFindings::default()
    };
    let outcome = exchange(context, state, &mut findings);
    let reply = match outcome {
        Ok((token, scope)) => {
            let fields = [
                ("access_token", token.as_str()),
                ("scope", scope.as_str()),
                ("token_type", "bearer"),
            ];
            if format == Format::Xml {
                // GitHub's documented XML lists the fields the other way round.
                format.reply(&[fields[2], fields[1], fields[0]])
            } else {
                format.reply(&fields)
            }
        }
        Err(error) => error.reply(format),
    };
    (reply, findings)
}

/// The token and its comma-separated scope, or the error to send.
fn exchange(
    context: &Context<'_>,
    state: &mut GithubState,
    findings: &mut CallFindings,
) -> Result<(String, String), TokenError> {
    let incoming = context.incoming;
    let tenant_id = context
        .tenant
        .ok_or(TokenError::IncorrectClientCredentials)?;
    let config = state
        .tenants
        .get(tenant_id)
        .ok_or(TokenError::IncorrectClientCredentials)?;
    let check = authenticate(incoming, &config.clients);
    findings.client_id = check.client_id().map(str::to_owned);
    findings.client_auth = check.method();
    let ClientCheck::Authenticated { client, .. } = check else {
        return Err(TokenError::IncorrectClientCredentials);
    };
    let client = client.clone();
    let scenario = config.scenario;
    let code = incoming
        .param("code")
        .ok_or(TokenError::BadVerificationCode)?;
    let grant = state
        .codes
        .get(code)
        .filter(|grant| grant.tenant == tenant_id && grant.client_id == client.id)
        .cloned()
        .ok_or(TokenError::BadVerificationCode)?;
    let redirect_uri = incoming.param("redirect_uri");
    findings.same_redirect_uri = Some(redirect_uri == grant.requested_redirect_uri.as_deref());
    let pkce = pkce::check(grant.challenge.as_ref(), incoming.param("code_verifier"));
    findings.pkce = Some(pkce);
    if grant.used {
        for token in state.tokens.values_mut().filter(|token| token.code == code) {
            token.revoked = true;
        }
        return Err(TokenError::BadVerificationCode);
    }
    if context.now >= grant.expires_at || scenario == Some(Scenario::InvalidGrant) {
        return Err(TokenError::BadVerificationCode);
    }
    if let Some(uri) = redirect_uri {
        let matches = match &grant.requested_redirect_uri {
            Some(requested) => uri == requested,
            None => Url::parse(uri).is_ok_and(|uri| {
                client
                    .redirect_uris
                    .iter()
                    .filter_map(|registered| Url::parse(registered).ok())
                    .any(|registered| redirect_allowed(&registered, &uri))
            }),
        };
        if !matches {
            return Err(TokenError::RedirectUriMismatch);
        }
    }
    if matches!(pkce, PkceOutcome::MissingVerifier | PkceOutcome::Mismatch) {
        // GitHub's exact error for a failed PKCE check is not documented.
        return Err(TokenError::BadVerificationCode);
    }
    if scenario == Some(Scenario::UnverifiedEmail) {
        return Err(TokenError::UnverifiedUserEmail);
    }
    if let Some(stored) = state.codes.get_mut(code) {
        stored.used = true;
    }
    let token = format!("gho_{}", random_string(36, ALPHANUMERIC));
    state.tokens.insert(
        token.clone(),
        GithubToken {
            tenant: tenant_id.to_owned(),
            login: grant.login.clone(),
            scopes: grant.scopes.clone(),
            code: code.to_owned(),
            revoked: false,
        },
    );
    Ok((token, grant.scopes.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_picks_the_format_and_form_is_the_default() {
        assert_eq!(Format::negotiate(None), Format::Form);
        assert_eq!(Format::negotiate(Some("application/json")), Format::Json);
        assert_eq!(Format::negotiate(Some("application/xml")), Format::Xml);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Form);
    }

    #[test]
    fn each_format_carries_the_same_fields() {
        let fields = [
            ("access_token", "gho_x"),
            ("scope", "repo,gist"),
            ("token_type", "bearer"),
        ];
        assert_eq!(
            Format::Form.reply(&fields).body,
            b"access_token=gho_x&scope=repo%2Cgist&token_type=bearer".to_vec()
        );
        assert_eq!(
            Format::Json.reply(&fields).body,
            br#"{"access_token":"gho_x","scope":"repo,gist","token_type":"bearer"}"#.to_vec()
        );
        assert_eq!(
            Format::Xml.reply(&fields).body,
            b"<OAuth><access_token>gho_x</access_token><scope>repo,gist</scope><token_type>bearer</token_type></OAuth>"
                .to_vec()
        );
    }
}
