//! Reading a request the way both providers do (query, form or JSON body, Basic and Bearer
//! credentials) and building replies that become wiremock responses without any chance of a panic.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::rand_core::{OsRng, RngCore as _};
use serde_json::Value;
use wiremock::http::{HeaderName, HeaderValue};
use wiremock::{Request, ResponseTemplate};

/// A request, decoded once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Incoming {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Lowercase names.
    pub headers: Vec<(String, String)>,
    /// A form body's fields, or a JSON object body's top-level fields as text.
    pub form: Vec<(String, String)>,
    pub json_body: bool,
}

/// The `user:password` of `Authorization: Basic`, both as sent and form-decoded: authlib sends
/// them raw, oauth2-rs form-encodes them (RFC 6749 §2.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BasicCredentials {
    pub raw_user: String,
    pub raw_password: String,
    pub decoded_user: String,
    pub decoded_password: String,
}

impl BasicCredentials {
    /// Whether these credentials name `id` with `secret`, in either encoding.
    pub fn matches(&self, id: &str, secret: &str) -> bool {
        (self.raw_user == id && self.raw_password == secret)
            || (self.decoded_user == id && self.decoded_password == secret)
    }

    /// The client id as the client most likely meant it.
    pub fn client_id(&self, known: impl Fn(&str) -> bool) -> &str {
        if known(&self.raw_user) {
            &self.raw_user
        } else {
            &self.decoded_user
        }
    }
}

impl Incoming {
    pub fn read(request: &Request) -> Self {
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let content_type = headers
            .iter()
            .find(|(name, _)| name == "content-type")
            .map(|(_, value)| value.to_ascii_lowercase())
            .unwrap_or_default();
        let json_body = content_type.contains("json");
        let form = if request.body.is_empty() {
            Vec::new()
        } else if json_body {
            json_fields(&request.body)
        } else {
            url::form_urlencoded::parse(&request.body)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        };
        Incoming {
            method: request.method.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request
                .url
                .query_pairs()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
            headers,
            form,
            json_body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        first(&self.headers, name)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    pub fn form(&self, name: &str) -> Option<&str> {
        first(&self.form, name)
    }

    /// A body field, or the query parameter of that name (GitHub and Google's revoke accept both).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form(name).or_else(|| self.query(name))
    }

    pub fn basic_credentials(&self) -> Option<BasicCredentials> {
        let value = self.header("authorization")?;
        let (scheme, encoded) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = STANDARD.decode(encoded.trim()).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some(BasicCredentials {
            raw_user: user.to_owned(),
            raw_password: password.to_owned(),
            decoded_user: form_decode(user),
            decoded_password: form_decode(password),
        })
    }

    /// The token of `Authorization: Bearer t` (and, when `token_scheme`, GitHub's `token t`).
    pub fn bearer(&self, token_scheme: bool) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        let accepted = scheme.eq_ignore_ascii_case("bearer")
            || (token_scheme && scheme.eq_ignore_ascii_case("token"));
        (accepted && !token.trim().is_empty()).then(|| token.trim())
    }
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map_or_else(|| text.to_owned(), |(_, value)| value.into_owned())
}

fn json_fields(body: &[u8]) -> Vec<(String, String)> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, text)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A response as the providers build it; turned into a wiremock response at the very end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

/// `Content-Type` of every JSON reply: Google adds the charset.
pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";

impl Reply {
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            content_type: None,
        }
    }

    pub fn json(status: u16, body: &Value) -> Self {
        Reply::new(status).body(body.to_string().into_bytes(), JSON_UTF8)
    }

    pub fn text(status: u16, text: &str) -> Self {
        Reply::new(status).body(text.as_bytes().to_vec(), "text/plain; charset=utf-8")
    }

    pub fn html(status: u16, page: String) -> Self {
        Reply::new(status).body(page.into_bytes(), "text/html; charset=utf-8")
    }

    pub fn redirect(location: &url::Url) -> Self {
        Reply::new(302).header("location", location.as_str())
    }

    pub fn body(mut self, body: Vec<u8>, content_type: &str) -> Self {
        self.body = body;
        self.content_type = Some(content_type.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Google's token responses forbid caching.
    pub fn no_store(self) -> Self {
        self.header(
            "cache-control",
            "no-cache, no-store, max-age=0, must-revalidate",
        )
        .header("pragma", "no-cache")
    }

    /// A 5xx or 4xx with the status's reason as a plain-text body, for injected failures.
    pub fn failure(status: u16) -> Self {
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|code| code.canonical_reason())
            .unwrap_or("Error");
        Reply::text(status, reason)
    }

    /// The wiremock response. Headers that are not valid HTTP are dropped rather than panicking
    /// inside wiremock (every value we build is valid; this is a guard, not a code path).
    pub fn into_template(self, delay: Option<Duration>) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                template = template.append_header(name, value);
            }
        }
        if let Some(content_type) = &self.content_type {
            if HeaderValue::from_str(content_type).is_ok() {
                template = template.set_body_raw(self.body, content_type);
            }
        }
        if let Some(delay) = delay {
            template = template.set_delay(delay);
        }
        template
    }
}

/// `len` random characters from `alphabet`.
pub(crate) fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|byte| char::from(alphabet[usize::from(*byte) % alphabet.len()]))
        .collect()
}

pub(crate) const ALPHANUMERIC: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const BASE64URL: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming_with_auth(value: &str) -> Incoming {
        Incoming {
            headers: vec![("authorization".to_owned(), value.to_owned())],
            ..Incoming::default()
        }
    }

    #[test]
    fn basic_credentials_are_read_raw_and_form_decoded() {
        let encoded = STANDARD.encode("my%20client:p%2Bss+word");
        let credentials = incoming_with_auth(&format!("Basic {encoded}"))
            .basic_credentials()
            .expect("basic");
        assert_eq!(credentials.raw_user, "my%20client");
        assert_eq!(credentials.decoded_user, "my client");
        assert_eq!(credentials.decoded_password, "p+ss word");
        assert!(credentials.matches("my client", "p+ss word"));
        assert!(credentials.matches("my%20client", "p%2Bss+word"));
        assert!(!credentials.matches("my client", "other"));
    }

    #[test]
    fn bearer_accepts_githubs_token_scheme_only_when_asked() {
        assert_eq!(incoming_with_auth("Bearer abc").bearer(false), Some("abc"));
        assert_eq!(incoming_with_auth("token abc").bearer(false), None);
        assert_eq!(incoming_with_auth("token abc").bearer(true), Some("abc"));
        assert_eq!(incoming_with_auth("Bearer ").bearer(true), None);
    }

    #[test]
    fn html_escape_escapes_markup() {
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn random_strings_use_the_alphabet() {
        let text = random_string(40, HEX);
        assert_eq!(text.len(), 40);
        assert!(text.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
