//! `check:` steps against small servers: a site that hands out a session on its login page and
//! redirects after login (the `before:` request, a 3xx login, a custom cookie name), and a refresh
//! endpoint that crashes on reuse (a 5xx is never a refusal).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Mutex;

use crate::support::{failed_checks, only_step, run_suite};
use authprobe::runner::StepStatus;

/// Session id → signed in.
#[derive(Default)]
struct Site {
    sessions: Mutex<HashMap<String, bool>>,
    /// Refresh tokens of the one family `/oauth/token` knows: live, or spent.
    refresh_tokens: Mutex<HashMap<String, bool>>,
    next_id: AtomicUsize,
    refreshes: AtomicUsize,
}

impl Site {
    fn new_id(&self) -> String {
        format!("sid-{}", self.next_id.fetch_add(1, Ordering::SeqCst))
    }
}

fn presented(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::COOKIE)?
        .to_str()
        .ok()?
        .split(';')
        .find_map(|pair| pair.trim().strip_prefix("sid="))
        .map(str::to_owned)
}

fn with_session(mut response: Response, id: &str) -> Response {
    let value = format!("sid={id}; HttpOnly; Path=/");
    if let Ok(value) = value.parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn login_page(State(site): State<Arc<Site>>) -> Response {
    let id = site.new_id();
    site.sessions
        .lock()
        .expect("unpoisoned")
        .insert(id.clone(), false);
    with_session("<form>".into_response(), &id)
}

async fn login(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    let id = site.new_id();
    let mut sessions = site.sessions.lock().expect("unpoisoned");
    if let Some(old) = presented(&headers) {
        sessions.remove(&old);
    }
    sessions.insert(id.clone(), true);
    let redirect = (StatusCode::SEE_OTHER, [(header::LOCATION, "/home")]).into_response();
    with_session(redirect, &id)
}

async fn home(State(site): State<Arc<Site>>, headers: HeaderMap) -> StatusCode {
    let signed_in = presented(&headers)
        .and_then(|id| site.sessions.lock().expect("unpoisoned").get(&id).copied())
        .unwrap_or(false);
    if signed_in {
        StatusCode::OK
    } else {
        StatusCode::FOUND
    }
}

/// Renews an id it issued, but adopts an unknown one that looks like its own (32 hex digits):
/// permissive session management.
async fn login_adopting(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    let mut sessions = site.sessions.lock().expect("unpoisoned");
    let id = match presented(&headers) {
        Some(old) if sessions.remove(&old).is_some() => uuid::Uuid::new_v4().simple().to_string(),
        Some(unknown) if unknown.len() == 32 && unknown.chars().all(|c| c.is_ascii_hexdigit()) => {
            unknown
        }
        _ => uuid::Uuid::new_v4().simple().to_string(),
    };
    sessions.insert(id.clone(), true);
    with_session(StatusCode::NO_CONTENT.into_response(), &id)
}

/// A token endpoint as RFC 6749 §6 has it: a form with `grant_type=refresh_token`, the client
/// authenticated, each refresh token spent once, and a spent one's reuse revoking the family.
async fn oauth_refresh(
    State(site): State<Arc<Site>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let client = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|value| value.as_bytes() == b"Basic YXBwOmFwcC1zZWNyZXQ=");
    if form.get("grant_type").map(String::as_str) != Some("refresh_token") || !client {
        return (StatusCode::BAD_REQUEST, "invalid_request").into_response();
    }
    let mut tokens = site.refresh_tokens.lock().expect("unpoisoned");
    if tokens.is_empty() {
        tokens.insert("rt-original".to_owned(), true);
    }
    let presented = form.get("refresh_token").cloned().unwrap_or_default();
    match tokens.get(&presented).copied() {
        Some(true) => {
            tokens.insert(presented, false);
            let next = format!("rt-{}", tokens.len());
            tokens.insert(next.clone(), true);
            axum::Json(serde_json::json!({ "refresh_token": next })).into_response()
        }
        Some(false) => {
            for live in tokens.values_mut() {
                *live = false;
            }
            (StatusCode::BAD_REQUEST, "invalid_grant").into_response()
        }
        None => (StatusCode::BAD_REQUEST, "invalid_grant").into_response(),
    }
}

