//! The reports of one run that has passed, failed and errored steps, a snapshot diff, a JWT, a
//! redirect, a long body and a hostile one, pinned with insta. (Skipped steps are pinned by the
//! JUnit unit tests.)

use std::collections::HashMap;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::{get, post};
use axum::{Form, Json};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::support::{Run, Server, Workspace, closed_port_url};

/// A body that would run script, or break out of an attribute, if the report did not escape it.
pub const HOSTILE_BODY: &str = concat!(
    "<script>document.documentElement.setAttribute('data-pwned', 'script')</script>\n",
    "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned', 'img')\">\n",
    "'><svg onload='document.documentElement.setAttribute(\"data-pwned\", \"svg\")'>\n",
);

pub fn fixture_token() -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string());
    let claims = URL_SAFE_NO_PAD.encode(
        json!({"sub": "alice", "scope": "read", "iat": 1_700_000_000, "exp": 1_900_000_000})
            .to_string(),
    );
    format!("{header}.{claims}.c2lnbmF0dXJlLW9mLXRoZS1maXh0dXJl")
}

/// The target of the fixture suites.
pub fn fixture_app() -> Router {
    Router::new()
        .route(
            "/token",
            post(|Form(form): Form<HashMap<String, String>>| async move {
                let user = form.get("username").cloned().unwrap_or_default();
                (
                    [(header::SET_COOKIE, "session=fixture-session-value; HttpOnly; Path=/")],
                    Json(json!({"access_token": fixture_token(), "token_type": "bearer", "user": user})),
                )
            }),
        )
        .route("/users/me", get(|| async { Json(json!({"username": "alice", "roles": ["reader"]})) }))
        .route(
            "/admin",
            get(|| async { (StatusCode::FORBIDDEN, Json(json!({"detail": "forbidden"}))) }),
        )
        .route(
            "/hostile",
            get(|| async { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], HOSTILE_BODY) }),
        )
        .route("/login", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/users/me")]) }))
        .route("/big", get(|| async { "x".repeat(20_000) }))
}

/// Writes the fixture suites and a stale accepted snapshot, so that the run shows a diff.
pub fn write_fixture(workspace: &Workspace) {
    workspace.write(
        "suites/a-login.yaml",
        r#"name: Login and tokens
tags: [jwt]
vars:
  password: "correct horse battery"
secrets: [password]
steps:
  - name: password grant issues a token
    request: { method: POST, url: /token, form: { username: alice, password: "{{ password }}" } }
    expect:
      status: 200
      json: { $.token_type: bearer }
    capture:
      access: { json: $.access_token }
  - name: the token opens /users/me
    request: { url: /users/me, bearer: "{{ access }}" }
    expect: { status: 200, json: { $.username: alice } }
    snapshot: true
  - name: an admin page needs the admin role
    request: { url: /admin, bearer: "{{ access }}" }
    expect: { status: 200, json: { $.detail: welcome } }
  - name: a hostile body is shown as text
    request: { url: /hostile }
    expect: { body: { contains: "a friendly page" } }
  - name: the login redirect is followed
    request: { url: /login }
    follow_redirects: true
    expect: { status: 200 }
  - name: a big body is cut in the report
    request: { url: /big }
    expect: { status: 200 }
"#,
    );
    workspace.write(
        "suites/b-passing.yaml",
        r#"name: Everything fine
steps:
  - name: me
    request: { url: /users/me }
    expect: { status: 200 }
"#,
    );
    workspace.write(
        "suites/c-unreachable.yaml",
        &format!(
            r#"name: Unreachable service
steps:
  - name: the service is down
    request: {{ url: "{}/health" }}
    expect: {{ status: 200 }}
"#,
            closed_port_url()
        ),
    );
    workspace.write(
        "snapshots/a-login/the-token-opens-users-me.snap",
        "# accepted earlier\nHTTP 200\ncontent-type: application/json\n\n{\n  \"username\": \"alice\",\n  \"roles\": [\n    \"admin\"\n  ]\n}\n",
    );
}

pub fn run_fixture(workspace: &Workspace, server: &Server) -> Run {
    write_fixture(workspace);
    workspace.run(&server.url, &[])
}

/// Ports, durations, dates and the CSP nonce change from run to run.
fn volatile_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"127\.0\.0\.1:&#x2F;&#x2F;", "127.0.0.1://"),
        (r"\b\d+(\.\d+)? ?(ms|s)\b", "[duration]"),
        (r#"time="\d+\.\d+""#, r#"time="[seconds]""#),
        (
            r#""duration_ms":( ?)[\d.e+-]+"#,
            r#""duration_ms":$1"[ms]""#,
        ),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[date]"),
        (
            r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT",
            "[http-date]",
        ),
        (r"nonce-[0-9a-f]{32}", "nonce-[nonce]"),
        (r#"nonce="[0-9a-f]{32}""#, r#"nonce="[nonce]""#),
        (r"Connection refused \(os error \d+\)", "Connection refused"),
    ]
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    for (pattern, replacement) in volatile_filters() {
        settings.add_filter(pattern, replacement);
    }
    settings
}

