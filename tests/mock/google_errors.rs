//! Every Google error case of `oauth-providers.md`, with its exact status and body.

use std::sync::Arc;

use authprobe::mock::{
    Client, DEFAULT_GOOGLE_CLIENT_ID, DEFAULT_GOOGLE_CLIENT_SECRET, DEFAULT_TENANT, GoogleStandIn,
    ShiftedClock, StandInOptions, pkce_s256_challenge,
};
use serde_json::{Value, json};

use crate::support::{
    Browser, GOOGLE_REDIRECT, google, google_authorize_url, google_config, google_with, read,
};

/// POSTs a form to the token endpoint, with Basic credentials unless `basic` is `None`.
async fn token(
    google: &GoogleStandIn,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = Browser::new()
        .client()
        .post(&google.urls().token_url)
        .form(form);
    if let Some((user, password)) = basic {
        request = request.basic_auth(user, Some(password));
    }
    let (status, content_type, body) = read(request.send().await.expect("answers")).await;
    assert_eq!(content_type, "application/json; charset=utf-8");
    (status, serde_json::from_str(&body).expect("a JSON body"))
}

const CLIENT: Option<(&str, &str)> = Some((DEFAULT_GOOGLE_CLIENT_ID, DEFAULT_GOOGLE_CLIENT_SECRET));

fn exchange<'a>(code: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", GOOGLE_REDIRECT),
    ];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn an_unknown_code_is_invalid_grant_bad_request() {
    let google = google(google_config(None)).await;
    let (status, body) = token(&google, CLIENT, &exchange("4/0Anope", &[])).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Bad Request"})
    );
}

#[tokio::test]
async fn a_used_code_is_invalid_grant_bad_request() {
    let google = google(google_config(None)).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;
    let (first, _) = token(&google, CLIENT, &exchange(&code, &[])).await;
    assert_eq!(first, 200);
    let (status, body) = token(&google, CLIENT, &exchange(&code, &[])).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Bad Request"})
    );
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant_bad_request() {
    let clock = Arc::new(ShiftedClock::default());
    let options = StandInOptions {
        clock: clock.clone(),
        observer: None,
    };
    let google = google_with(google_config(None), options).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;
    clock.advance(601);
    let (status, body) = token(&google, CLIENT, &exchange(&code, &[])).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Bad Request"})
    );
}

