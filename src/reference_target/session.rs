//! Session login: `POST /login` (JSON or form), `GET /me`, `POST /logout`. Sessions live on the
//! server; the browser holds only a random id in an HttpOnly, SameSite=Lax cookie, renewed at every
//! login (password or OAuth) and killed on the server at logout.

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

/// Who a session or a token belongs to, and how they signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Profile {
    pub username: String,
    pub email: Option<String>,
    pub full_name: Option<String>,
    /// `password`, `google` or `github`.
    pub provider: &'static str,
}

impl Profile {
    pub fn of(user: &DemoUser) -> Profile {
        Profile {
            username: user.username.to_owned(),
            email: Some(user.email.to_owned()),
            full_name: Some(user.full_name.to_owned()),
            provider: "password",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "username": self.username,
            "email": self.email,
            "full_name": self.full_name,
            "provider": self.provider,
        })
    }
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
    let cookie = match open_session(&state, &headers, Profile::of(user)) {
        Ok(cookie) => cookie,
        Err(failure) => return failure.into_response(),
    };
    let mut response = reply::json(
        StatusCode::OK,
        json!({ "message": "Logged in", "username": user.username }),
    );
    set_cookie(&mut response, cookie);
    response
}

/// Starts a session for `profile` and returns the cookie that carries it. The session id is new,
/// and the one the browser sent (if any) dies, unless the fixation flaw is on.
pub(super) fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    profile: Profile,
) -> Result<Cookie<'static>, Failure> {
    let presented = session_id(headers);
    let id = match presented {
        Some(id) if state.flaws().has(Flaw::KeepSessionIdAtLogin) => id.to_owned(),
        _ => random_id(32).map_err(|_| Failure::internal("no randomness for a session id"))?,
    };
    let mut sessions = state.sessions.lock();
    if let Some(old) = presented.filter(|old| *old != id) {
        sessions.remove(old);
    }
    sessions.insert(
        id.clone(),
        Session {
            profile,
            expires: Instant::now() + state.config.session_ttl,
        },
    );
    Ok(session_cookie(state, headers, id))
}

async fn me(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match current_profile(&state, &headers) {
        Some(profile) => reply::json(StatusCode::OK, profile.to_json()),
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
    let mut response = reply::json(StatusCode::OK, json!({ "message": "Logged out" }));
    set_cookie(&mut response, removal);
    response
}

/// The profile of the session the request's cookie names, if it is alive.
fn current_profile(state: &AppState, headers: &HeaderMap) -> Option<Profile> {
    let id = session_id(headers)?;
    let mut sessions = state.sessions.lock();
    let session = sessions.get(id)?;
    if session.expires <= Instant::now() {
        sessions.remove(id);
        return None;
    }
    Some(session.profile.clone())
}

/// The value of cookie `name` in the request's `Cookie` header(s).
pub(super) fn request_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

fn session_id(headers: &HeaderMap) -> Option<&str> {
    request_cookie(headers, SESSION_COOKIE)
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
pub(super) fn served_over_https(state: &AppState, headers: &HeaderMap) -> bool {
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

pub(super) fn set_cookie(response: &mut Response, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}
