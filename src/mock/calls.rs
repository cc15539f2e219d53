//! The back channel, recorded: every request a stand-in received, with what it made of it (which
//! client, how it authenticated, whether the PKCE verifier and redirect URI matched the
//! authorization request) and what it answered. Suites assert on these with `expect.mock_calls`.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::{Map, Value};

use super::endpoint::Endpoint;
use super::http::Incoming;

/// Calls are numbered in one sequence across all stand-ins of the process, so that "calls since
/// this step started" is one comparison.
static SEQUENCE: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_sequence() -> u64 {
    SEQUENCE.fetch_add(1, Ordering::Relaxed)
}

/// The number the next call will get: calls numbered from here on happened after this moment.
pub fn mark() -> u64 {
    SEQUENCE.load(Ordering::Relaxed)
}

/// How a client proved who it is at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClientAuth {
    /// `Authorization: Basic`, raw or form-encoded.
    #[serde(rename = "client_secret_basic")]
    Basic,
    /// `client_id` and `client_secret` in a form body.
    #[serde(rename = "client_secret_post")]
    Post,
    /// `client_id` and `client_secret` in a JSON body (GitHub accepts it).
    #[serde(rename = "client_secret_json")]
    Json,
    /// `client_secret` in the URL's query: the providers take it, RFC 6749 §2.3.1 forbids it (a
    /// URL ends up in access logs), so a suite can tell it from a body.
    #[serde(rename = "client_secret_query")]
    Query,
    /// No secret at all.
    #[serde(rename = "none")]
    None,
}

impl ClientAuth {
    pub fn name(self) -> &'static str {
        match self {
            ClientAuth::Basic => "client_secret_basic",
            ClientAuth::Post => "client_secret_post",
            ClientAuth::Json => "client_secret_json",
            ClientAuth::Query => "client_secret_query",
            ClientAuth::None => "none",
        }
    }
}

/// How the token request's `code_verifier` compared with the authorization request's challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PkceOutcome {
    /// A challenge was sent and the verifier matches it.
    Verified,
    /// The verifier does not match the challenge.
    Mismatch,
    /// A challenge was sent but no verifier came.
    MissingVerifier,
    /// A verifier came for a code that was issued without a challenge.
    UnexpectedVerifier,
    /// Neither: the flow did not use PKCE.
    NotUsed,
}

impl PkceOutcome {
    pub fn name(self) -> &'static str {
        match self {
            PkceOutcome::Verified => "verified",
            PkceOutcome::Mismatch => "mismatch",
            PkceOutcome::MissingVerifier => "missing_verifier",
            PkceOutcome::UnexpectedVerifier => "unexpected_verifier",
            PkceOutcome::NotUsed => "not_used",
        }
    }
}

/// What a stand-in worked out about a call while answering it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFindings {
    pub client_id: Option<String>,
    pub client_auth: Option<ClientAuth>,
    /// For a code exchange: whether `redirect_uri` equals the one of the authorization request
    /// that issued the code.
    pub same_redirect_uri: Option<bool>,
    pub pkce: Option<PkceOutcome>,
}

/// One request a stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    pub sequence: u64,
    pub endpoint: Endpoint,
    /// The suite the call was tied to (by its authorization request, code or token), if any.
    pub tenant: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    /// Fields of a form body, or the top-level fields of a JSON body (as text).
    pub form: Vec<(String, String)>,
    pub findings: CallFindings,
    /// What the stand-in answered.
    pub status: u16,
}

/// A part of a call an assertion can look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallField {
    Method,
    Path,
    Query(String),
    Form(String),
    Header(String),
    ClientId,
    ClientAuth,
    SameRedirectUri,
    Pkce,
    Status,
}

impl CallField {
    /// How the field is named in check results: `form.code_verifier`.
    pub fn label(&self) -> String {
        match self {
            CallField::Method => "method".to_owned(),
            CallField::Path => "path".to_owned(),
            CallField::Query(name) => format!("query.{name}"),
            CallField::Form(name) => format!("form.{name}"),
            CallField::Header(name) => format!("headers.{name}"),
            CallField::ClientId => "client_id".to_owned(),
            CallField::ClientAuth => "client_auth".to_owned(),
            CallField::SameRedirectUri => "same_redirect_uri".to_owned(),
            CallField::Pkce => "pkce".to_owned(),
            CallField::Status => "status".to_owned(),
        }
    }

    /// Whether the field's values are credentials that must not be shown.
    pub fn is_secret(&self) -> bool {
        match self {
            CallField::Query(name) | CallField::Form(name) | CallField::Header(name) => {
                is_secret_name(name)
            }
            _ => false,
        }
    }
}

/// Names of fields and headers whose values are credentials.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "code"
            | "client_secret"
            | "code_verifier"
            | "refresh_token"
            | "access_token"
            | "token"
            | "authorization"
            | "cookie"
    ) || name.contains("secret")
        || name.contains("password")
}

impl RecordedCall {
    /// A request a stand-in just answered, numbered in the process-wide sequence.
    pub(crate) fn received(
        endpoint: Endpoint,
        tenant: Option<String>,
        incoming: &Incoming,
        findings: CallFindings,
        status: u16,
    ) -> Self {
        RecordedCall {
            sequence: next_sequence(),
            endpoint,
            tenant,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            query: incoming.query.clone(),
            headers: incoming.headers.clone(),
            form: incoming.form.clone(),
            findings,
            status,
        }
    }

