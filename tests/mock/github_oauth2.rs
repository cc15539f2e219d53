//! A real OAuth 2 client (oauth2-rs) against the GitHub stand-in, then the REST calls an app makes
//! with the token.

use authprobe::mock::{
    ClientAuth, DEFAULT_GITHUB_CLIENT_ID, DEFAULT_GITHUB_CLIENT_SECRET, DEFAULT_TENANT,
    GithubEmail, GithubStandIn, PkceOutcome, Scenario,
};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, RedirectUrl, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde_json::Value;

use crate::support::{Browser, GITHUB_REDIRECT, calls_to, github, github_config, query};

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn client(github: &GithubStandIn, auth_type: AuthType) -> Client {
    BasicClient::new(ClientId::new(DEFAULT_GITHUB_CLIENT_ID.to_owned()))
        .set_client_secret(ClientSecret::new(DEFAULT_GITHUB_CLIENT_SECRET.to_owned()))
        .set_auth_uri(AuthUrl::new(github.urls().authorize_url.clone()).expect("auth url"))
        .set_token_uri(TokenUrl::new(github.urls().token_url.clone()).expect("token url"))
        .set_redirect_uri(RedirectUrl::new(GITHUB_REDIRECT.to_owned()).expect("redirect url"))
        .set_auth_type(auth_type)
}

fn http_client() -> oauth2::reqwest::Client {
    oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// Authorization (with PKCE) and code exchange; returns the access token.
async fn login(github: &GithubStandIn, auth_type: AuthType, scopes: &[&str]) -> String {
    let client = client(github, auth_type);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|scope| Scope::new((*scope).to_owned())))
        .set_pkce_challenge(challenge)
        .url();
    let location = Browser::new().authorize(url.as_str()).await;
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query(&location, "code").expect("a code");
    assert_eq!(code.len(), 20);
    assert!(code.chars().all(|c| c.is_ascii_hexdigit()));
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http_client())
        .await
        .expect("the code exchange succeeds");
    token.access_token().secret().clone()
}

async fn api_get(url: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .header("user-agent", "authprobe-tests")
        .header("accept", "application/vnd.github+json")
        .bearer_auth(token)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str::<Value>(&response.text().await.expect("body")).expect("json"),
    )
}

#[tokio::test]
async fn a_full_login_reads_the_user_with_a_null_email_and_the_private_address_from_emails() {
    // Arrange
    let github = github(github_config(None)).await;

    // Act
    let token = login(&github, AuthType::BasicAuth, &["user:email"]).await;
    let (user_status, user) = api_get(&github.urls().user_url, &token).await;
    let (emails_status, emails) = api_get(&github.urls().emails_url, &token).await;

    // Assert
    assert!(token.starts_with("gho_") && token.len() == 40, "{token}");
    assert_eq!(user_status, 200);
    assert_eq!(user["login"], "alice");
    assert_eq!(user["id"], 1_001_001);
    assert_eq!(
        user["email"],
        Value::Null,
        "a private address is not on /user"
    );
    assert_eq!(emails_status, 200);
    assert_eq!(emails[0]["email"], "alice@example.com");
    assert_eq!(emails[0]["primary"], true);
    assert_eq!(emails[0]["verified"], true);
    assert_eq!(emails[0]["visibility"], "private");

    let calls = github.calls(DEFAULT_TENANT);
    let token_call = calls_to(&calls, "github.token")[0];
    assert_eq!(token_call.findings.client_auth, Some(ClientAuth::Basic));
    assert_eq!(token_call.findings.pkce, Some(PkceOutcome::Verified));
    assert_eq!(token_call.findings.same_redirect_uri, Some(true));
}

#[tokio::test]
async fn credentials_in_the_form_body_work() {
    let github = github(github_config(None)).await;
    login(&github, AuthType::RequestBody, &["read:user"]).await;
    let calls = github.calls(DEFAULT_TENANT);
    assert_eq!(
        calls_to(&calls, "github.token")[0].findings.client_auth,
        Some(ClientAuth::Post)
    );
}

#[tokio::test]
async fn a_public_address_and_other_addresses_are_shown() {
    let mut config = github_config(None);
    config.users[0].email_public = true;
    config.users[0].other_emails.push(GithubEmail {
        email: "1001001+alice@users.noreply.github.com".to_owned(),
        verified: true,
        visibility: None,
    });
    let github = github(config).await;
    let token = login(&github, AuthType::BasicAuth, &["user"]).await;
    let (_, user) = api_get(&github.urls().user_url, &token).await;
    let (_, emails) = api_get(&github.urls().emails_url, &token).await;
    assert_eq!(user["email"], "alice@example.com");
    assert_eq!(emails[1]["visibility"], Value::Null);
    assert_eq!(emails[1]["primary"], false);
}

#[tokio::test]
async fn without_the_user_email_scope_the_address_list_is_refused() {
    let github = github(github_config(None)).await;
    let token = login(&github, AuthType::BasicAuth, &["read:user"]).await;
    let (status, body) = api_get(&github.urls().emails_url, &token).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "Not Found");
}

#[tokio::test]
async fn a_refused_code_is_a_200_error_that_oauth2_rs_cannot_parse_as_a_token() {
    let github = github(github_config(Some(Scenario::InvalidGrant))).await;
    let client = client(&github, AuthType::BasicAuth);
    let (url, _) = client.authorize_url(CsrfToken::new_random).url();
    let code = Browser::new().code(url.as_str()).await;

    let error = client
        .exchange_code(AuthorizationCode::new(code))
        .request_async(&http_client())
        .await
        .expect_err("GitHub refuses the code");

    match error {
        RequestTokenError::Parse(_, body) => {
            let body: Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(body["error"], "bad_verification_code");
        }
        other => panic!("expected a parse failure of the 200 error body, got {other:?}"),
    }
}

#[tokio::test]
async fn a_denied_consent_redirects_with_githubs_error_fields() {
    let github = github(github_config(Some(Scenario::DenyConsent))).await;
    let client = client(&github, AuthType::BasicAuth);
    let (url, csrf) = client.authorize_url(CsrfToken::new_random).url();

    let location = Browser::new().authorize(url.as_str()).await;

    assert_eq!(query(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        query(&location, "error_description").as_deref(),
        Some("The user has denied your application access.")
    );
    assert!(query(&location, "error_uri").is_some());
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    assert_eq!(query(&location, "code"), None);
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_the_token_it_gave() {
    let github = github(github_config(None)).await;
    let client = client(&github, AuthType::BasicAuth);
    let (url, _) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("user:email".to_owned()))
        .url();
    let code = Browser::new().code(url.as_str()).await;
    let first = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .request_async(&http_client())
        .await
        .expect("first use");

    let replay = client
        .exchange_code(AuthorizationCode::new(code))
        .request_async(&http_client())
        .await;

    assert!(replay.is_err(), "a code is single-use");
    let (status, body) = api_get(&github.urls().user_url, first.access_token().secret()).await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "Bad credentials");
}
