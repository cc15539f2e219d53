//! `POST /token`: client authentication, then the authorization-code grant (single-use codes bound
//! to client, redirect URI and PKCE verifier, expiring) or the refresh grant. Errors are Google's
//! 400/401 JSON bodies.

use serde_json::{Map, Value, json};

use super::Context;
use super::id_token::{self, IdTokenRequest};
use super::state::{ACCESS_TOKEN_LIFETIME_SECONDS, GoogleState, TokenGrant};
use crate::mock::calls::{CallFindings, PkceOutcome};
use crate::mock::client_auth::{ClientCheck, authenticate};
use crate::mock::config::{Client, Scenario};
use crate::mock::http::{BASE64URL, Reply, random_string};
use crate::mock::pkce;

pub(super) fn respond(context: &Context<'_>, state: &mut GoogleState) -> (Reply, CallFindings) {
    let mut findings = CallFindings::default();
    let Some(tenant_id) = context.tenant.map(str::to_owned) else {
        findings.client_id = context.incoming.param("client_id").map(str::to_owned);
        return (
            error(401, "invalid_client", "The OAuth client was not found."),
            findings,
        );
    };
    let Some(tenant) = state.tenants.get(&tenant_id) else {
        return (
            error(401, "invalid_client", "The OAuth client was not found."),
            findings,
        );
    };
    let check = authenticate(context.incoming, &tenant.config.clients);
    findings.client_id = check.client_id().map(str::to_owned);
    findings.client_auth = check.method();
    let client = match check {
        ClientCheck::Authenticated { client, .. } => client.clone(),
        ClientCheck::NoClientId => {
            return (
                error(
                    400,
                    "invalid_request",
                    "Could not determine client ID from request.",
                ),
                findings,
            );
        }
        ClientCheck::UnknownClient { .. } => {
            return (
                error(401, "invalid_client", "The OAuth client was not found."),
                findings,
            );
        }
        ClientCheck::MissingSecret { .. } => {
            return (
                error(400, "invalid_request", "client_secret is missing."),
                findings,
            );
        }
        ClientCheck::WrongSecret { .. } => {
            return (error(401, "invalid_client", "Unauthorized"), findings);
        }
    };
    let grant = Grant {
        context,
        tenant_id: &tenant_id,
        client: &client,
        scenario: tenant.config.scenario,
    };
    let reply = match context.incoming.form("grant_type") {
        None => missing("grant_type"),
        Some("authorization_code") => grant.authorization_code(state, &mut findings),
        Some("refresh_token") => grant.refresh_token(state),
        Some(other) => error(
            400,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        ),
    };
    (reply, findings)
}

struct Grant<'a> {
    context: &'a Context<'a>,
    tenant_id: &'a str,
    client: &'a Client,
    scenario: Option<Scenario>,
}