    /// The value of `field`; `None` when the call has no such part.
    pub fn field(&self, field: &CallField) -> Option<Value> {
        let text = |value: &str| Value::String(value.to_owned());
        match field {
            CallField::Method => Some(text(&self.method)),
            CallField::Path => Some(text(&self.path)),
            CallField::Query(name) => last(&self.query, name).map(text),
            CallField::Form(name) => last(&self.form, name).map(text),
            CallField::Header(name) => last(&self.headers, &name.to_ascii_lowercase()).map(text),
            CallField::ClientId => self.findings.client_id.as_deref().map(text),
            CallField::ClientAuth => self.findings.client_auth.map(|auth| text(auth.name())),
            CallField::SameRedirectUri => self.findings.same_redirect_uri.map(Value::Bool),
            CallField::Pkce => self.findings.pkce.map(|pkce| text(pkce.name())),
            CallField::Status => Some(Value::from(self.status)),
        }
    }

    /// A one-line summary with credentials masked, for the `authprobe mock` log.
    pub fn log_line(&self) -> String {
        let mut line = format!(
            "{} {} {} -> {}",
            self.endpoint, self.method, self.path, self.status
        );
        if let Some(client) = &self.findings.client_id {
            line.push_str(&format!(" client_id={client}"));
        }
        if let Some(auth) = self.findings.client_auth {
            line.push_str(&format!(" auth={}", auth.name()));
        }
        if let Some(pkce) = self.findings.pkce {
            line.push_str(&format!(" pkce={}", pkce.name()));
        }
        if let Some(same) = self.findings.same_redirect_uri {
            line.push_str(&format!(" same_redirect_uri={same}"));
        }
        let fields: Vec<String> = self
            .query
            .iter()
            .chain(&self.form)
            .filter(|(name, _)| !(name == "client_id" && self.findings.client_id.is_some()))
            .map(|(name, value)| {
                if is_secret_name(name) {
                    format!("{name}=•••")
                } else {
                    format!("{name}={value}")
                }
            })
            .collect();
        if !fields.is_empty() {
            line.push_str(&format!(" [{}]", fields.join(" ")));
        }
        if let Some(tenant) = &self.tenant {
            if !tenant.is_empty() {
                line.push_str(&format!(" suite={tenant}"));
            }
        }
        line
    }

    /// The call as JSON, credentials masked: for reports and debugging output.
    pub fn to_masked_json(&self) -> Value {
        let masked = |pairs: &[(String, String)]| -> Value {
            let mut map = Map::new();
            for (name, value) in pairs {
                let shown = if is_secret_name(name) {
                    "•••".to_owned()
                } else {
                    value.clone()
                };
                map.insert(name.clone(), Value::String(shown));
            }
            Value::Object(map)
        };
        serde_json::json!({
            "endpoint": self.endpoint.name(),
            "method": self.method,
            "path": self.path,
            "query": masked(&self.query),
            "form": masked(&self.form),
            "headers": masked(&self.headers),
            "client_id": self.findings.client_id,
            "client_auth": self.findings.client_auth.map(ClientAuth::name),
            "same_redirect_uri": self.findings.same_redirect_uri,
            "pkce": self.findings.pkce.map(PkceOutcome::name),
            "status": self.status,
        })
    }
}

fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_call() -> RecordedCall {
        RecordedCall {
            sequence: 1,
            endpoint: Endpoint::GoogleToken,
            tenant: None,
            method: "POST".to_owned(),
            path: "/token".to_owned(),
            query: Vec::new(),
            headers: vec![("authorization".to_owned(), "Basic abc".to_owned())],
            form: vec![
                ("grant_type".to_owned(), "authorization_code".to_owned()),
                ("code_verifier".to_owned(), "verifier-value".to_owned()),
            ],
            findings: CallFindings {
                client_id: Some("web".to_owned()),
                client_auth: Some(ClientAuth::Basic),
                same_redirect_uri: Some(true),
                pkce: Some(PkceOutcome::Verified),
            },
            status: 200,
        }
    }

    #[test]
    fn fields_read_the_call_and_its_findings() {
        let call = token_call();
        assert_eq!(
            call.field(&CallField::Form("grant_type".to_owned())),
            Some(Value::from("authorization_code"))
        );
        assert_eq!(call.field(&CallField::Form("nope".to_owned())), None);
        assert_eq!(
            call.field(&CallField::Header("Authorization".to_owned())),
            Some(Value::from("Basic abc"))
        );
        assert_eq!(
            call.field(&CallField::ClientAuth),
            Some(Value::from("client_secret_basic"))
        );
        assert_eq!(
            call.field(&CallField::SameRedirectUri),
            Some(Value::Bool(true))
        );
        assert_eq!(call.field(&CallField::Pkce), Some(Value::from("verified")));
        assert_eq!(call.field(&CallField::Status), Some(Value::from(200)));
    }

    #[test]
    fn the_log_line_masks_credentials() {
        let line = token_call().log_line();
        assert!(!line.contains("verifier-value"), "{line}");
        assert!(line.contains("code_verifier=•••"), "{line}");
        assert!(
            line.starts_with(
                "google.token POST /token -> 200 client_id=web auth=client_secret_basic"
            ),
            "{line}"
        );
    }
}
