//! A minimal "Sign in with Google" app for the runner tests: state, nonce and PKCE (unless told to
//! skip PKCE), a Basic-authenticated code exchange, a nonce check, then userinfo. It is configured
//! once with the stand-in's URLs, as a staging server would be.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use authprobe::mock::{
    DEFAULT_GOOGLE_CLIENT_ID, DEFAULT_GOOGLE_CLIENT_SECRET, GoogleUrls, pkce_s256_challenge,
};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

pub struct TestTarget {
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestTarget {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct App {
    google: GoogleUrls,
    redirect_uri: String,
    pkce: bool,
    http: reqwest::Client,
    pending: Mutex<HashMap<String, Pending>>,
}

struct Pending {
    verifier: String,
    nonce: String,
}

impl TestTarget {
    pub async fn start(google: GoogleUrls) -> Self {
        Self::serve(google, true).await
    }

    /// A flawed app that sends no code challenge and no verifier.
    pub async fn start_without_pkce(google: GoogleUrls) -> Self {
        Self::serve(google, false).await
    }

    async fn serve(google: GoogleUrls, pkce: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        let app = Arc::new(App {
            google,
            redirect_uri: format!("http://{addr}/auth/google/callback"),
            pkce,
            http: reqwest::Client::new(),
            pending: Mutex::new(HashMap::new()),
        });
        let router = axum::Router::new()
            .route("/auth/google/login", get(login))
            .route("/auth/google/callback", get(callback))
            .with_state(app);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestTarget { addr, server }
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).expect("url")
    }
}

async fn login(State(app): State<Arc<App>>) -> Response {
    let state = uuid::Uuid::new_v4().simple().to_string();
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut url = url::Url::parse(&app.google.authorize_url).expect("authorize url");
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", DEFAULT_GOOGLE_CLIENT_ID)
            .append_pair("redirect_uri", &app.redirect_uri)
            .append_pair("scope", "openid email profile")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce);
        if app.pkce {
            query
                .append_pair("code_challenge", &pkce_s256_challenge(&verifier))
                .append_pair("code_challenge_method", "S256");
        }
    }
    app.pending
        .lock()
        .expect("lock")
        .insert(state, Pending { verifier, nonce });
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn refuse(reason: &str) -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({ "error": reason }))).into_response()
}

async fn callback(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(error) = query.get("error") {
        return refuse(error);
    }
    let pending = query
        .get("state")
        .and_then(|state| app.pending.lock().expect("lock").remove(state));
    let (Some(pending), Some(code)) = (pending, query.get("code")) else {
        return refuse("unknown state");
    };
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.clone()),
        ("redirect_uri", app.redirect_uri.clone()),
    ];
    if app.pkce {
        form.push(("code_verifier", pending.verifier.clone()));
    }
    let Ok(response) = app
        .http
        .post(&app.google.token_url)
        .basic_auth(DEFAULT_GOOGLE_CLIENT_ID, Some(DEFAULT_GOOGLE_CLIENT_SECRET))
        .form(&form)
        .send()
        .await
    else {
        return refuse("token endpoint unreachable");
    };
    let Ok(tokens) = serde_json::from_str::<Value>(&response.text().await.unwrap_or_default())
    else {
        return refuse("token response is not JSON");
    };
    let Some(claims) = tokens["id_token"]
        .as_str()
        .and_then(|token| authprobe::jwt::decode(token).ok())
    else {
        return refuse("no ID token");
    };
    if claims.claims["nonce"] != pending.nonce.as_str() {
        return refuse("nonce mismatch");
    }
    let access_token = tokens["access_token"].as_str().unwrap_or_default();
    let Ok(userinfo) = app
        .http
        .get(&app.google.userinfo_url)
        .bearer_auth(access_token)
        .send()
        .await
    else {
        return refuse("userinfo unreachable");
    };
    let userinfo: Value =
        serde_json::from_str(&userinfo.text().await.unwrap_or_default()).unwrap_or_default();
    Json(json!({ "email": userinfo["email"] })).into_response()
}
