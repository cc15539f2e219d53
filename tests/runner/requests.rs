//! What the runner sends: methods, headers, query, bodies, credentials, cookie jars per identity,
//! redirects, retries.

use authprobe::runner::{RunOptions, StepStatus};
use serde_json::Value;

use crate::support::{TestServer, run_suite, run_with};

fn echoed(step: &authprobe::runner::StepResult) -> Value {
    step.exchanges
        .last()
        .expect("an exchange")
        .response()
        .expect("a response")
        .json()
        .expect("json")
        .clone()
}

#[tokio::test]
async fn a_request_sends_method_headers_query_and_json() {
    let server = TestServer::start().await;
    let yaml = "name: t\nvars: { n: 7 }\nsteps:\n  - name: s\n    request:\n      method: put\n      url: /echo\n      headers: { X-Trace: 'abc-{{ n }}' }\n      query: { page: 2, q: a b }\n      json: { n: '{{ n }}', nested: [1, { k: v }] }\n";
    let result = run_suite(yaml, &server.url).await;
    let echo = echoed(&result.suites[0].steps[0]);
    assert_eq!(echo["method"], "PUT");
    assert_eq!(echo["headers"]["x-trace"], "abc-7");
    assert_eq!(echo["headers"]["content-type"], "application/json");
    assert_eq!(echo["query"]["page"], "2");
    assert_eq!(echo["query"]["q"], "a b");
    let body: Value = serde_json::from_str(echo["body"].as_str().expect("text")).expect("json");
    assert_eq!(
        body,
        serde_json::json!({ "n": "7", "nested": [1, { "k": "v" }] })
    );
}

#[tokio::test]
async fn forms_raw_bodies_and_credentials_are_encoded() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: form\n    request: { method: POST, url: /echo, form: { username: alice, password: 'p&ss w' }, basic: { username: alice, password: pw } }\n  - name: raw\n    request: { method: POST, url: /echo, body: 'plain text', headers: { content-type: text/plain }, api_key: k-123 }\n  - name: key in query\n    request: { url: /echo, api_key: { query: api_key, value: k-456 } }\n";
    let result = run_suite(yaml, &server.url).await;
    let steps = &result.suites[0].steps;
    let form = echoed(&steps[0]);
    assert_eq!(form["body"], "username=alice&password=p%26ss+w");
    assert_eq!(
        form["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(form["headers"]["authorization"], "Basic YWxpY2U6cHc=");
    let raw = echoed(&steps[1]);
    assert_eq!(raw["body"], "plain text");
    assert_eq!(raw["headers"]["content-type"], "text/plain");
    assert_eq!(raw["headers"]["x-api-key"], "k-123");
    assert_eq!(echoed(&steps[2])["query"]["api_key"], "k-456");
}

#[tokio::test]
async fn credentials_written_in_the_target_are_sent_unless_the_step_sets_its_own() {
    let server = TestServer::start().await;
    let mut target = server.url.clone();
    target.set_username("user").expect("a host");
    target.set_password(Some("pa ss")).expect("a host");
    let yaml = "name: t\nsteps:\n  - name: from the target\n    request: { url: /echo }\n  - name: own\n    request: { url: /echo, bearer: tok }\n";
    let result = run_suite(yaml, &target).await;
    let steps = &result.suites[0].steps;
    // `user:pa ss` in Basic.
    assert_eq!(
        echoed(&steps[0])["headers"]["authorization"],
        "Basic dXNlcjpwYSBzcw=="
    );
    assert_eq!(echoed(&steps[1])["headers"]["authorization"], "Bearer tok");
}

#[tokio::test]
async fn each_identity_has_its_own_cookie_jar() {
    let server = TestServer::start().await;
    let yaml = "name: t\nidentities: { alice: {}, bob: { headers: { X-User: bob } } }\nsteps:\n  - name: alice gets a cookie\n    as: alice\n    request: { url: /set-cookie }\n  - name: alice sends it back\n    as: alice\n    request: { url: /cookies }\n    expect: { json: { $.cookie: { contains: session=s3ss10n-value } } }\n  - name: bob has none\n    as: bob\n    request: { url: /cookies }\n    expect: { json: { $.cookie: '' } }\n  - name: bob sends his identity headers\n    as: bob\n    request: { url: /echo }\n    expect: { json: { \"$.headers['x-user']\": bob } }\n";
    let result = run_suite(yaml, &server.url).await;
    for step in &result.suites[0].steps {
        assert_eq!(
            step.status,
            StepStatus::Passed,
            "{}: {:#?}",
            step.name,
            step.checks
        );
    }
}

#[tokio::test]
async fn a_redirect_loop_fails_the_step_as_a_loop_after_ten_redirects() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: loops\n    request: { url: /loop }\n    follow_redirects: true\n    expect: { status: 3xx }\n";
    let result = run_suite(yaml, &server.url).await;
    let step = &result.suites[0].steps[0];
    assert_eq!(step.status, StepStatus::Error);
    assert_eq!(step.exchanges.len(), 11, "the request and ten redirects");
    assert_eq!(
        step.error.as_deref(),
        Some("more than 10 redirects: the target redirects in a loop?")
    );
}

