//! No secret in any artifact: a suite sends and receives secrets in headers, bodies, URLs, form
//! fields, cookies and encoded forms, with snapshots on; then every file under the report and
//! snapshot folders is searched for every secret in every encoding.

use std::collections::HashMap;

use axum::Router;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Form, Json};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::json;

use crate::support::{Server, Workspace, files_under};

const PASSWORD: &str = r#"p@ss w/"rd+&=1"#;
const API_KEY: &str = "ak_live_5f2b9c0d7e";
const CLIENT_SECRET: &str = "cs-9a8b7c6d5e4f";
const SESSION: &str = "sess-7f3a9c2e1b0d";
const REFRESH: &str = "rt-4d5e6f7a8b9c";
const SIGNATURE: &str = "c2lnLXNlY3JldC1wYXJ0LXh5eg";

fn access_token() -> String {
    format!(
        "{}.{}.{SIGNATURE}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(json!({"sub": "alice", "exp": 1_900_000_000}).to_string())
    )
}

fn url_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A target that echoes whatever secret it is given, in every shape it can.
fn leaky_app() -> Router {
    Router::new()
        .route(
            "/login",
            post(|Form(form): Form<HashMap<String, String>>| async move {
                let password = form.get("password").cloned().unwrap_or_default();
                (
                    StatusCode::OK,
                    [
                        (header::SET_COOKIE, format!("session={SESSION}; HttpOnly; Path=/")),
                        (header::LOCATION, format!("/welcome?password={}", url_encoded(&password))),
                        (header::HeaderName::from_static("x-echo"), STANDARD.encode(&password)),
                    ],
                    Json(json!({
                        "echo": password,
                        "echo_b64": STANDARD.encode(&password),
                        "echo_b64url": URL_SAFE_NO_PAD.encode(&password),
                        "echo_url": url_encoded(&password),
                        "note": format!("your password is {password}"),
                        "access_token": access_token(),
                        "refresh_token": REFRESH,
                    })),
                )
            }),
        )
        .route(
            "/me",
            get(|headers: HeaderMap, RawQuery(query): RawQuery| async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                Json(json!({
                    "seen_authorization": header("authorization"),
                    "seen_key": header("x-api-key"),
                    "seen_note": header("x-note"),
                    "seen_cookie": header("cookie"),
                    "seen_query": query.unwrap_or_default(),
                }))
            }),
        )
        .route(
            // An error page that shows the JSON it received, HTML-escaped (`p\&quot;w`).
            "/html-echo",
            post(|body: String| async move {
                let escaped = body
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;");
                (
                    StatusCode::BAD_REQUEST,
                    [(header::CONTENT_TYPE, "text/html")],
                    format!("<p>could not read {escaped}</p>"),
                )
            }),
        )
        .route(
            "/oauth/token",
            post(|headers: HeaderMap, body: String| async move {
                let authorization = headers
                    .get("authorization")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let basic = authorization.trim_start_matches("Basic ").to_owned();
                Json(json!({"seen_basic": basic, "seen_body": body, "decoded": String::from_utf8_lossy(&STANDARD.decode(basic).unwrap_or_default())}))
            }),
        )
}

const SUITE: &str = r#"name: Secrets everywhere
vars:
  password: 'p@ss w/"rd+&=1'
  api_key: ak_live_5f2b9c0d7e
  client_secret: cs-9a8b7c6d5e4f
secrets: [password, api_key, client_secret]
steps:
  - name: log in with a form
    request:
      method: POST
      url: "/login?api_key={{ api_key }}"
      form: { username: alice, password: "{{ password }}" }
    expect:
      status: 200
      json: { $.echo: "not {{ password }}", $.note: { contains: "{{ password | urlencode }}" } }
    capture:
      access: { json: $.access_token }
      refresh: { json: $.refresh_token }
    snapshot: { headers: [content-type, set-cookie, location, x-echo] }
  - name: call the API with every credential
    request:
      url: /me
      query: { token: "{{ refresh }}" }
      headers: { X-API-Key: "{{ api_key }}", X-Note: "pw={{ password }}" }
      bearer: "{{ access }}"
    expect: { json: { $.seen_key: "{{ api_key }}x" } }
    snapshot: true
  - name: exchange a client secret with Basic auth
    request:
      method: POST
      url: /oauth/token
      basic: { username: app, password: "{{ client_secret }}" }
      json: { client_secret: "{{ client_secret }}", nested: { pw: "{{ password }}" } }
    expect: { status: 200 }
    snapshot: true
  - name: an error page shows the JSON it was sent
    request:
      method: POST
      url: /html-echo
      json: { password: "{{ password }}" }
    expect: { status: 400 }
"#;

/// Every shape a secret can take in a file: as is, base64 and base64url (padded or not),
/// URL-encoded (`+` or `%20`), JSON-escaped (with or without `\/`), and each of those as HTML
/// and XML escape them (a secret in `index.html` or `junit.xml` would be escaped there).
fn encodings(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_owned(),
        STANDARD.encode(secret),
        STANDARD_NO_PAD.encode(secret),
        URL_SAFE.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        url_encoded(secret),
        url_encoded(secret).replace('+', "%20"),
    ];
    let json = serde_json::to_string(secret).expect("a JSON string");
    let json = json[1..json.len() - 1].to_owned();
    forms.push(json.replace('/', "\\/"));
    // As an HTML page shows a JSON body it was sent.
    forms.push(
        json.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
    );
    forms.push(json);
    let escaped: Vec<String> = forms
        .iter()
        .flat_map(|form| {
            let xml = form
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            [
                xml.replace('"', "&quot;"),
                xml.replace('"', "&quot;")
                    .replace('\'', "&#x27;")
                    .replace('/', "&#x2F;"),
                xml,
            ]
        })
        .collect();
    forms.extend(escaped);
    forms.sort();
    forms.dedup();
    forms
}