#[tokio::test]
async fn a_code_issued_to_another_client_is_invalid_grant() {
    let mut config = google_config(None);
    config.clients.push(Client {
        id: "other-client".to_owned(),
        secret: "other-secret".to_owned(),
        redirect_uris: vec![GOOGLE_REDIRECT.to_owned()],
    });
    let google = google(config).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;
    let (status, body) = token(
        &google,
        Some(("other-client", "other-secret")),
        &exchange(&code, &[]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Bad Request"})
    );
}

#[tokio::test]
async fn a_pkce_mismatch_is_invalid_code_verifier() {
    let google = google(google_config(None)).await;
    let challenge = pkce_s256_challenge("the-right-verifier-the-right-verifier-0123456");
    let url = google_authorize_url(
        &google,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let code = Browser::new().code(&url).await;
    let (status, body) = token(
        &google,
        CLIENT,
        &exchange(&code, &[("code_verifier", "a-wrong-verifier")]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Invalid code verifier."})
    );
}

#[tokio::test]
async fn a_missing_verifier_is_missing_code_verifier_and_plain_pkce_works() {
    let google = google(google_config(None)).await;
    let url = google_authorize_url(
        &google,
        &[(
            "code_challenge",
            "plain-verifier-plain-verifier-plain-verifier-0",
        )],
    );
    let code = Browser::new().code(&url).await;
    let (status, body) = token(&google, CLIENT, &exchange(&code, &[])).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Missing code verifier."})
    );
    let (status, _) = token(
        &google,
        CLIENT,
        &exchange(
            &code,
            &[(
                "code_verifier",
                "plain-verifier-plain-verifier-plain-verifier-0",
            )],
        ),
    )
    .await;
    assert_eq!(status, 200, "the failed attempt did not use up the code");
}

#[tokio::test]
async fn a_dead_refresh_token_is_expired_or_revoked() {
    let google = google(google_config(None)).await;
    let (status, body) = token(
        &google,
        CLIENT,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "1//0gnope"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_is_expired_or_revoked() {
    let google = google(google_config(None)).await;
    let code = Browser::new()
        .code(&google_authorize_url(
            &google,
            &[("access_type", "offline")],
        ))
        .await;
    let (_, tokens) = token(&google, CLIENT, &exchange(&code, &[])).await;
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    let revoke = Browser::new()
        .client()
        .post(&google.urls().revoke_url)
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .expect("answers");
    assert_eq!(revoke.status().as_u16(), 200);

    let (status, body) = token(
        &google,
        CLIENT,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    );
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client_unauthorized() {
    let google = google(google_config(None)).await;
    let (status, body) = token(
        &google,
        Some((DEFAULT_GOOGLE_CLIENT_ID, "wrong")),
        &exchange("4/0Ax", &[]),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": "invalid_client", "error_description": "Unauthorized"})
    );
}

#[tokio::test]
async fn an_unknown_client_is_invalid_client_not_found() {
    let google = google(google_config(None)).await;
    let (status, body) = token(
        &google,
        Some(("nobody.apps.googleusercontent.com", "x")),
        &exchange("4/0Ax", &[]),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error": "invalid_client", "error_description": "The OAuth client was not found."})
    );
}

#[tokio::test]
async fn a_redirect_uri_other_than_the_authorization_requests_is_redirect_uri_mismatch() {
    let mut config = google_config(None);
    config.clients[0]
        .redirect_uris
        .push("http://127.0.0.1:8000/other".to_owned());
    let google = google(config).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:8000/other"),
    ];
    let (status, body) = token(&google, CLIENT, &form).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "redirect_uri_mismatch", "error_description": "Bad Request"})
    );
    let calls = google.calls(DEFAULT_TENANT);
    let token_call = calls
        .iter()
        .find(|call| call.endpoint.name() == "google.token")
        .expect("recorded");
    assert_eq!(token_call.findings.same_redirect_uri, Some(false));
}

#[tokio::test]
async fn a_missing_parameter_is_invalid_request() {
    let google = google(google_config(None)).await;
    let (status, body) = token(&google, CLIENT, &[("grant_type", "authorization_code")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "Missing required parameter: code"})
    );
    let (status, body) = token(&google, CLIENT, &[("code", "x")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "Missing required parameter: grant_type"})
    );
}

#[tokio::test]
async fn a_missing_secret_is_invalid_request() {
    let google = google(google_config(None)).await;
    let mut form = exchange("4/0Ax", &[]);
    form.push(("client_id", DEFAULT_GOOGLE_CLIENT_ID));
    let (status, body) = token(&google, None, &form).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "client_secret is missing."})
    );
}

#[tokio::test]
async fn an_unsupported_grant_is_unsupported_grant_type() {
    let google = google(google_config(None)).await;
    let (status, body) = token(&google, CLIENT, &[("grant_type", "password")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "unsupported_grant_type", "error_description": "Invalid grant_type: password"})
    );
}

#[tokio::test]
async fn token_responses_forbid_caching() {
    let google = google(google_config(None)).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;
    let response = Browser::new()
        .client()
        .post(&google.urls().token_url)
        .basic_auth(DEFAULT_GOOGLE_CLIENT_ID, Some(DEFAULT_GOOGLE_CLIENT_SECRET))
        .form(&exchange(&code, &[]))
        .send()
        .await
        .expect("answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("cache-control").as_deref(),
        Some("no-cache, no-store, max-age=0, must-revalidate")
    );
    assert_eq!(header("pragma").as_deref(), Some("no-cache"));
    let body: Value =
        serde_json::from_str::<Value>(&response.text().await.expect("body")).expect("json");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(
        body["scope"],
        "https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile openid"
    );
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|token| token.starts_with("ya29."))
    );
}

