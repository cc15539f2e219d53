//! A small real HTTP server for the runner's tests, started on 127.0.0.1:0, and helpers to run a
//! suite written inline against it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use authprobe::runner::{self, RunOptions, RunResult, Silent, StepResult};
use authprobe::suite::{self, LoadOptions, SourceFile};
use axum::Router;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

pub struct TestServer {
    pub url: url::Url,
}

/// A JWT-shaped token with fixed claims; its signature is not checked by anything here.
pub fn sample_jwt() -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(r#"{"sub":"alice","role":"admin","exp":4102444800}"#),
        URL_SAFE_NO_PAD.encode("not-a-real-signature")
    )
}

fn app() -> Router<Arc<std::sync::atomic::AtomicUsize>> {
    Router::new()
        .route("/json", get(json_document))
        .route("/echo", any(echo))
        .route("/status/{code}", get(status))
        .route("/set-cookie", get(set_cookie))
        .route("/cookies", get(cookies))
        .route("/redirect", get(|| async { found("/landing?code=xyz&state=abc%20def") }))
        .route("/redirect-absolute", get(|| async { found("https://accounts.example.com/o/auth?client_id=web") }))
        .route("/see-other", any(|| async { Redirect::to("/echo") }))
        .route("/loop", get(|| async { found("/loop") }))
        // `n` x's, a space, `s`, a space and 600 y's: text to put `s` where a long value is cut.
        .route("/pad", get(|Query(query): Query<HashMap<String, String>>| async move {
            let n = query.get("n").and_then(|n| n.parse().ok()).unwrap_or(0);
            format!("{} {} {}", "x".repeat(n), query.get("s").cloned().unwrap_or_default(), "y".repeat(600))
        }))
        .route("/redirect-to", get(|Query(query): Query<HashMap<String, String>>| async move {
            (StatusCode::FOUND, [("location", query.get("to").cloned().unwrap_or_default())])
        }))
        .route("/landing", get(|| async { "landed" }))
        .route("/html", get(|| async {
            (
                [(header::CONTENT_TYPE, "text/html")],
                r#"<form><input type="hidden" name="csrf" value="tok-123"><p>Welcome, Alice</p></form>"#,
            )
        }))
        .route("/token", get(|| async { axum::Json(json!({ "access_token": sample_jwt(), "token_type": "bearer" })) }))
        .route("/me", get(me))
        .route("/slow", get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }))
        .route("/huge", get(|| async { "x".repeat(5_000_000) }))
        .route("/flaky", get(flaky))
}

/// A 302, as login flows send them (axum's `Redirect::to` is a 303).
fn found(location: &'static str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn json_document() -> impl IntoResponse {
    (
        [("x-request-id", "req-42"), ("x-rate-limit", "100")],
        axum::Json(json!({
            "user": { "email": "alice@example.com", "name": "Alice", "roles": ["user", "admin"], "age": 30 },
            "items": [ { "id": 1 }, { "id": 2 }, { "id": 3 } ],
            "empty": null,
            "account_id": 1_234_567_890_123_456_789_u64,
            "token": sample_jwt(),
        })),
    )
}

async fn echo(Query(query): Query<HashMap<String, String>>, request: Request) -> impl IntoResponse {
    let method = request.method().to_string();
    let headers: serde_json::Map<String, Value> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                Value::String(value.to_str().unwrap_or_default().to_owned()),
            )
        })
        .collect();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    axum::Json(json!({
        "method": method,
        "headers": headers,
        "query": query,
        "body": String::from_utf8_lossy(&body),
    }))
}

async fn status(Path(code): Path<u16>) -> impl IntoResponse {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        format!("status {code}"),
    )
}

async fn set_cookie() -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.append(
        header::SET_COOKIE,
        "session=s3ss10n-value; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=3600"
            .parse()
            .expect("valid"),
    );
    headers.append(
        header::SET_COOKIE,
        "theme=dark; Path=/; Domain=127.0.0.1; Expires=Wed, 21 Oct 2037 07:28:00 GMT"
            .parse()
            .expect("valid"),
    );
    (headers, "cookies set")
}

async fn cookies(headers: HeaderMap) -> impl IntoResponse {
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    axum::Json(json!({ "cookie": cookie }))
}

async fn me(headers: HeaderMap) -> Response {
    let expected = format!("Bearer {}", sample_jwt());
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) if value == expected => {
            axum::Json(json!({ "username": "alice" })).into_response()
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "no",
        )
            .into_response(),
    }
}

/// Fails twice, then succeeds: for retries. The count is per server.
async fn flaky(
    axum::extract::State(count): axum::extract::State<Arc<std::sync::atomic::AtomicUsize>>,
) -> Response {
    let seen = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if seen < 2 {
        (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
    } else {
        "ok".into_response()
    }
}

impl TestServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let address = listener.local_addr().expect("address");
        let router = app().with_state(Arc::new(std::sync::atomic::AtomicUsize::new(0)));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestServer {
            url: url::Url::parse(&format!("http://{address}")).expect("url"),
        }
    }
}

/// An address where nothing listens: connections are refused.
pub async fn refused_address() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    listener.local_addr().expect("address")
    // Dropped here: the port is closed again.
}

/// A server that accepts connections and resets them without answering.
pub async fn resetting_address() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // SO_LINGER 0 turns the close into a reset; blocking on drop is fine for a zero timeout.
            #[expect(deprecated, reason = "a reset is what this server is for")]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    address
}

pub fn load(yaml: &str) -> authprobe::suite::Suite {
    suite::load_source(
        SourceFile::new("inline.yaml", yaml),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|diagnostics| {
        panic!(
            "suite should load: {:#?}",
            diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.location(), d.message))
                .collect::<Vec<_>>()
        )
    })
}

pub async fn run_suite(yaml: &str, target: &url::Url) -> RunResult {
    run_with(
        yaml,
        RunOptions {
            target: Some(target.clone()),
            ..RunOptions::default()
        },
    )
    .await
}

pub async fn run_with(yaml: &str, options: RunOptions) -> RunResult {
    let suite = load(yaml);
    let (_stop, cancel) = tokio::sync::watch::channel(false);
    runner::run(std::slice::from_ref(&suite), &options, &mut Silent, cancel)
        .await
        .expect("runs")
}

/// The single step of a one-step suite.
pub fn only_step(result: &RunResult) -> &StepResult {
    &result.suites[0].steps[0]
}

/// The outcome of the check named `name` in `step`: (passed, expected, actual).
/// The names of the step's checks that failed, in order.
pub fn failed_checks(step: &StepResult) -> Vec<&str> {
    step.checks
        .iter()
        .filter(|check| !check.passed)
        .map(|check| check.name.as_str())
        .collect()
}

pub fn check<'a>(step: &'a StepResult, name: &str) -> &'a authprobe::runner::CheckResult {
    step.checks
        .iter()
        .find(|check| check.name == name)
        .unwrap_or_else(|| panic!("no check named {name:?} in {:#?}", step.checks))
}
