//! Every GitHub error case of `oauth-providers.md`, with its exact status and body.

use authprobe::mock::{
    DEFAULT_GITHUB_CLIENT_ID, DEFAULT_GITHUB_CLIENT_SECRET, GithubStandIn, Scenario,
};
use serde_json::{Value, json};

use crate::support::{Browser, github, github_authorize_url, github_config, read};

const DOCS: &str = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/";

async fn token(
    github: &GithubStandIn,
    accept: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let mut request = Browser::new()
        .client()
        .post(&github.urls().token_url)
        .form(form);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    read(request.send().await.expect("answers")).await
}

fn with_credentials(code: &str) -> Vec<(&str, &str)> {
    vec![
        ("client_id", DEFAULT_GITHUB_CLIENT_ID),
        ("client_secret", DEFAULT_GITHUB_CLIENT_SECRET),
        ("code", code),
    ]
}

fn error_json(error: &str, description: &str, anchor: &str) -> Value {
    json!({ "error": error, "error_description": description, "error_uri": format!("{DOCS}#{anchor}") })
}

#[tokio::test]
async fn a_bad_code_is_bad_verification_code_with_http_200_in_json() {
    let github = github(github_config(None)).await;
    let (status, content_type, body) =
        token(&github, Some("application/json"), &with_credentials("0000")).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/json; charset=utf-8");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        error_json(
            "bad_verification_code",
            "The code passed is incorrect or expired.",
            "bad-verification-code"
        )
    );
}

#[tokio::test]
async fn without_accept_the_error_is_form_encoded() {
    let github = github(github_config(None)).await;
    let (status, content_type, body) = token(&github, None, &with_credentials("0000")).await;
    assert_eq!(status, 200);
    assert_eq!(
        content_type,
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    assert_eq!(
        body,
        "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.\
         &error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23bad-verification-code"
    );
}

#[tokio::test]
async fn with_accept_xml_the_error_is_xml() {
    let github = github(github_config(None)).await;
    let (status, content_type, body) =
        token(&github, Some("application/xml"), &with_credentials("0000")).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/xml; charset=utf-8");
    assert_eq!(
        body,
        format!(
            "<OAuth><error>bad_verification_code</error><error_description>The code passed is incorrect or expired.\
             </error_description><error_uri>{DOCS}#bad-verification-code</error_uri></OAuth>"
        )
    );
}

#[tokio::test]
async fn wrong_credentials_are_incorrect_client_credentials() {
    let github = github(github_config(None)).await;
    let form = [
        ("client_id", DEFAULT_GITHUB_CLIENT_ID),
        ("client_secret", "wrong"),
        ("code", "0000"),
    ];
    let (status, _, body) = token(&github, Some("application/json"), &form).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        error_json(
            "incorrect_client_credentials",
            "The client_id and/or client_secret passed are incorrect.",
            "incorrect-client-credentials"
        )
    );
}

#[tokio::test]
async fn a_redirect_uri_other_than_the_authorization_requests_is_redirect_uri_mismatch() {
    let github = github(github_config(None)).await;
    let url = github_authorize_url(
        &github,
        &[("redirect_uri", "http://127.0.0.1:8000/auth/github/callback")],
    );
    let code = Browser::new().code(&url).await;
    let mut form = with_credentials(&code);
    form.push((
        "redirect_uri",
        "http://127.0.0.1:8000/auth/github/callback/deeper",
    ));
    let (status, _, body) = token(&github, Some("application/json"), &form).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        error_json(
            "redirect_uri_mismatch",
            "The redirect_uri MUST match the registered callback URL for this application.",
            "redirect-uri-mismatch"
        )
    );
}

#[tokio::test]
async fn the_unverified_email_scenario_is_unverified_user_email() {
    let github = github(github_config(Some(Scenario::UnverifiedEmail))).await;
    let code = Browser::new()
        .code(&github_authorize_url(&github, &[]))
        .await;
    let (status, _, body) =
        token(&github, Some("application/json"), &with_credentials(&code)).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        error_json(
            "unverified_user_email",
            "The user must have a verified primary email.",
            "unverified-user-email"
        )
    );
}

