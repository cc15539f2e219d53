//! Endpoints that are slow or failing, as a suite configures them.

use std::time::Duration;

use authprobe::mock::{DEFAULT_TENANT, Endpoint, Faults};

use crate::support::{Browser, google, google_authorize_url, google_config, read};

#[tokio::test]
async fn a_failing_endpoint_answers_with_its_status_and_has_no_effect() {
    let mut config = google_config(None);
    config.faults = Faults {
        delays: Vec::new(),
        failures: vec![(Endpoint::GoogleToken, 503)],
    };
    let google = google(config).await;
    let code = Browser::new()
        .code(&google_authorize_url(&google, &[]))
        .await;

    let response = Browser::new()
        .client()
        .post(&google.urls().token_url)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .expect("answers");

    let (status, _, body) = read(response).await;
    assert_eq!((status, body.as_str()), (503, "Service Unavailable"));
    let calls = google.calls(DEFAULT_TENANT);
    assert_eq!(
        calls.last().map(|call| call.status),
        Some(503),
        "the failure is recorded"
    );
}

#[tokio::test]
async fn a_slow_endpoint_outlasts_a_short_client_timeout() {
    let mut config = google_config(None);
    config.faults = Faults {
        delays: vec![(Endpoint::GoogleDiscovery, Duration::from_secs(30))],
        failures: Vec::new(),
    };
    let google = google(config).await;

    let outcome = reqwest::Client::new()
        .get(&google.urls().discovery_url)
        .timeout(Duration::from_millis(200))
        .send()
        .await;

    let error = outcome.expect_err("the client gives up first");
    assert!(error.is_timeout(), "{error:?}");
    // The JWKS, which is not slowed down, still answers at once.
    let jwks = reqwest::get(&google.urls().jwks_url)
        .await
        .expect("answers");
    assert_eq!(jwks.status().as_u16(), 200);
}
