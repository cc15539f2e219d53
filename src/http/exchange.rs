//! What happened on the wire for one request: the request as sent, the response as received (or
//! why there was none), and how long it took.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

/// The request exactly as authprobe sent it, cookies and credentials included (reports mask them).
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A response as received. Header names are lowercase; the body is kept whole (up to the limit).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    json: OnceLock<Option<Value>>,
}

/// `body` when the body is UTF-8 text, `body_base64` when it is not (an image, a gzip body): as
/// text, its bytes would be lost to replacement characters.
impl Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        use serde::ser::SerializeStruct as _;
        let mut response = serializer.serialize_struct("Response", 3)?;
        response.serialize_field("status", &self.status)?;
        response.serialize_field("headers", &self.headers)?;
        match std::str::from_utf8(&self.body) {
            Ok(text) => response.serialize_field("body", text)?,
            Err(_) => response.serialize_field(
                "body_base64",
                &base64::engine::general_purpose::STANDARD.encode(&self.body),
            )?,
        }
        response.end()
    }
}

impl Response {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Response {
            status,
            headers,
            body,
            json: OnceLock::new(),
        }
    }

    /// Swaps the body (for masking), dropping the cached JSON; gives back the body it replaced.
    pub fn replace_body(&mut self, body: Vec<u8>) -> Vec<u8> {
        self.forget_parsed_json();
        std::mem::replace(&mut self.body, body)
    }

    /// Drops the JSON parsed from the body, which is parsed again if asked for.
    pub fn forget_parsed_json(&mut self) {
        self.json = OnceLock::new();
    }

    /// The first value of a header; `name` is lowercase.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON, once, on first use; `None` when it is not JSON. A UTF-8 byte order
    /// mark before it (some .NET and PowerShell servers write one) is not part of the JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| {
                let body = self
                    .body
                    .strip_prefix(b"\xef\xbb\xbf")
                    .unwrap_or(&self.body);
                serde_json::from_slice(body).ok()
            })
            .as_ref()
    }

    /// Every `Set-Cookie` of the response, parsed; unparsable ones are skipped.
    pub fn set_cookies(&self) -> impl Iterator<Item = cookie::Cookie<'_>> {
        self.headers_named("set-cookie")
            .filter_map(|value| cookie::Cookie::parse(value).ok())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportErrorKind {
    Connect,
    Timeout,
    BodyTooLarge,
    Truncated,
    InvalidRequest,
    Other,
}

impl TransportErrorKind {
    /// Where a report shows the status: what came back instead of one. A response whose body
    /// was too large or cut off did arrive, and is not called missing.
    pub fn outcome(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "no connection",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::BodyTooLarge => "body too large",
            TransportErrorKind::Truncated => "body cut off",
            TransportErrorKind::InvalidRequest => "not sent",
            TransportErrorKind::Other => "no response",
        }
    }
}

/// Why no (whole) response came back.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One request and its outcome.
#[derive(Debug, Serialize)]
pub struct Exchange {
    /// What the request was, when it was not the step's own: `attack jwt alg-none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub request: RecordedRequest,
    #[serde(flatten)]
    pub outcome: ExchangeOutcome,
    pub duration_ms: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeOutcome {
    Response(Response),
    Error(TransportError),
}

impl Exchange {
    pub fn response(&self) -> Option<&Response> {
        match &self.outcome {
            ExchangeOutcome::Response(response) => Some(response),
            ExchangeOutcome::Error(_) => None,
        }
    }

    pub fn response_mut(&mut self) -> Option<&mut Response> {
        match &mut self.outcome {
            ExchangeOutcome::Response(response) => Some(response),
            ExchangeOutcome::Error(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_text_when_it_is_utf8_and_base64_when_it_is_not() {
        let text = Response::new(200, Vec::new(), b"{\"a\":1}".to_vec());
        assert_eq!(
            serde_json::to_value(&text).expect("serializes"),
            serde_json::json!({ "status": 200, "headers": [], "body": "{\"a\":1}" })
        );
        let png = Response::new(200, Vec::new(), vec![0x89, b'P', b'N', b'G', 0xff, 0]);
        assert_eq!(
            serde_json::to_value(&png).expect("serializes"),
            serde_json::json!({ "status": 200, "headers": [], "body_base64": "iVBOR/8A" })
        );
    }

    #[test]
    fn a_byte_order_mark_before_json_is_not_part_of_it() {
        let response = Response::new(200, Vec::new(), b"\xef\xbb\xbf{\"a\":1}".to_vec());
        assert_eq!(response.json(), Some(&serde_json::json!({ "a": 1 })));
    }
}