/// The HTML without its (long, static) stylesheet and script: the structure is what is pinned.
fn html_structure(html: &str) -> String {
    let style = regex::Regex::new(r"(?s)<style([^>]*)>.*?</style>").expect("valid");
    let script = regex::Regex::new(r"(?s)<script([^>]*)>.*?</script>").expect("valid");
    let html = style.replace(html, "<style$1>[stylesheet]</style>");
    script
        .replace(&html, "<script$1>[script]</script>")
        .into_owned()
}

#[test]
fn the_html_report_structure_is_stable() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    let run = run_fixture(&workspace, &server);
    assert_eq!(run.code, 1, "{run:?}");
    let html = html_structure(&workspace.read("reports/index.html"));
    settings().bind(|| insta::assert_snapshot!("report_html", html));
}

#[test]
fn the_junit_report_is_stable() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    let run = run_fixture(&workspace, &server);
    assert_eq!(run.code, 1, "{run:?}");
    let junit = workspace.read("reports/junit.xml");
    settings().bind(|| insta::assert_snapshot!("report_junit", junit));
}

#[test]
fn the_json_report_is_stable() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    let run = run_fixture(&workspace, &server);
    assert_eq!(run.code, 1, "{run:?}");
    let json = workspace.read("reports/results.json");
    let parsed: Value = serde_json::from_str(&json).expect("results.json is JSON");
    assert_eq!(parsed["summary"]["failed"], 3);
    settings().bind(|| insta::assert_snapshot!("report_json", json));
}

#[test]
fn the_console_tells_what_failed_and_where_the_reports_are() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    let run = run_fixture(&workspace, &server);
    settings().bind(|| insta::assert_snapshot!("report_console", run.stdout));
}

#[test]
fn the_html_report_is_self_contained_and_escapes_what_the_target_sent() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    run_fixture(&workspace, &server);
    let html = workspace.read("reports/index.html");
    for outside in [
        "http://fonts",
        "https://",
        "<link",
        " src=\"http",
        "@import",
    ] {
        assert!(
            !html.contains(outside),
            "the report loads something from outside: {outside}"
        );
    }
    assert!(
        !html.contains("<script>document"),
        "the hostile script is in the page as markup"
    );
    assert!(
        !html.contains("<img src=x"),
        "the hostile image is in the page as markup"
    );
    assert!(html.contains("&lt;script&gt;document.documentElement.setAttribute("));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(html.contains("body cut: showing the start of 19.5 KiB"));
}

#[test]
fn a_run_removes_the_reports_an_earlier_run_left_in_other_formats_and_nothing_else() {
    let server = Server::start(fixture_app());
    let workspace = Workspace::new();
    workspace.write(
        "suites/one.yaml",
        "name: one\nsteps:\n  - name: me\n    request: { url: /users/me }\n",
    );
    let every = workspace.run(&server.url, &[]);
    assert_eq!(every.code, 0, "{every:?}");
    assert!(workspace.exists("reports/junit.xml") && workspace.exists("reports/index.html"));
    // Somebody else's file of the same name is not a report of ours.
    workspace.write("elsewhere/index.html", "<!DOCTYPE html><title>docs</title>");
    workspace.write(
        "elsewhere/junit.xml",
        "<testsuites name=\"pytest\"></testsuites>",
    );

    let json_only = workspace.run(&server.url, &["--report", "json"]);
    assert_eq!(json_only.code, 0, "{json_only:?}");
    assert!(workspace.exists("reports/results.json"));
    assert!(!workspace.exists("reports/junit.xml"), "{json_only:?}");
    assert!(!workspace.exists("reports/index.html"), "{json_only:?}");
    assert!(
        json_only
            .stdout
            .contains("removed reports/junit.xml: an earlier run's report"),
        "{json_only:?}"
    );

    let elsewhere = workspace.run(
        &server.url,
        &["--report", "json", "--report-dir", "elsewhere"],
    );
    assert_eq!(elsewhere.code, 0, "{elsewhere:?}");
    assert!(!elsewhere.stdout.contains("removed"), "{elsewhere:?}");
    assert_eq!(
        workspace.read("elsewhere/index.html"),
        "<!DOCTYPE html><title>docs</title>"
    );
    assert!(workspace.exists("elsewhere/junit.xml"));
}