#[tokio::test]
async fn a_followed_redirect_to_another_origin_carries_no_credential() {
    let target = TestServer::start().await;
    let elsewhere = TestServer::start().await;
    let step = |name: &str, to: &str, expect: [(&str, &str); 3]| {
        let json: String = expect
            .iter()
            .map(|(header, matcher)| format!("        \"$.headers['{header}']\": {matcher}\n"))
            .collect();
        format!(
            "  - name: {name}\n    request:\n      url: /redirect-to?to={to}\n      api_key: {{ header: X-Key, value: k-123 }}\n      headers: {{ X-Custom-Auth: s-456, X-Trace: t-789 }}\n    follow_redirects: true\n    expect:\n      status: 200\n      json:\n{json}"
        )
    };
    let gone = "{ exists: false }";
    let yaml = format!(
        "name: t\nsteps:\n{}{}",
        step(
            "to another origin",
            &format!("{}echo", elsewhere.url),
            [
                ("x-key", gone),
                ("x-custom-auth", gone),
                ("x-trace", "t-789")
            ]
        ),
        step(
            "on the same origin",
            "/echo",
            [
                ("x-key", "k-123"),
                ("x-custom-auth", "s-456"),
                ("x-trace", "t-789")
            ]
        ),
    );
    let result = run_suite(&yaml, &target.url).await;
    for step in &result.suites[0].steps {
        assert_eq!(
            step.status,
            StepStatus::Passed,
            "{}: {:#?} {:?}",
            step.name,
            step.checks,
            step.error
        );
    }
}

#[tokio::test]
async fn redirects_are_not_followed_unless_asked() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: stays\n    request: { url: /redirect }\n    expect: { status: 302 }\n  - name: follows\n    request: { url: /redirect }\n    follow_redirects: true\n    expect: { status: 200, body: landed }\n  - name: post becomes get after a redirect\n    request: { method: POST, url: /see-other, json: { a: 1 } }\n    follow_redirects: true\n    expect: { json: { $.method: GET, $.body: '' } }\n";
    let result = run_suite(yaml, &server.url).await;
    let steps = &result.suites[0].steps;
    for step in steps {
        assert_eq!(
            step.status,
            StepStatus::Passed,
            "{}: {:#?}",
            step.name,
            step.checks
        );
    }
    assert_eq!(
        steps[1].exchanges.len(),
        2,
        "the followed step records both hops"
    );
}

#[tokio::test]
async fn retry_repeats_a_failing_step_until_it_passes() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: flaky\n    request: { url: /flaky }\n    retry: { attempts: 3, delay: 10ms }\n    expect: { status: 200 }\n";
    let result = run_suite(yaml, &server.url).await;
    let step = &result.suites[0].steps[0];
    assert_eq!(step.status, StepStatus::Passed);
    assert_eq!(step.attempts, 3);
}

#[tokio::test]
async fn retry_attempts_count_every_try_the_first_included() {
    let server = TestServer::start().await;
    // `/flaky` fails twice before it succeeds: two attempts are not enough.
    let yaml = "name: t\nsteps:\n  - name: flaky\n    request: { url: /flaky }\n    retry: { attempts: 2, delay: 10ms }\n    expect: { status: 200 }\n";
    let result = run_suite(yaml, &server.url).await;
    let step = &result.suites[0].steps[0];
    assert_eq!(step.status, StepStatus::Failed);
    assert_eq!(step.attempts, 2);
}

#[tokio::test]
async fn cli_vars_override_suite_vars() {
    let server = TestServer::start().await;
    let yaml = "name: t\nvars: { who: suite }\nsteps:\n  - name: s\n    request: { url: '/echo?who={{ who }}' }\n    expect: { json: { $.query.who: cli } }\n";
    let options = RunOptions {
        target: Some(server.url.clone()),
        vars: vec![("who".to_owned(), Value::String("cli".to_owned()))],
        ..RunOptions::default()
    };
    let result = run_with(yaml, options).await;
    assert_eq!(result.suites[0].steps[0].status, StepStatus::Passed);
}

#[tokio::test]
async fn fail_fast_skips_the_rest() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: fails\n    request: { url: /status/500 }\n    expect: { status: 200 }\n  - name: never runs\n    request: { url: /landing }\n";
    let options = RunOptions {
        target: Some(server.url.clone()),
        fail_fast: true,
        ..RunOptions::default()
    };
    let result = run_with(yaml, options).await;
    assert_eq!(result.suites[0].steps[1].status, StepStatus::Skipped);
    assert_eq!(result.summary.skipped, 1);
}