/// Destroys the session and clears its cookie.
async fn logout(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    if let Some(old) = presented(&headers) {
        site.sessions.lock().expect("unpoisoned").remove(&old);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = "sid=; Max-Age=0; Path=/".parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Regenerates the session instead of destroying it: the old id dies, the new one is signed in.
async fn logout_regenerating(State(site): State<Arc<Site>>, headers: HeaderMap) -> Response {
    let id = site.new_id();
    let mut sessions = site.sessions.lock().expect("unpoisoned");
    if let Some(old) = presented(&headers) {
        sessions.remove(&old);
    }
    sessions.insert(id.clone(), true);
    with_session(StatusCode::NO_CONTENT.into_response(), &id)
}

async fn crashing_refresh(State(site): State<Arc<Site>>) -> Response {
    // The first refresh rotates; every later one crashes.
    if site.refreshes.fetch_add(1, Ordering::SeqCst) == 0 {
        axum::Json(serde_json::json!({ "refresh_token": "rotated" })).into_response()
    } else {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

async fn serve() -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let router = Router::new()
        .route("/login", get(login_page).post(login))
        .route("/home", get(home))
        .route("/logout", post(logout))
        .route("/login-adopting", post(login_adopting))
        .route("/oauth/token", post(oauth_refresh))
        .route("/logout-regenerating", post(logout_regenerating))
        .route("/refresh", post(crashing_refresh))
        .with_state(Arc::new(Site::default()));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url::Url::parse(&format!("http://{address}/")).expect("url")
}

#[tokio::test]
async fn session_fixation_takes_the_pre_login_session_from_before_and_accepts_a_redirecting_login()
{
    let target = serve().await;
    let result = run_suite(
        r#"
name: fixation
steps:
  - name: the login page's session is replaced at login
    check:
      session_fixation:
        before: { method: GET, url: /login }
        login: { method: POST, url: /login, form: { user: alice } }
        protected: /home
        cookie: sid
"#,
        &target,
    )
    .await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert_eq!(step.checks.len(), 5, "{:#?}", step.checks);
    // before, login with sid0, /home with sid1, /home with sid0, login with a chosen id, /home.
    assert_eq!(step.exchanges.len(), 6);
}

#[tokio::test]
async fn a_server_that_adopts_any_well_formed_id_is_caught_with_one_shaped_like_its_own() {
    let target = serve().await;
    let result = run_suite(
        "name: fixation\nsteps:\n  - name: fixation\n    check:\n      session_fixation:\n        login: { method: POST, url: /login-adopting }\n        protected: /home\n        cookie: sid\n",
        &target,
    )
    .await;
    let step = only_step(&result);
    let failed = failed_checks(step);
    assert_eq!(
        failed,
        [
            "session_fixation: a client-chosen session id is not adopted",
            "session_fixation: the client-chosen session id opens nothing"
        ],
        "{:#?}",
        step.checks
    );
}

#[tokio::test]
async fn a_logout_that_hands_out_a_new_signed_in_session_is_no_logout() {
    let target = serve().await;
    let suite = |logout: &str| {
        format!(
            "name: logout\nsteps:\n  - name: logout\n    check:\n      logout:\n        login: {{ method: POST, url: /login, form: {{ user: alice }} }}\n        logout: {{ method: POST, url: {logout} }}\n        protected: /home\n        cookie: sid\n"
        )
    };
    let result = run_suite(&suite("/logout"), &target).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert_eq!(step.checks.len(), 3, "a cleared cookie is not replayed");

    let result = run_suite(&suite("/logout-regenerating"), &target).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed, "{:#?}", step.checks);
    let failed = failed_checks(step);
    assert_eq!(
        failed,
        ["logout: the session cookie the logout sets does not open the protected page"]
    );
}

#[tokio::test]
async fn refresh_rotation_sends_the_fields_and_headers_a_standard_token_endpoint_needs() {
    let target = serve().await;
    let result = run_suite(
        r#"
name: refresh
steps:
  - name: rotation at an OAuth token endpoint
    check:
      refresh_rotation:
        url: /oauth/token
        token: rt-original
        form: true
        fields: { grant_type: refresh_token }
        headers: { Authorization: "Basic {{ 'app:app-secret' | base64_encode }}" }
"#,
        &target,
    )
    .await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert_eq!(step.checks.len(), 3);
}

#[tokio::test]
async fn a_crash_on_reuse_is_no_refusal() {
    let target = serve().await;
    let result = run_suite(
        r#"
name: refresh
steps:
  - name: rotation
    check:
      refresh_rotation: { url: /refresh, token: original }
"#,
        &target,
    )
    .await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed);
    let verdicts: Vec<(&str, bool, &str)> = step
        .checks
        .iter()
        .map(|check| (check.name.as_str(), check.passed, check.actual.as_str()))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            (
                "refresh_rotation: a new refresh token is issued",
                true,
                "status 200, new token"
            ),
            (
                "refresh_rotation: the rotated-out token is refused",
                false,
                "status 500"
            ),
            (
                "refresh_rotation: reuse revokes the family, newest token included",
                false,
                "status 500"
            ),
        ]
    );
}
