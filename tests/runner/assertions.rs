//! Every assertion kind and matcher, each shown to pass on the right expectation and to fail, with
//! expected and actual, on a wrong one.

use crate::support::{TestServer, check, only_step, run_suite};
use authprobe::runner::StepStatus;

/// Runs a one-step GET of `url` with `expect` and returns the named check.
async fn outcome(url: &str, expect: &str, name: &str) -> authprobe::runner::CheckResult {
    let server = TestServer::start().await;
    let yaml = format!(
        "name: t\nsteps:\n  - name: s\n    request: {{ url: \"{url}\" }}\n    expect:\n{}\n",
        expect
            .lines()
            .map(|line| format!("      {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let result = run_suite(&yaml, &server.url).await;
    let step = only_step(&result);
    assert_ne!(
        step.status,
        StepStatus::Error,
        "step errored: {:?}",
        step.error
    );
    check(step, name).clone()
}

async fn passes(url: &str, expect: &str, name: &str) {
    let result = outcome(url, expect, name).await;
    assert!(result.passed, "expected `{expect}` to pass: {result:#?}");
}

async fn fails(url: &str, expect: &str, name: &str) -> authprobe::runner::CheckResult {
    let result = outcome(url, expect, name).await;
    assert!(!result.passed, "expected `{expect}` to fail: {result:#?}");
    result
}

#[tokio::test]
async fn status_passes_on_the_code_and_fails_with_expected_and_actual() {
    passes("/status/201", "status: 201", "status").await;
    passes("/status/403", "status: { one_of: [401, 403] }", "status").await;
    let failed = fails("/status/404", "status: 200", "status").await;
    assert_eq!(
        (failed.expected.as_str(), failed.actual.as_str()),
        ("200", "404")
    );
    assert_eq!(failed.line, 6);
}

#[tokio::test]
async fn a_status_class_takes_any_code_of_the_class() {
    passes("/status/401", "status: 4xx", "status").await;
    passes("/status/499", "status: 4XX", "status").await;
    let failed = fails("/status/500", "status: 4xx", "status").await;
    assert_eq!(
        (failed.expected.as_str(), failed.actual.as_str()),
        (">= 400 and <= 499", "500")
    );
    fails("/status/399", "status: 4xx", "status").await;
}

#[tokio::test]
async fn headers_match_case_insensitively() {
    passes(
        "/json",
        "headers: { Content-Type: { contains: json } }",
        "header content-type",
    )
    .await;
    passes(
        "/json",
        "headers: { x-rate-limit: 100 }",
        "header x-rate-limit",
    )
    .await;
    passes(
        "/json",
        "headers: { x-missing: { exists: false } }",
        "header x-missing",
    )
    .await;
    let failed = fails(
        "/json",
        "headers: { x-request-id: req-1 }",
        "header x-request-id",
    )
    .await;
    assert_eq!(failed.actual, "\"req-42\"");
}

#[tokio::test]
async fn json_paths_select_values_for_every_matcher() {
    passes(
        "/json",
        "json: { $.user.email: alice@example.com }",
        "json $.user.email",
    )
    .await;
    passes(
        "/json",
        "json: { $.user.age: { gt: 29, lt: 31, ge: 30, le: 30 } }",
        "json $.user.age",
    )
    .await;
    passes(
        "/json",
        "json: { $.user.roles: { contains: admin, len: 2, type: array } }",
        "json $.user.roles",
    )
    .await;
    passes(
        "/json",
        "json: { $.user.name: { matches: '^Al', ne: Bob } }",
        "json $.user.name",
    )
    .await;
    passes(
        "/json",
        "json: { '$.items[*].id': [1, 2, 3] }",
        "json $.items[*].id",
    )
    .await;
    passes(
        "/json",
        "json: { $.empty: { exists: true, type: 'null' } }",
        "json $.empty",
    )
    .await;
    passes(
        "/json",
        "json: { $.nothing: { exists: false } }",
        "json $.nothing",
    )
    .await;
    passes("/json", "json: { $.user: { eq: { email: alice@example.com, name: Alice, roles: [user, admin], age: 30 } } }", "json $.user").await;
    let failed = fails(
        "/json",
        "json: { $.user.email: bob@example.com }",
        "json $.user.email",
    )
    .await;
    assert_eq!(failed.expected, "\"bob@example.com\"");
    assert_eq!(failed.actual, "\"alice@example.com\"");
    let failed = fails(
        "/json",
        "json: { $.user.age: { gt: 40 } }",
        "json $.user.age",
    )
    .await;
    assert_eq!(failed.expected, "> 40");
    // A 64-bit id is compared exactly, though its neighbours round to the same float.
    passes(
        "/json",
        "json: { $.account_id: { eq: 1234567890123456789, gt: 1234567890123456788 } }",
        "json $.account_id",
    )
    .await;
    let failed = fails(
        "/json",
        "json: { $.account_id: 1234567890123456700 }",
        "json $.account_id",
    )
    .await;
    assert_eq!(failed.actual, "1234567890123456789");
    let failed = fails("/json", "json: { $.nothing: 1 }", "json $.nothing").await;
    assert_eq!(failed.actual, "absent");
    let failed = fails("/landing", "json: { $.a: 1 }", "json $.a").await;
    assert_eq!(failed.actual, "the body is not JSON");
}

#[tokio::test]
async fn body_matchers_read_the_text() {
    passes("/landing", "body: landed", "body").await;
    passes("/html", "body: { contains: 'Welcome, Alice' }", "body").await;
    fails("/html", "body: { contains: 'Welcome, Bob' }", "body").await;
    fails("/html", "body: { matches: '^<div' }", "body").await;
}

#[tokio::test]
async fn duration_is_measured_in_milliseconds() {
    passes("/landing", "duration: { lt: 5000 }", "duration (ms)").await;
    let failed = fails("/landing", "duration: { lt: 0 }", "duration (ms)").await;
    assert_eq!(failed.expected, "< 0");
}

#[tokio::test]
async fn cookies_are_checked_with_their_attributes() {
    let expect = "cookies:\n  session: { value: s3ss10n-value, http_only: true, secure: true, same_site: lax, path: /, max_age: 3600 }\n  theme: { http_only: false, domain: 127.0.0.1, expires: { contains: '2037' } }";
    for name in [
        "cookie session",
        "cookie session value",
        "cookie session HttpOnly",
        "cookie session Secure",
        "cookie session SameSite",
        "cookie session Path",
        "cookie session Max-Age",
        "cookie theme HttpOnly",
        "cookie theme Domain",
        "cookie theme Expires",
    ] {
        passes("/set-cookie", expect, name).await;
    }
    fails(
        "/set-cookie",
        "cookies: { theme: { http_only: true } }",
        "cookie theme HttpOnly",
    )
    .await;
    fails(
        "/set-cookie",
        "cookies: { session: { same_site: strict } }",
        "cookie session SameSite",
    )
    .await;
    fails(
        "/set-cookie",
        "cookies: { session: { exists: false } }",
        "cookie session",
    )
    .await;
    passes(
        "/landing",
        "cookies: { session: { exists: false } }",
        "cookie session",
    )
    .await;
    let failed = fails(
        "/landing",
        "cookies: { session: { http_only: true } }",
        "cookie session HttpOnly",
    )
    .await;
    assert_eq!(failed.actual, "the cookie is not set");
}

#[tokio::test]
async fn redirects_are_checked_by_target_and_query() {
    passes(
        "/redirect",
        "redirect: { to: { matches: '^/landing' } }",
        "redirect to",
    )
    .await;
    passes(
        "/redirect",
        "redirect: { to: '{{ target }}/landing?code=xyz&state=abc%20def' }",
        "redirect to",
    )
    .await;
    passes(
        "/redirect",
        "redirect: { query: { code: xyz, state: abc def } }",
        "redirect query state",
    )
    .await;
    passes(
        "/redirect-absolute",
        "redirect: { to: { contains: accounts.example.com } }",
        "redirect to",
    )
    .await;
    fails(
        "/redirect",
        "redirect: { query: { nonce: { exists: true } } }",
        "redirect query nonce",
    )
    .await;
    passes("/redirect", "redirect: { to: /landing }", "redirect to").await;
    fails("/redirect", "redirect: { to: /land }", "redirect to").await;
    let failed = fails("/landing", "redirect: { to: /x }", "redirect to").await;
    assert_eq!(failed.actual, "absent");
}

#[tokio::test]
async fn expected_values_can_be_templates() {
    let server = TestServer::start().await;
    let yaml = "name: t\nvars: { email: alice@example.com }\nsteps:\n  - name: s\n    request: { url: /json }\n    expect:\n      json: { $.user.email: '{{ email }}' }\n";
    let result = run_suite(yaml, &server.url).await;
    assert_eq!(only_step(&result).status, StepStatus::Passed);
}
