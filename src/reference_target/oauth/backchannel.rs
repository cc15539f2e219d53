//! The target's own calls to the provider: token exchange, JWKS, GitHub's API. A provider that
//! answers with an error is the browser's problem (400); one that cannot be reached is ours (502).

use axum::http::StatusCode;
use serde_json::Value;
use url::Url;

use crate::reference_target::reply::Failure;

/// What the target sends as `User-Agent`: GitHub's API refuses requests without one.
pub(in crate::reference_target) const USER_AGENT: &str =
    concat!("authprobe-reference-target/", env!("CARGO_PKG_VERSION"));

/// POSTs a form and reads a JSON answer; an `error` member is a provider error whatever the status,
/// as GitHub sends its errors with 200.
pub(super) async fn post_form(
    client: &reqwest::Client,
    provider: &str,
    url: &Url,
    fields: &[(&str, &str)],
) -> Result<Value, Failure> {
    let body = {
        // The serializer is not `Send`; it must be gone before the first await.
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            form.append_pair(name, value);
        }
        form.finish()
    };
    let request = client
        .post(url.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body);
    read_json(provider, request).await
}

/// GETs JSON, with a bearer token when given.
pub(super) async fn get_json(
    client: &reqwest::Client,
    provider: &str,
    url: &Url,
    bearer: Option<&str>,
) -> Result<Value, Failure> {
    let mut request = client.get(url.clone()).header("accept", "application/json");
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    read_json(provider, request).await
}

async fn read_json(provider: &str, request: reqwest::RequestBuilder) -> Result<Value, Failure> {
    let unreachable = |_| Failure {
        status: StatusCode::BAD_GATEWAY,
        message: format!("{provider} could not be reached"),
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    let body = response.bytes().await.map_err(unreachable)?;
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    if let Some(error) = json
        .as_ref()
        .and_then(|json| json.get("error"))
        .and_then(Value::as_str)
    {
        return Err(Failure::bad_request(format!("{provider} refused: {error}")));
    }
    if !status.is_success() {
        return Err(Failure::bad_request(format!(
            "{provider} answered {}",
            status.as_u16()
        )));
    }
    json.ok_or_else(|| Failure::bad_request(format!("{provider} did not answer with JSON")))
}
