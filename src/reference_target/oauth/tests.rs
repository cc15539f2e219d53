//! The OAuth routes end to end against a minimal in-test provider (token, JWKS and GitHub API
//! endpoints with fixed answers), one test per secure behaviour and per flaw. The full Google and
//! GitHub stand-ins live in `crate::mock`; these tests only need a provider that answers.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use url::Url;

use crate::reference_target::keys::demo_rsa;
use crate::reference_target::state::unix_now;
use crate::reference_target::{
    Flaw, GithubClient, GoogleClient, RunningTarget, TargetConfig, start,
};

const ISSUER: &str = "https://accounts.fake.example";
const CLIENT_ID: &str = "reference-target-client";

/// What the fake provider saw and what it answers.
#[derive(Debug, Default)]
struct Provider {
    /// Every token request, as form fields.
    token_requests: Vec<Vec<(String, String)>>,
    /// Claims of the ID token to issue; `nonce: "from-request"` is replaced by the login's nonce.
    id_claims: Value,
    /// The nonce the authorization request carried, set by the test.
    nonce: String,
    /// The PKCE challenge the authorization request carried, set by the test.
    challenge: Option<String>,
    emails: Value,
}

type Shared = Arc<Mutex<Provider>>;

async fn google_token(State(provider): State<Shared>, body: String) -> axum::response::Response {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let mut provider = provider.lock().expect("not poisoned");
    let verifier = fields
        .iter()
        .find(|(name, _)| name == "code_verifier")
        .map(|(_, value)| value.clone());
    provider.token_requests.push(fields);
    let verified = match (&provider.challenge, verifier) {
        (Some(challenge), Some(verifier)) => {
            *challenge == URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        }
        (None, None) => true,
        _ => false,
    };
    if !verified {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let mut claims = provider.id_claims.clone();
    if claims["nonce"] == "from-request" {
        claims["nonce"] = json!(provider.nonce);
    }
    let (key, kid, _) = demo_rsa();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid);
    let id_token = jsonwebtoken::encode(&header, &claims, &key).expect("signs");
    axum::Json(json!({"access_token": "ya29.fake", "token_type": "Bearer", "expires_in": 3599, "id_token": id_token}))
        .into_response()
}

async fn github_token(State(provider): State<Shared>, body: String) -> axum::Json<Value> {
    let fields = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    provider
        .lock()
        .expect("not poisoned")
        .token_requests
        .push(fields);
    axum::Json(
        json!({"access_token": "gho_fake", "token_type": "bearer", "scope": "read:user,user:email"}),
    )
}

async fn github_user(headers: HeaderMap) -> axum::response::Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer gho_fake") {
        return axum::http::StatusCode::UNAUTHORIZED.into_response();
    }
    axum::Json(json!({"login": "octocat", "id": 1, "name": "The Octocat", "email": null}))
        .into_response()
}

async fn github_emails(State(provider): State<Shared>) -> axum::Json<Value> {
    axum::Json(provider.lock().expect("not poisoned").emails.clone())
}

struct Fixture {
    target: RunningTarget,
    provider: Shared,
    client: reqwest::Client,
    _provider_server: RunningProvider,
}

struct RunningProvider(tokio::task::JoinHandle<()>);

