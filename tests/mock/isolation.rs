//! Suites never see each other's state: each may get its own stand-ins (fresh, on a free port), or
//! share stand-ins on one address as tenants told apart by the browser's `authprobe_suite` tag.

use authprobe::mock::{
    DEFAULT_GOOGLE_CLIENT_ID, DEFAULT_GOOGLE_CLIENT_SECRET, GoogleStandIn, GoogleUser, Listen,
    StandInOptions, TENANT_PARAM,
};
use serde_json::Value;

use crate::support::{Browser, GOOGLE_REDIRECT, google, google_authorize_url, google_config};

async fn exchange(google: &GoogleStandIn, code: &str) -> (u16, Value) {
    let response = Browser::new()
        .client()
        .post(&google.urls().token_url)
        .basic_auth(DEFAULT_GOOGLE_CLIENT_ID, Some(DEFAULT_GOOGLE_CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", GOOGLE_REDIRECT),
        ])
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
async fn two_suites_started_at_once_get_separate_stand_ins() {
    let (first, second) = tokio::join!(google(google_config(None)), google(google_config(None)));
    assert_ne!(
        first.urls().url,
        second.urls().url,
        "each suite has its own port"
    );

    let code = Browser::new()
        .code(&google_authorize_url(&first, &[]))
        .await;
    let (status, body) = exchange(&second, &code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code is only good where it was issued"
    );
    assert!(
        second
            .calls("")
            .iter()
            .all(|call| call.endpoint.name() != "google.authorize")
    );
}

fn bob() -> GoogleUser {
    GoogleUser {
        sub: "200000000000000000002".to_owned(),
        email: "bob@example.com".to_owned(),
        name: Some("Bob".to_owned()),
        ..GoogleUser::alice()
    }
}

#[tokio::test]
async fn suites_sharing_a_stand_in_are_told_apart_by_the_browser_tag() {
    // Arrange: one stand-in, two suites with different users.
    let shared = GoogleStandIn::start(&Listen::loopback(), StandInOptions::default())
        .await
        .expect("starts");
    shared
        .register("suite-a", google_config(None))
        .expect("registers");
    let mut config_b = google_config(None);
    config_b.users = vec![bob()];
    shared.register("suite-b", config_b).expect("registers");

    // Act: both log in at the same time.
    let login = |tenant: &'static str| {
        let shared = &shared;
        async move {
            let url = google_authorize_url(shared, &[(TENANT_PARAM, tenant)]);
            let code = Browser::new().code(&url).await;
            exchange(shared, &code).await
        }
    };
    let ((status_a, tokens_a), (status_b, tokens_b)) =
        tokio::join!(login("suite-a"), login("suite-b"));

    // Assert: each suite got its own user and sees only its own calls.
    assert_eq!((status_a, status_b), (200, 200));
    let claims = |tokens: &Value| {
        authprobe::jwt::decode(tokens["id_token"].as_str().expect("id token"))
            .expect("decodes")
            .claims
    };
    assert_eq!(claims(&tokens_a)["email"], "alice@example.com");
    assert_eq!(claims(&tokens_b)["email"], "bob@example.com");
    for tenant in ["suite-a", "suite-b"] {
        let calls = shared.calls(tenant);
        assert_eq!(calls.len(), 2, "authorize and token for {tenant}");
        assert!(
            calls
                .iter()
                .all(|call| call.tenant.as_deref() == Some(tenant))
        );
    }
}

#[tokio::test]
async fn an_untagged_browser_at_a_stand_in_shared_by_two_suites_gets_a_page_not_a_code() {
    let shared = GoogleStandIn::start(&Listen::loopback(), StandInOptions::default())
        .await
        .expect("starts");
    shared
        .register("suite-a", google_config(None))
        .expect("registers");
    shared
        .register("suite-b", google_config(None))
        .expect("registers");
    let response = Browser::new()
        .client()
        .get(google_authorize_url(&shared, &[]))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.headers().get("location").is_none());
    assert_eq!(shared.unattributed_calls().len(), 1);
}
