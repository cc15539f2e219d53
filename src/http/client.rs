//! The run's one HTTP client. Redirects are never followed by reqwest: auth flows are about the
//! 302s, and when a step does follow them the runner does it hop by hop so that each identity's
//! cookie jar sees every `Set-Cookie` on the way.

use std::error::Error as _;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::exchange::{
    Exchange, ExchangeOutcome, RecordedRequest, Response, TransportError, TransportErrorKind,
};

#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Accept invalid TLS certificates. Off unless `--insecure`.
    pub insecure: bool,
    /// Trusted besides the built-in roots (`--ca-cert`).
    pub ca_certs: Vec<reqwest::Certificate>,
    /// Responses larger than this fail the step instead of filling memory.
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            insecure: false,
            ca_certs: Vec::new(),
            max_body_bytes: 4 * 1024 * 1024,
        }
    }
}

/// A request ready to go: templates rendered, credentials and cookies in its headers.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    max_body_bytes: usize,
}

impl HttpClient {
    pub fn new(options: &ClientOptions) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(options.insecure)
            .user_agent(concat!("authprobe/", env!("CARGO_PKG_VERSION")));
        for cert in &options.ca_certs {
            builder = builder.add_root_certificate(cert.clone());
        }
        let client = builder.build()?;
        Ok(HttpClient {
            client,
            max_body_bytes: options.max_body_bytes,
        })
    }

    /// Sends one request and records the exchange. Never fails: a transport error is part of the
    /// record, so that it fails the step and not the run.
    pub async fn send(&self, request: OutgoingRequest) -> Exchange {
        let started = Instant::now();
        let timeout = request.timeout;
        let (built, recorded) = self.build(request);
        let outcome = match built {
            Ok(builder) => self.execute(builder, timeout).await,
            Err(error) => Err(error),
        };
        Exchange {
            label: None,
            request: recorded,
            outcome: match outcome {
                Ok(response) => ExchangeOutcome::Response(response),
                Err(error) => ExchangeOutcome::Error(error),
            },
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        }
    }

    /// The reqwest request, and the record of it as sent (which keeps the request's own parts).
    fn build(
        &self,
        request: OutgoingRequest,
    ) -> (
        Result<reqwest::RequestBuilder, TransportError>,
        RecordedRequest,
    ) {
        let recorded = RecordedRequest {
            method: request.method.as_str().to_owned(),
            url: url_as_recorded(&request.url),
            headers: request.headers,
            body: request.body,
        };
        let mut builder = self
            .client
            .request(request.method, request.url)
            .timeout(request.timeout);
        // Straight into the request's own headers (empty until now): a map of them to merge in
        // would cost two allocations per request.
        for (name, value) in &recorded.headers {
            match parse_header(name, value) {
                Ok((name, value)) => builder = builder.header(name, value),
                Err(error) => return (Err(error), recorded),
            }
        }
        if let Some(body) = &recorded.body {
            builder = builder.body(body.clone());
        }
        (Ok(builder), recorded)
    }

    async fn execute(
        &self,
        builder: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Response, TransportError> {
        let mut response = builder
            .send()
            .await
            .map_err(|error| transport_error(&error, timeout))?;
        let status = response.status().as_u16();
        let mut headers = Vec::with_capacity(response.headers().len());
        headers.extend(response.headers().iter().map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        }));
        let declared = response.content_length();
        if let Some(length) = declared.filter(|&length| length > self.max_body_bytes as u64) {
            return Err(too_large(self.max_body_bytes, Some(length)));
        }
        let mut body = Vec::with_capacity(declared.map_or(0, |length| length as usize));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body_bytes {
                        return Err(too_large(self.max_body_bytes, declared));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => {
                    let mut failure = transport_error(&error, timeout);
                    if failure.kind == TransportErrorKind::Other {
                        failure.kind = TransportErrorKind::Truncated;
                        failure.message = format!(
                            "response body cut off after {} bytes: {}",
                            body.len(),
                            failure.message
                        );
                    }
                    return Err(failure);
                }
            }
        }
        Ok(Response::new(status, headers, body))
    }
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), TransportError> {
    let invalid = |what: &str| TransportError {
        kind: TransportErrorKind::InvalidRequest,
        message: format!("invalid header {what} for `{name}`"),
    };
    let name_parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
    let value_parsed = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
    Ok((name_parsed, value_parsed))
}

fn too_large(limit: usize, declared: Option<u64>) -> TransportError {
    let size = declared.map_or_else(
        || format!("more than {limit} bytes"),
        |length| format!("{length} bytes"),
    );
    TransportError {
        kind: TransportErrorKind::BodyTooLarge,
        message: format!(
            "response body too large: {size}, the limit is {limit} bytes (--max-body-size)"
        ),
    }
}

fn transport_error(error: &reqwest::Error, timeout: Duration) -> TransportError {
    let chain = error_chain(error);
    if error.is_timeout() {
        return TransportError {
            kind: TransportErrorKind::Timeout,
            message: format!("no response after {}: timed out", humanize(timeout)),
        };
    }
    if error.is_connect() {
        // rustls names the problem (`UnknownIssuer`, `NotValidForName`) but not what to do.
        let hint = if [
            "UnknownIssuer",
            "CaUsedAsEndEntity",
            "self-signed",
            "self signed",
        ]
        .iter()
        .any(|issuer| chain.contains(issuer))
        {
            " (the target's TLS certificate is not signed by a CA authprobe trusts: give its CA \
             with --ca-cert FILE, or --insecure for a test server)"
        } else if chain.contains("certificate") {
            " (--insecure skips the certificate check, for a test server)"
        } else {
            ""
        };
        return TransportError {
            kind: TransportErrorKind::Connect,
            message: format!("could not connect: {chain}{hint}"),
        };
    }
    if error.is_builder() {
        return TransportError {
            kind: TransportErrorKind::InvalidRequest,
            message: format!("invalid request: {chain}"),
        };
    }
    TransportError {
        kind: TransportErrorKind::Other,
        message: chain,
    }
}

/// `url` as reports show it: a password in it (`https://user:password@staging.test`) is
/// masked where it stands, whatever its length; the redactor, which searches by text, leaves
/// short values alone.
pub fn url_as_recorded(url: &Url) -> String {
    if url.password().is_none() {
        return url.as_str().to_owned();
    }
    use url::Position;
    format!(
        "{}{}{}",
        &url[..Position::BeforePassword],
        crate::secret::MASK,
        &url[Position::AfterPassword..]
    )
}

/// reqwest's own message is "error sending request for url (...)"; the cause is in the chain.
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

pub(crate) fn humanize(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}