#[tokio::test]
async fn userinfo_with_a_bad_token_is_401_invalid_credentials() {
    let google = google(google_config(None)).await;
    let response = Browser::new()
        .client()
        .get(&google.urls().userinfo_url)
        .bearer_auth("ya29.nope")
        .send()
        .await
        .expect("answers");
    assert!(response.headers().contains_key("www-authenticate"));
    let (status, _, body) = read(response).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        json!({"error": "invalid_request", "error_description": "Invalid Credentials"})
    );
}

#[tokio::test]
async fn revoking_an_unknown_token_is_400_invalid_token() {
    let google = google(google_config(None)).await;
    let response = Browser::new()
        .client()
        .post(&google.urls().revoke_url)
        .form(&[("token", "ya29.nope")])
        .send()
        .await
        .expect("answers");
    let (status, _, body) = read(response).await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json"),
        json!({"error": "invalid_token", "error_description": "Token expired or revoked"})
    );
}

#[tokio::test]
async fn an_unknown_client_at_authorization_gets_a_400_page_and_no_redirect() {
    let google = google(google_config(None)).await;
    let mut url = url::Url::parse(&google.urls().authorize_url).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", "nobody.apps.googleusercontent.com")
        .append_pair("redirect_uri", GOOGLE_REDIRECT)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid");
    let response = Browser::new()
        .client()
        .get(url.as_str())
        .send()
        .await
        .expect("answers");
    assert!(response.headers().get("location").is_none());
    let (status, content_type, body) = read(response).await;
    assert_eq!(status, 400);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(
        body,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error 401: invalid_client</title></head>\n\
         <body><h1>Access blocked: Authorization Error</h1>\n<p>Error 401: invalid_client</p>\n\
         <p>The OAuth client was not found.</p>\n</body></html>\n"
    );
}

#[tokio::test]
async fn an_unregistered_redirect_uri_gets_a_400_page_and_no_redirect() {
    let google = google(google_config(None)).await;
    let mut url = url::Url::parse(&google.urls().authorize_url).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", DEFAULT_GOOGLE_CLIENT_ID)
        .append_pair(
            "redirect_uri",
            "http://127.0.0.1:8000/auth/google/callback/",
        )
        .append_pair("response_type", "code")
        .append_pair("scope", "openid")
        .append_pair("state", "s");
    let response = Browser::new()
        .client()
        .get(url.as_str())
        .send()
        .await
        .expect("answers");
    assert!(
        response.headers().get("location").is_none(),
        "a trailing slash is another URI"
    );
    let (status, _, body) = read(response).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error 400: redirect_uri_mismatch</title></head>\n\
         <body><h1>Access blocked: This app’s request is invalid</h1>\n<p>Error 400: redirect_uri_mismatch</p>\n\
         <p>You can’t sign in because this app sent an invalid request. If you’re the app developer, register the \
         redirect URI in the Google Cloud Console. Request details: redirect_uri=http://127.0.0.1:8000/auth/google/callback/</p>\n\
         </body></html>\n"
    );
}

#[tokio::test]
async fn a_successful_authorization_redirect_carries_googles_parameters() {
    let mut config = google_config(None);
    config.users[0].hd = Some("example.com".to_owned());
    let google = google(config).await;
    let first = Browser::new()
        .authorize(&google_authorize_url(&google, &[]))
        .await;
    let query: Vec<(String, String)> = first
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let names: Vec<&str> = query.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["state", "code", "scope", "authuser", "hd", "prompt"]
    );
    assert!(
        first.as_str().contains("code=4%2F0A"),
        "the code's slash is encoded: {first}"
    );
    assert_eq!(
        query[2].1,
        "email profile https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile openid"
    );
    assert_eq!(query[3].1, "0");
    assert_eq!(query[5].1, "consent");
    let again = Browser::new()
        .authorize(&google_authorize_url(&google, &[]))
        .await;
    assert_eq!(
        crate::support::query(&again, "prompt").as_deref(),
        Some("none"),
        "consent was given before"
    );
}
