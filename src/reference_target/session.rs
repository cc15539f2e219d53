//! Session login: `POST /login` (JSON or form), `GET /me`, `POST /logout`. Sessions live on the
//! server; the browser holds only a random id in an HttpOnly, SameSite=Lax cookie, renewed at every
//! login and killed on the server at logout.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cookie::{Cookie, SameSite};
use serde_json::json;

use super::demo::{self, DemoUser};
use super::flaw::Flaw;
use super::input::Fields;
use super::reply::{self, Failure};
use super::state::{AppState, Session, random_id};

pub const SESSION_COOKIE: &str = "session";
const CHALLENGE: &str =
    r#"Cookie realm="authprobe reference target", form-action="/login", cookie-name="session""#;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/logout", post(logout))
}

async fn login(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = match Fields::parse(&headers, &body) {
        Ok(fields) => fields,
        Err(failure) => return failure.into_response(),
    };
    let (username, password) = match (fields.require("username"), fields.require("password")) {
        (Ok(username), Ok(password)) => (username, password),
        (Err(failure), _) | (_, Err(failure)) => return failure.into_response(),
    };
    let Some(user) = demo::authenticate(username, password) else {
        return reply::unauthorized(state.flaws(), CHALLENGE, "Incorrect username or password");
    };
    let presented = session_id(&headers);
    let id = match presented {
        Some(id) if state.flaws().has(Flaw::KeepSessionIdAtLogin) => id.to_owned(),
        _ => match random_id(32) {
            Ok(id) => id,
            Err(_) => return Failure::internal("no randomness for a session id").into_response(),
        },
    };
    {
        let mut sessions = state.sessions.lock();
        if let Some(old) = presented.filter(|old| *old != id) {
            sessions.remove(old);
        }
        sessions.insert(
            id.clone(),
            Session {
                username: user.username.to_owned(),
                expires: Instant::now() + state.config.session_ttl,
            },
        );
    }
    let mut response = reply::json(
        StatusCode::OK,
        json!({ "message": "Logged in", "username": user.username }),
    );
    set_cookie(&mut response, session_cookie(&state, &headers, id));
    response
}

async fn me(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match current_user(&state, &headers) {
        Some(user) => reply::json(StatusCode::OK, user_json(user)),
        None => reply::unauthorized(state.flaws(), CHALLENGE, "Not authenticated"),
    }
}

async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(id) = session_id(&headers) {
        if !state.flaws().has(Flaw::LogoutClientSideOnly) {
            state.sessions.lock().remove(id);
        }
    }
    let mut removal = session_cookie(&state, &headers, String::new());
    removal.set_max_age(cookie::time::Duration::ZERO);
    let mut response = (
        StatusCode::OK,
        axum::Json(json!({ "message": "Logged out" })),
    )
        .into_response();
    set_cookie(&mut response, removal);
    response
}

pub(super) fn user_json(user: &DemoUser) -> serde_json::Value {
    json!({ "username": user.username, "email": user.email, "full_name": user.full_name })
}

/// The user of the session the request's cookie names, if it is alive.
fn current_user(state: &AppState, headers: &HeaderMap) -> Option<&'static DemoUser> {
    let id = session_id(headers)?;
    let mut sessions = state.sessions.lock();
    let session = sessions.get(id)?;
    if session.expires <= Instant::now() {
        sessions.remove(id);
        return None;
    }
    demo::user(&session.username)
}

/// The session id in the request's `Cookie` header(s).
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

fn session_cookie(state: &AppState, headers: &HeaderMap, value: String) -> Cookie<'static> {
    let flaws = state.flaws();
    let mut cookie = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(!flaws.has(Flaw::CookieNotHttponly))
        .secure(served_over_https(state, headers))
        .build();
    if !flaws.has(Flaw::CookieNoSamesite) {
        cookie.set_same_site(SameSite::Lax);
    }
    cookie
}

/// True when the browser talks https to us: our public URL says so, or a proxy in front does.
fn served_over_https(state: &AppState, headers: &HeaderMap) -> bool {
    let public = state
        .config
        .public_url
        .as_ref()
        .is_some_and(|url| url.scheme() == "https");
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    public || forwarded
}

fn set_cookie(response: &mut Response, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