#[tokio::test]
async fn a_json_body_and_basic_credentials_both_authenticate() {
    let github = github(github_config(None)).await;
    let code = Browser::new()
        .code(&github_authorize_url(&github, &[]))
        .await;
    let response = Browser::new()
        .client()
        .post(&github.urls().token_url)
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(
            json!({
                "client_id": DEFAULT_GITHUB_CLIENT_ID,
                "client_secret": DEFAULT_GITHUB_CLIENT_SECRET,
                "code": code,
            })
            .to_string(),
        )
        .send()
        .await
        .expect("answers");
    let body: Value =
        serde_json::from_str::<Value>(&response.text().await.expect("body")).expect("json");
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("gho_")),
        "{body}"
    );
    assert_eq!(body["scope"], "user:email");
    assert_eq!(body["token_type"], "bearer");

    let code = Browser::new()
        .code(&github_authorize_url(&github, &[]))
        .await;
    let (status, content_type, body) = read(
        Browser::new()
            .client()
            .post(&github.urls().token_url)
            .basic_auth(DEFAULT_GITHUB_CLIENT_ID, Some(DEFAULT_GITHUB_CLIENT_SECRET))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        content_type,
        "application/x-www-form-urlencoded; charset=utf-8"
    );
    assert!(
        body.starts_with("access_token=gho_")
            && body.ends_with("&scope=user%3Aemail&token_type=bearer"),
        "{body}"
    );
}

async fn api(
    github: &GithubStandIn,
    user_agent: Option<&str>,
    authorization: Option<&str>,
) -> (u16, String, String) {
    // reqwest sends no User-Agent unless told to, which is what GitHub refuses.
    let client = reqwest::Client::new();
    let mut request = client.get(&github.urls().user_url);
    if let Some(agent) = user_agent {
        request = request.header("user-agent", agent);
    }
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    read(request.send().await.expect("answers")).await
}

#[tokio::test]
async fn the_api_without_a_user_agent_is_403_forbidden_by_administrative_rules() {
    let github = github(github_config(None)).await;
    let (status, content_type, body) = api(&github, None, Some("Bearer gho_x")).await;
    assert_eq!(status, 403);
    assert_eq!(content_type, "text/plain; charset=utf-8");
    assert_eq!(
        body,
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header \
         (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). \
         Check https://developer.github.com for other possible causes.\n"
    );
}

#[tokio::test]
async fn the_api_with_a_bad_token_is_401_bad_credentials() {
    let github = github(github_config(None)).await;
    let (status, _, body) = api(&github, Some("tests"), Some("token gho_nope")).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
    );
}

#[tokio::test]
async fn the_api_without_a_token_is_401_requires_authentication() {
    let github = github(github_config(None)).await;
    let (status, _, body) = api(&github, Some("tests"), None).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        json!({
            "message": "Requires authentication",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
            "status": "401"
        })
    );
}

#[tokio::test]
async fn an_unknown_client_at_authorization_gets_a_404_page_and_no_redirect() {
    let github = github(github_config(None)).await;
    let url = format!("{}?client_id=nobody&state=s", github.urls().authorize_url);
    let response = Browser::new()
        .client()
        .get(&url)
        .send()
        .await
        .expect("answers");
    assert!(response.headers().get("location").is_none());
    let (status, content_type, _) = read(response).await;
    assert_eq!(status, 404);
    assert_eq!(content_type, "text/html; charset=utf-8");
}

#[tokio::test]
async fn a_redirect_uri_outside_the_callback_goes_back_to_the_callback_with_redirect_uri_mismatch()
{
    let github = github(github_config(None)).await;
    let url = github_authorize_url(&github, &[("redirect_uri", "http://evil.example/callback")]);
    let location = Browser::new().authorize(&url).await;
    assert!(
        location
            .as_str()
            .starts_with("http://127.0.0.1:8000/auth/github/callback?error=redirect_uri_mismatch")
    );
    assert_eq!(
        crate::support::query(&location, "state").as_deref(),
        Some("st4te")
    );
    assert_eq!(crate::support::query(&location, "code"), None);
}