impl Drop for RunningProvider {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn good_claims() -> Value {
    let now = unix_now();
    json!({
        "iss": ISSUER, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": "1001",
        "email": "alice@example.com", "email_verified": true, "name": "Alice",
        "iat": now, "exp": now + 3600, "nonce": "from-request",
    })
}

async fn fixture(flaws: &[Flaw]) -> Fixture {
    let provider: Shared = Arc::new(Mutex::new(Provider {
        id_claims: good_claims(),
        emails: json!([{"email": "octocat@example.com", "primary": true, "verified": true, "visibility": "public"}]),
        ..Provider::default()
    }));
    let jwks = serde_json::to_value(demo_rsa().2).expect("a JWKS");
    let app = Router::new()
        .route("/google/token", post(google_token))
        .route("/google/jwks", get(move || async move { axum::Json(jwks) }))
        .route("/github/access_token", post(github_token))
        .route("/api/user", get(github_user))
        .route("/api/user/emails", get(github_emails))
        .with_state(provider.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let base =
        Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("url");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let at = |path: &str| base.join(path).expect("url");
    let config = TargetConfig {
        flaws: flaws.iter().copied().collect(),
        google: Some(GoogleClient {
            authorize_url: at("google/authorize"),
            token_url: at("google/token"),
            jwks_url: at("google/jwks"),
            issuer: ISSUER.to_owned(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: "google-secret".to_owned(),
        }),
        github: Some(GithubClient {
            authorize_url: at("github/authorize"),
            token_url: at("github/access_token"),
            api_base_url: at("api/"),
            client_id: CLIENT_ID.to_owned(),
            client_secret: "github-secret".to_owned(),
        }),
        ..TargetConfig::default()
    };
    let target = start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("starts");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Fixture {
        target,
        provider,
        client,
        _provider_server: RunningProvider(server),
    }
}

/// A login as the browser sees it: the authorization URL and the flow cookie.
struct Started {
    authorize: Url,
    flow_cookie: String,
}

impl Started {
    fn param(&self, name: &str) -> Option<String> {
        self.authorize
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The callback URL the provider would send the browser to.
    fn callback(&self, extra: &[(&str, &str)]) -> Url {
        let mut url =
            Url::parse(&self.param("redirect_uri").expect("a redirect_uri")).expect("a URL");
        url.query_pairs_mut().extend_pairs(extra);
        url
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

fn sets_a_session(response: &reqwest::Response) -> bool {
    set_cookies(response)
        .iter()
        .any(|cookie| cookie.starts_with("session=") && !cookie.starts_with("session=;"))
}

impl Fixture {
    fn url(&self, path: &str) -> Url {
        self.target.url().join(path).expect("url")
    }

    async fn start_login(&self, provider: &str, next: Option<&str>) -> reqwest::Response {
        let mut url = self.url(&format!("auth/{provider}/login"));
        if let Some(next) = next {
            url.query_pairs_mut().append_pair("next", next);
        }
        self.client.get(url).send().await.expect("sends")
    }

    async fn login(&self, provider: &str) -> Started {
        self.login_to(provider, None).await
    }

    /// Starts a login that asks to land on `next`, and tells the provider its nonce and challenge.
    async fn login_to(&self, provider: &str, next: Option<&str>) -> Started {
        let response = self.start_login(provider, next).await;
        assert_eq!(response.status(), 302);
        let started = Started {
            authorize: Url::parse(response.headers()["location"].to_str().expect("text"))
                .expect("a URL"),
            flow_cookie: set_cookies(&response)
                .into_iter()
                .find(|cookie| cookie.starts_with("oauth_flow="))
                .and_then(|cookie| cookie.split(';').next().map(str::to_owned))
                .expect("a flow cookie"),
        };
        let mut provider = self.provider.lock().expect("not poisoned");
        provider.nonce = started.param("nonce").unwrap_or_default();
        provider.challenge = started.param("code_challenge");
        started
    }

    async fn callback(&self, started: &Started, url: Url) -> reqwest::Response {
        self.client
            .get(url)
            .header("cookie", &started.flow_cookie)
            .send()
            .await
            .expect("sends")
    }

    /// Logs in and comes back with the provider's `code` and the login's own `state`.
    async fn complete(&self, provider: &str) -> reqwest::Response {
        let started = self.login(provider).await;
        let state = started.param("state").expect("a state");
        let url = started.callback(&[("code", "code-1"), ("state", &state)]);
        self.callback(&started, url).await
    }

    fn token_calls(&self) -> usize {
        self.provider
            .lock()
            .expect("not poisoned")
            .token_requests
            .len()
    }

    fn set_claim(&self, name: &str, value: Value) {
        self.provider.lock().expect("not poisoned").id_claims[name] = value;
    }
}

#[tokio::test]
async fn google_login_sends_state_nonce_pkce_and_the_exact_redirect_uri() {
    let fixture = fixture(&[]).await;
    let started = fixture.login("google").await;
    assert_eq!(started.param("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(started.param("response_type").as_deref(), Some("code"));
    assert_eq!(
        started.param("redirect_uri"),
        Some(fixture.url("auth/google/callback").to_string())
    );
    assert_eq!(
        started.param("code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(
        started
            .param("code_challenge")
            .is_some_and(|c| c.len() == 43)
    );
    assert!(started.param("state").is_some_and(|s| s.len() >= 22));
    assert!(started.param("nonce").is_some_and(|n| n.len() >= 22));
    assert!(started.flow_cookie.starts_with("oauth_flow="));
    let again = fixture.login("google").await;
    assert_ne!(again.param("state"), started.param("state"));
}

#[tokio::test]
async fn a_google_login_ends_with_a_session_and_a_303_to_next() {
    let fixture = fixture(&[]).await;
    let response = fixture.complete("google").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/me");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert!(sets_a_session(&response));
    let requests = fixture
        .provider
        .lock()
        .expect("not poisoned")
        .token_requests
        .clone();
    let field = |name: &str| {
        requests[0]
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field("grant_type").as_deref(), Some("authorization_code"));
    assert_eq!(
        field("redirect_uri"),
        Some(fixture.url("auth/google/callback").to_string())
    );

    let session = set_cookies(&response)
        .into_iter()
        .find(|cookie| cookie.starts_with("session="))
        .and_then(|cookie| cookie.split(';').next().map(str::to_owned))
        .expect("a session cookie");
    let me = fixture
        .client
        .get(fixture.url("me"))
        .header("cookie", session)
        .send()
        .await
        .expect("sends");
    let profile: Value = serde_json::from_slice(&me.bytes().await.expect("body")).expect("json");
    assert_eq!(profile["username"], "google:1001");
    assert_eq!(profile["provider"], "google");
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_before_any_token_call() {
    let fixture = fixture(&[]).await;
    let started = fixture.login("google").await;
    let response = fixture
        .callback(
            &started,
            started.callback(&[("code", "code-1"), ("state", "not-the-state")]),
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(!sets_a_session(&response));
    assert_eq!(fixture.token_calls(), 0);
}

#[tokio::test]
async fn skip_state_check_lets_a_forged_callback_sign_in() {
    let fixture = fixture(&[Flaw::SkipStateCheck]).await;
    let started = fixture.login("google").await;
    let response = fixture
        .callback(&started, started.callback(&[("code", "code-1")]))
        .await;
    assert_eq!(response.status(), 303);
    assert!(sets_a_session(&response));
}

#[tokio::test]
async fn a_callback_without_the_browser_that_started_it_or_replayed_is_refused() {
    let fixture = fixture(&[]).await;
    let started = fixture.login("google").await;
    let state = started.param("state").expect("a state");
    let url = started.callback(&[("code", "code-1"), ("state", &state)]);
    let stranger = fixture.client.get(url.clone()).send().await.expect("sends");
    assert_eq!(stranger.status(), 400);
    assert_eq!(fixture.callback(&started, url.clone()).await.status(), 303);
    let replay = fixture.callback(&started, url).await;
    assert_eq!(replay.status(), 400);
    assert!(!sets_a_session(&replay));
}

#[tokio::test]
async fn a_provider_error_is_a_400_without_a_token_call() {
    let fixture = fixture(&[]).await;
    let started = fixture.login("google").await;
    let state = started.param("state").expect("a state");
    let response = fixture
        .callback(
            &started,
            started.callback(&[("error", "access_denied"), ("state", &state)]),
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(!sets_a_session(&response));
    assert_eq!(fixture.token_calls(), 0);
}

#[tokio::test]
async fn an_id_token_for_another_client_is_refused_unless_aud_is_ignored() {
    for (flaws, expected) in [(vec![], 400), (vec![Flaw::AcceptWrongAud], 303)] {
        let fixture = fixture(&flaws).await;
        fixture.set_claim("aud", json!("someone-else"));
        fixture.set_claim("azp", json!("someone-else"));
        let response = fixture.complete("google").await;
        assert_eq!(response.status(), expected, "flaws {flaws:?}");
        assert_eq!(sets_a_session(&response), expected == 303);
    }
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused_unless_nonces_are_skipped() {
    for (flaws, expected) in [(vec![], 400), (vec![Flaw::SkipNonceCheck], 303)] {
        let fixture = fixture(&flaws).await;
        fixture.set_claim("nonce", json!("a-nonce-from-another-login"));
        let response = fixture.complete("google").await;
        assert_eq!(response.status(), expected, "flaws {flaws:?}");
    }
}

#[tokio::test]
async fn expired_or_foreign_issuer_id_tokens_and_unverified_emails_get_no_session() {
    for (claim, value, status) in [
        ("exp", json!(unix_now() - 3600), 400),
        ("iss", json!("https://evil.example"), 400),
        ("email_verified", json!(false), 403),
    ] {
        let fixture = fixture(&[]).await;
        fixture.set_claim(claim, value);
        let response = fixture.complete("google").await;
        assert_eq!(response.status(), status, "{claim}");
        assert!(!sets_a_session(&response), "{claim}");
    }
}

#[tokio::test]
async fn no_pkce_drops_the_challenge_and_the_verifier() {
    let fixture = fixture(&[Flaw::NoPkce]).await;
    let started = fixture.login("github").await;
    assert_eq!(started.param("code_challenge"), None);
    let state = started.param("state").expect("a state");
    let response = fixture
        .callback(
            &started,
            started.callback(&[("code", "code-1"), ("state", &state)]),
        )
        .await;
    assert_eq!(response.status(), 303);
    let requests = fixture
        .provider
        .lock()
        .expect("not poisoned")
        .token_requests
        .clone();
    assert!(!requests[0].iter().any(|(name, _)| name == "code_verifier"));
}

#[tokio::test]
async fn next_must_stay_on_the_site_unless_open_redirects_are_allowed() {
    let secure = fixture(&[]).await;
    for next in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        assert_eq!(
            secure.start_login("github", Some(next)).await.status(),
            400,
            "{next}"
        );
    }
    assert_eq!(
        secure.start_login("github", Some("/me")).await.status(),
        302
    );

    let open = fixture(&[Flaw::OpenRedirectAfterLogin]).await;
    let started = open.login_to("github", Some("https://evil.example/")).await;
    let state = started.param("state").expect("a state");
    let done = open
        .callback(
            &started,
            started.callback(&[("code", "code-1"), ("state", &state)]),
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "https://evil.example/");
}

#[tokio::test]
async fn a_github_login_takes_the_identity_from_user_and_the_primary_verified_email() {
    let fixture = fixture(&[]).await;
    let started = fixture.login("github").await;
    assert_eq!(started.param("nonce"), None);
    assert_eq!(
        started.param("code_challenge_method").as_deref(),
        Some("S256")
    );
    let state = started.param("state").expect("a state");
    let response = fixture
        .callback(
            &started,
            started.callback(&[("code", "code-1"), ("state", &state)]),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(sets_a_session(&response));

    fixture.provider.lock().expect("not poisoned").emails =
        json!([{"email": "octocat@example.com", "primary": true, "verified": false}]);
    let unverified = fixture.complete("github").await;
    assert_eq!(unverified.status(), 403);
    assert!(!sets_a_session(&unverified));
}

#[tokio::test]
async fn an_unconfigured_provider_is_404() {
    let target = start(
        TargetConfig::default(),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("starts");
    let response = reqwest::Client::new()
        .get(target.url().join("auth/google/login").expect("url"))
        .send()
        .await
        .expect("sends");
    assert_eq!(response.status(), 404);
}