#[test]
fn no_secret_reaches_any_report_or_snapshot_in_any_encoding() {
    // Arrange
    let server = Server::start(leaky_app());
    let workspace = Workspace::new();
    workspace.write("suites/secrets.yaml", SUITE);

    // Act: record pending snapshots, then accept them, then check them: every way of writing.
    let first = workspace.run(&server.url, &[]);
    let accept = workspace.run(&server.url, &["--update-snapshots"]);
    let check = workspace.run(&server.url, &["--ci"]);

    // Assert: the run did what the suite asks (failing checks, snapshots written) …
    for run in [&first, &accept, &check] {
        assert_eq!(run.code, 1, "the suite has failing checks: {run:?}");
        assert!(!run.stderr.contains("survived masking"), "{run:?}");
        assert!(run.stdout.contains("snapshots:"), "{run:?}");
    }
    assert!(workspace.exists("snapshots/secrets/exchange-a-client-secret-with-basic-auth.snap"));
    let mut files = files_under(&workspace.path("reports"));
    files.extend(files_under(&workspace.path("snapshots")));
    assert!(files.len() >= 6, "{files:?}");

    // … and no file holds any secret in any form.
    let basic = |user: &str, secret: &str| format!("{user}:{secret}");
    let secrets: Vec<(&str, String)> = vec![
        ("password", PASSWORD.to_owned()),
        ("api key", API_KEY.to_owned()),
        ("client secret", CLIENT_SECRET.to_owned()),
        ("session cookie", SESSION.to_owned()),
        ("refresh token", REFRESH.to_owned()),
        ("JWT signature", SIGNATURE.to_owned()),
        ("Basic credential", basic("app", CLIENT_SECRET)),
        ("whole access token", access_token()),
    ];
    let mut leaks = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("artifacts are text");
        for (what, secret) in &secrets {
            for form in encodings(secret) {
                if text.contains(&form) {
                    leaks.push(format!("{what} as `{form}` in {}", file.display()));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));

    // The console too.
    for run in [&first, &accept, &check] {
        for (what, secret) in &secrets {
            for form in encodings(secret) {
                assert!(
                    !run.stdout.contains(&form),
                    "{what} on the console as `{form}`"
                );
            }
        }
    }
}

#[test]
fn the_encodings_searched_for_include_every_shape_the_issue_names() {
    let forms = encodings(PASSWORD);
    for expected in [
        PASSWORD,
        "cEBzcyB3LyJyZCsmPTE=",
        "cEBzcyB3LyJyZCsmPTE",
        "p%40ss+w%2F%22rd%2B%26%3D1",
        "p%40ss%20w%2F%22rd%2B%26%3D1",
        r#"p@ss w/\"rd+&=1"#,
        "p@ss w&#x2F;&quot;rd+&amp;=1",
    ] {
        assert!(forms.contains(&expected.to_owned()), "{expected} missing");
    }
    assert!(
        encodings(&format!("app:{CLIENT_SECRET}"))
            .contains(&STANDARD.encode(format!("app:{CLIENT_SECRET}")))
    );
}

/// Issued to the first step, which learns it (it comes as an `access_token`) and masks it
/// while the run goes on.
const HANDLE: &str = "opaque-handle-0123456789";
/// Issued beside it under a name that says nothing: a secret only once the next step sends it.
const WRAPPED: &str = "zq7:opaque-handle-0123456789:k9x";

#[test]
fn a_secret_learnt_at_a_later_step_is_masked_in_the_steps_before_it() {
    // Arrange
    let app = Router::new()
        .route(
            "/issue",
            get(|| async { Json(json!({"access_token": HANDLE, "wrapped": WRAPPED})) }),
        )
        .route("/use", get(|| async { StatusCode::NO_CONTENT }));
    let server = Server::start(app);
    let workspace = Workspace::new();
    workspace.write(
        "suites/later.yaml",
        r#"name: Learnt later
steps:
  - name: receive
    request: { url: /issue }
    expect: { json: { $.wrapped: "{{ 'not it' }}" } }
    capture:
      wrapped: { json: $.wrapped }
  - name: something else
    request: { url: /use }
  - name: send the wrapped value
    request: { url: /use, bearer: "{{ wrapped }}" }
"#,
    );

    // Act
    let run = workspace.run(&server.url, &["--report", "json,junit,html"]);

    // Assert: the first step was masked once the step after it was reported, when only the
    // handle was known; the wrapped value around it must not keep its ends.
    assert_eq!(run.code, 1, "the first step's check fails: {run:?}");
    let results = workspace.read("reports/results.json");
    assert!(results.contains(r#"\"wrapped\":\"••••••\""#), "{results}");
    for file in files_under(&workspace.path("reports")) {
        let text = std::fs::read_to_string(&file).expect("reports are text");
        for piece in [HANDLE, "zq7", "k9x"] {
            assert!(!text.contains(piece), "`{piece}` in {}", file.display());
        }
    }
}
