//! Every capture kind, shown by a later step that sends the captured value back to the server.

use authprobe::runner::StepStatus;
use serde_json::json;

use crate::support::{TestServer, run_suite, sample_jwt};

/// Runs `first` (which captures `value`) and then echoes `{{ value }}` to the server.
async fn captured(url: &str, capture: &str) -> serde_json::Value {
    let server = TestServer::start().await;
    let yaml = format!(
        "name: t\nsteps:\n  - name: read\n    request: {{ url: \"{url}\" }}\n    capture:\n      value: {capture}\n  - name: send\n    request: {{ method: POST, url: /echo, json: {{ got: \"{{{{ value }}}}\" }} }}\n    expect: {{ status: 200 }}\n"
    );
    let result = run_suite(&yaml, &server.url).await;
    let steps = &result.suites[0].steps;
    assert_eq!(
        steps[0].status,
        StepStatus::Passed,
        "{:#?}",
        steps[0].checks
    );
    assert_eq!(steps[1].status, StepStatus::Passed, "{:?}", steps[1].error);
    let echoed = steps[1].exchanges[0]
        .response()
        .expect("a response")
        .json()
        .expect("json")
        .clone();
    let body: serde_json::Value =
        serde_json::from_str(echoed["body"].as_str().expect("body")).expect("json body");
    let captured = match &steps[0].captures[0].value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    assert_eq!(
        body["got"], captured,
        "the next step sent what was captured"
    );
    steps[0].captures[0].value.clone()
}

#[tokio::test]
async fn json_captures_a_jsonpath_value() {
    assert_eq!(
        captured("/json", "{ json: $.user.email }").await,
        json!("alice@example.com")
    );
}

#[tokio::test]
async fn header_captures_a_response_header() {
    assert_eq!(
        captured("/json", "{ header: X-Request-Id }").await,
        json!("req-42")
    );
}

#[tokio::test]
async fn cookie_captures_a_set_cookie_value() {
    assert_eq!(
        captured("/set-cookie", "{ cookie: session }").await,
        json!("s3ss10n-value")
    );
}

#[tokio::test]
async fn redirect_captures_the_resolved_location_and_its_query() {
    let location = captured("/redirect", "{ redirect: true }").await;
    let location = location.as_str().expect("a string");
    assert!(
        location.starts_with("http://127.0.0.1:")
            && location.ends_with("/landing?code=xyz&state=abc%20def"),
        "{location}"
    );
    assert_eq!(
        captured("/redirect", "{ redirect_query: state }").await,
        json!("abc def")
    );
}

#[tokio::test]
async fn regex_captures_a_group_of_the_body() {
    assert_eq!(
        captured("/html", r#"{ regex: 'name="csrf" value="([^"]+)"' }"#).await,
        json!("tok-123")
    );
    assert_eq!(
        captured("/html", "{ regex: 'Welcome, (\\w+)', group: 0 }").await,
        json!("Welcome, Alice")
    );
}

#[tokio::test]
async fn status_and_body_capture_the_whole_thing() {
    assert_eq!(
        captured("/status/202", "{ status: true }").await,
        json!(202)
    );
    assert_eq!(
        captured("/landing", "{ body: true }").await,
        json!("landed")
    );
}

#[tokio::test]
async fn jwt_claim_decodes_the_captured_token() {
    assert_eq!(
        captured("/json", "{ json: $.token, jwt_claim: role }").await,
        json!("admin")
    );
}

#[tokio::test]
async fn a_captured_token_is_sent_as_a_bearer() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: login\n    request: { url: /token }\n    capture: { access: { json: $.access_token } }\n  - name: me\n    request: { url: /me, bearer: '{{ access }}' }\n    expect: { status: 200, json: { $.username: alice } }\n";
    let result = run_suite(yaml, &server.url).await;
    let steps = &result.suites[0].steps;
    assert!(
        steps.iter().all(|step| step.status == StepStatus::Passed),
        "{steps:#?}"
    );
    assert_eq!(steps[0].captures[0].value, json!(sample_jwt()));
}

#[tokio::test]
async fn a_failed_capture_fails_its_step_and_explains_the_next() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: login\n    request: { url: /json }\n    capture: { access: { json: $.access_token } }\n  - name: me\n    request: { url: /me, bearer: '{{ access }}' }\n";
    let result = run_suite(yaml, &server.url).await;
    let steps = &result.suites[0].steps;
    assert_eq!(steps[0].status, StepStatus::Failed);
    assert_eq!(steps[0].checks[0].name, "capture access");
    assert_eq!(
        steps[0].checks[0].actual,
        "`$.access_token` matched nothing"
    );
    assert_eq!(steps[1].status, StepStatus::Error);
    let error = steps[1].error.as_deref().expect("an error");
    assert!(
        error.contains("`request.bearer`") && error.contains("step `login` did not capture it"),
        "{error}"
    );
}
