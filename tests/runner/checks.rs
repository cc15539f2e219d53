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

use crate::support::{only_step, run_suite};
use authprobe::runner::StepStatus;

/// Session id → signed in.
#[derive(Default)]
struct Site {
    sessions: Mutex<HashMap<String, bool>>,
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