impl Grant<'_> {
    fn authorization_code(&self, state: &mut GoogleState, findings: &mut CallFindings) -> Reply {
        let form = |name| self.context.incoming.form(name);
        let Some(code) = form("code") else {
            return missing("code");
        };
        let Some(grant) = state
            .codes
            .get(code)
            .filter(|grant| grant.tenant == self.tenant_id && grant.client_id == self.client.id)
            .cloned()
        else {
            return error(400, "invalid_grant", "Bad Request");
        };
        findings.same_redirect_uri =
            Some(form("redirect_uri") == Some(grant.redirect_uri.as_str()));
        let pkce = pkce::check(grant.challenge.as_ref(), form("code_verifier"));
        findings.pkce = Some(pkce);
        if grant.used {
            // A replayed code: refuse it and revoke what it was exchanged for (RFC 6749 §4.1.2).
            state.revoke_family(code);
            return error(400, "invalid_grant", "Bad Request");
        }
        if self.context.now >= grant.expires_at || self.scenario == Some(Scenario::InvalidGrant) {
            return error(400, "invalid_grant", "Bad Request");
        }
        match form("redirect_uri") {
            None => return missing("redirect_uri"),
            Some(uri) if uri != grant.redirect_uri => {
                return error(400, "redirect_uri_mismatch", "Bad Request");
            }
            Some(_) => {}
        }
        match pkce {
            PkceOutcome::MissingVerifier => {
                return error(400, "invalid_grant", "Missing code verifier.");
            }
            PkceOutcome::Mismatch => return error(400, "invalid_grant", "Invalid code verifier."),
            PkceOutcome::Verified | PkceOutcome::UnexpectedVerifier | PkceOutcome::NotUsed => {}
        }
        if let Some(stored) = state.codes.get_mut(code) {
            stored.used = true;
        }
        let family = code.to_owned();
        let access_token = self.new_access_token(state, &grant.sub, &grant.scopes, &family);
        let mut body = token_body(&access_token, &grant.scopes);
        if grant.issue_refresh_token {
            let refresh_token = format!("1//0g{}", random_string(100, BASE64URL));
            state.refresh_tokens.insert(
                refresh_token.clone(),
                TokenGrant {
                    tenant: self.tenant_id.to_owned(),
                    client_id: self.client.id.clone(),
                    sub: grant.sub.clone(),
                    scopes: grant.scopes.clone(),
                    expires_at: None,
                    family,
                    revoked: false,
                },
            );
            body.insert("refresh_token".to_owned(), json!(refresh_token));
        }
        if grant.scopes.iter().any(|scope| scope == "openid") {
            match self.id_token(
                state,
                &grant.sub,
                &grant.scopes,
                grant.nonce.as_deref(),
                &access_token,
            ) {
                Ok(token) => {
                    body.insert("id_token".to_owned(), json!(token));
                }
                Err(reply) => return reply,
            }
        }
        Reply::json(200, &Value::Object(body)).no_store()
    }

    fn refresh_token(&self, state: &mut GoogleState) -> Reply {
        let Some(token) = self.context.incoming.form("refresh_token") else {
            return missing("refresh_token");
        };
        let Some(grant) = state
            .refresh_tokens
            .get(token)
            .filter(|grant| {
                grant.is_live(self.context.now)
                    && grant.tenant == self.tenant_id
                    && grant.client_id == self.client.id
            })
            .cloned()
        else {
            return error(400, "invalid_grant", "Token has been expired or revoked.");
        };
        let access_token = self.new_access_token(state, &grant.sub, &grant.scopes, &grant.family);
        let mut body = token_body(&access_token, &grant.scopes);
        if grant.scopes.iter().any(|scope| scope == "openid") {
            match self.id_token(state, &grant.sub, &grant.scopes, None, &access_token) {
                Ok(token) => {
                    body.insert("id_token".to_owned(), json!(token));
                }
                Err(reply) => return reply,
            }
        }
        Reply::json(200, &Value::Object(body)).no_store()
    }

    fn new_access_token(
        &self,
        state: &mut GoogleState,
        sub: &str,
        scopes: &[String],
        family: &str,
    ) -> String {
        let token = format!("ya29.a0{}", random_string(120, BASE64URL));
        state.access_tokens.insert(
            token.clone(),
            TokenGrant {
                tenant: self.tenant_id.to_owned(),
                client_id: self.client.id.clone(),
                sub: sub.to_owned(),
                scopes: scopes.to_vec(),
                expires_at: Some(self.context.now + ACCESS_TOKEN_LIFETIME_SECONDS),
                family: family.to_owned(),
                revoked: false,
            },
        );
        token
    }

    fn id_token(
        &self,
        state: &mut GoogleState,
        sub: &str,
        scopes: &[String],
        nonce: Option<&str>,
        access_token: &str,
    ) -> Result<String, Reply> {
        let Some(tenant) = state.tenants.get_mut(self.tenant_id) else {
            return Err(error(400, "invalid_grant", "Bad Request"));
        };
        if self.scenario == Some(Scenario::KeyRotation) {
            tenant.rotated = true;
        }
        let Some(user) = tenant.config.users.iter().find(|user| user.sub == sub) else {
            return Err(error(400, "invalid_grant", "Bad Request"));
        };
        id_token::issue(&IdTokenRequest {
            issuer: &self.context.urls.issuer,
            client_id: &self.client.id,
            user,
            scopes,
            nonce,
            access_token,
            now: self.context.now,
            scenario: self.scenario,
            rotated: tenant.rotated,
        })
        .map_err(|problem| error(500, "internal_failure", problem))
    }
}

/// The success body without the optional tokens. `scope` lists what Google lists: the URLs and
/// `openid`, not the short names.
fn token_body(access_token: &str, scopes: &[String]) -> Map<String, Value> {
    let granted: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|scope| *scope != "email" && *scope != "profile")
        .collect();
    let mut body = Map::new();
    body.insert("access_token".to_owned(), json!(access_token));
    body.insert(
        "expires_in".to_owned(),
        json!(ACCESS_TOKEN_LIFETIME_SECONDS),
    );
    body.insert("scope".to_owned(), json!(granted.join(" ")));
    body.insert("token_type".to_owned(), json!("Bearer"));
    body
}

fn missing(name: &str) -> Reply {
    error(
        400,
        "invalid_request",
        &format!("Missing required parameter: {name}"),
    )
}

pub(super) fn error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
    .no_store()
}
