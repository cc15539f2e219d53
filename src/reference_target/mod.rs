//! The reference target: an axum server that implements the article's authentication flows the
//! secure way, so that `authprobe run` has something to test out of the box, and that can be
//! switched into named [`Flaw`]s, so that the bundled suites can prove they notice each one.
//!
//! Routes:
//! - sessions: `POST /login` (JSON or form), `GET /me`, `POST /logout` (`session.rs`);
//! - JWT: `POST /token` (password grant), `GET /users/me`, `GET /.well-known/jwks.json`
//!   (`tokens.rs`);
//! - refresh: `POST /refresh` (`refresh.rs`);
//! - API key: `GET /protected-route`, and `GET /export` with the key in the query (`api_key.rs`);
//! - Google and GitHub login: `/auth/{google,github}/{login,callback}` (`oauth/`), when
//!   [`TargetConfig`] names the providers; the callbacks need `public_url`, which [`start`] sets.
//!
//! [`app`] builds the router (for tests that want no socket); [`start`] serves it on an address and
//! hands back a [`RunningTarget`].

mod api_key;
mod banner;
mod config;
pub mod demo;
mod flaw;
mod header_keys;
mod input;
mod keys;
mod oauth;
mod refresh;
mod reply;
mod server;
mod session;
mod state;
mod tokens;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;

pub use banner::banner;
pub use config::{GithubClient, GoogleClient, JwtAlgorithm, TargetConfig};
pub use flaw::{Flaw, FlawSet, Flow};
pub use server::{RunningTarget, StartError, start};
pub use session::SESSION_COOKIE;

/// The target's routes, with `config`'s flaws.
pub fn app(config: TargetConfig) -> Router {
    let state = Arc::new(state::AppState::new(config));
    Router::new()
        .merge(session::routes())
        .merge(tokens::routes())
        .merge(refresh::routes())
        .merge(api_key::routes())
        .merge(oauth::routes())
        .layer(axum::middleware::map_response(reply::no_store))
        .with_state(state)
}

/// Starts the target on a free loopback port, as `authprobe run` does without `--target`.
pub async fn start_local(config: TargetConfig) -> Result<RunningTarget, StartError> {
    start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// The routes, one line each, as the demo banner lists them.
pub const ROUTES: &[(&str, &str)] = &[
    (
        "POST /login",
        "log in with JSON or a form; sets the `session` cookie",
    ),
    ("GET  /me", "the session's user"),
    ("POST /logout", "ends the session on the server"),
    (
        "POST /token",
        "password grant (form): access and refresh tokens",
    ),
    ("GET  /users/me", "the bearer token's user"),
    (
        "POST /refresh",
        "rotates a refresh token (JSON or form `refresh_token`)",
    ),
    (
        "GET  /.well-known/jwks.json",
        "the demo RSA public key (also with HS256)",
    ),
    ("GET  /protected-route", "needs the `X-API-Key` header"),
    ("GET  /export", "needs the API key in the `api_key` query"),
    (
        "GET  /auth/google/login",
        "Sign in with Google (when configured); `?next=/path`",
    ),
    (
        "GET  /auth/github/login",
        "Sign in with GitHub (when configured); `?next=/path`",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    async fn serve(config: TargetConfig) -> (RunningTarget, reqwest::Client) {
        let target = start(config, "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("starts");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        (target, client)
    }

    async fn password_grant(target: &RunningTarget, client: &reqwest::Client) -> Value {
        let response = client
            .post(target.url().join("token").expect("url"))
            .form(&[
                ("username", demo::ALICE.username),
                ("password", demo::ALICE.password),
            ])
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        json_body(response).await
    }

    async fn json_body<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
        serde_json::from_slice(&response.bytes().await.expect("a body")).expect("json")
    }

    #[tokio::test]
    async fn rs256_tokens_verify_against_the_published_jwks() {
        let config = TargetConfig {
            jwt_algorithm: JwtAlgorithm::Rs256,
            ..TargetConfig::default()
        };
        let (target, client) = serve(config).await;
        let tokens = password_grant(&target, &client).await;
        let access = tokens["access_token"].as_str().expect("a token");

        let jwks: jsonwebtoken::jwk::JwkSet = json_body(
            client
                .get(target.url().join(".well-known/jwks.json").expect("url"))
                .send()
                .await
                .expect("sends"),
        )
        .await;
        let header = jsonwebtoken::decode_header(access).expect("a header");
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        let jwk = jwks
            .find(header.kid.as_deref().expect("a kid"))
            .expect("the kid is published");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[tokens::AUDIENCE]);
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).expect("an RSA key");
        let claims = jsonwebtoken::decode::<Value>(access, &key, &validation)
            .expect("verifies")
            .claims;
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["token_use"], "access");

        let me = client
            .get(target.url().join("users/me").expect("url"))
            .bearer_auth(access)
            .send()
            .await
            .expect("sends");
        assert_eq!(me.status(), 200);
        target.shutdown().await.expect("stops");
    }

    #[tokio::test]
    async fn an_https_public_url_makes_the_session_cookie_secure() {
        let config = TargetConfig {
            public_url: Some("https://auth.example/".parse().expect("url")),
            ..TargetConfig::default()
        };
        let (target, client) = serve(config).await;
        let response = client
            .post(target.url().join("login").expect("url"))
            .header("content-type", "application/json")
            .body(
                serde_json::json!({ "username": "alice", "password": demo::ALICE.password })
                    .to_string(),
            )
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), 200);
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("text")
            .to_owned();
        assert!(cookie.starts_with("session="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
        }
        target.shutdown().await.expect("stops");
    }

    #[tokio::test]
    async fn plain_http_session_cookies_are_not_secure() {
        let (target, client) = serve(TargetConfig::default()).await;
        let response = client
            .post(target.url().join("login").expect("url"))
            .form(&[("username", "bob"), ("password", demo::BOB.password)])
            .send()
            .await
            .expect("sends");
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("text")
            .to_owned();
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        target.shutdown().await.expect("stops");
    }

    #[tokio::test]
    async fn an_id_token_is_issued_for_openid_and_opens_users_me_only_with_its_flaw() {
        for (flaws, expected) in [
            (FlawSet::none(), 401),
            ([Flaw::IdTokenAsAccess].into_iter().collect(), 200),
        ] {
            let (target, client) = serve(TargetConfig::with_flaws(flaws)).await;
            let response = client
                .post(target.url().join("token").expect("url"))
                .form(&[
                    ("username", demo::ALICE.username),
                    ("password", demo::ALICE.password),
                    ("scope", "openid profile"),
                ])
                .send()
                .await
                .expect("sends");
            let body: Value = json_body(response).await;
            let id_token = body["id_token"].as_str().expect("an id_token");
            let claims = crate::jwt::decode(id_token).expect("decodes").claims;
            assert_eq!(claims["aud"], tokens::ID_TOKEN_AUDIENCE);
            assert_eq!(claims["token_use"], "id");
            let status = client
                .get(target.url().join("users/me").expect("url"))
                .bearer_auth(id_token)
                .send()
                .await
                .expect("sends")
                .status();
            assert_eq!(status, expected);
            target.shutdown().await.expect("stops");
        }
    }
}
