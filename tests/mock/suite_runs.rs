//! Suites that declare `mocks:` and check the back channel with `expect.mock_calls`, run by the
//! runner: against their own stand-ins, and against stand-ins shared with other suites.

use std::sync::{Arc, Mutex};

use authprobe::mock::{
    Endpoint, Listen, RecordedCall, SharedStandIns, StandInOptions, TENANT_PARAM,
};
use authprobe::runner::{self, RunOptions, RunResult, Silent, StepStatus};
use authprobe::suite::{LoadOptions, SourceFile, Suite, load_source};

use crate::target::TestTarget;

fn load(name: &str, yaml: &str) -> Suite {
    load_source(SourceFile::new(name, yaml), &LoadOptions::default()).unwrap_or_else(
        |diagnostics| {
            panic!(
                "{name} should load:\n{}",
                authprobe::app::render_diagnostics(&diagnostics, false)
            )
        },
    )
}

async fn run(suites: &[Suite], options: &RunOptions) -> RunResult {
    let (_stop, cancel) = tokio::sync::watch::channel(false);
    runner::run(suites, options, &mut Silent, cancel)
        .await
        .expect("the run starts")
}

/// Every failed check and error of a run, one per line: empty when everything passed.
fn failures(result: &RunResult) -> String {
    let mut lines = Vec::new();
    for suite in &result.suites {
        for step in &suite.steps {
            if let Some(error) = &step.error {
                lines.push(format!("{} / {}: error: {error}", suite.name, step.name));
            }
            for check in step.failed_checks() {
                lines.push(format!(
                    "{} / {}: {}: expected {}, got {}",
                    suite.name, step.name, check.name, check.expected, check.actual
                ));
            }
        }
    }
    lines.join("\n")
}

/// authprobe itself plays the OAuth client here: no target, absolute URLs from `mocks.*`.
const CLIENT_SUITE: &str = r#"
name: authprobe as the client
mocks:
  google:
    clients:
      - id: suite-client
        secret: suite-secret
        redirect_uris: ["http://app.test/callback"]
    users:
      - { sub: "123456789012345678901", email: carol@example.com, name: Carol }
steps:
  - name: the browser is sent back with a code
    request:
      url: "{{ mocks.google.authorize_url }}"
      query:
        client_id: "{{ mocks.google.client_id }}"
        redirect_uri: "{{ mocks.google.redirect_uri }}"
        response_type: code
        scope: openid email
        state: xyz
        code_challenge: E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
        code_challenge_method: S256
    expect:
      status: 302
      redirect:
        to: { matches: "^http://app\\.test/callback\\?" }
        query: { state: xyz, code: { exists: true } }
      mock_calls:
        google.authorize: { count: 1, status: 302, client_id: suite-client }
        google.token: { count: 0 }
    capture:
      code: { redirect_query: code }

  - name: the code is exchanged with a PKCE verifier and Basic credentials
    request:
      method: POST
      url: "{{ mocks.google.token_url }}"
      basic: { username: "{{ mocks.google.client_id }}", password: "{{ mocks.google.client_secret }}" }
      form:
        grant_type: authorization_code
        code: "{{ code }}"
        redirect_uri: http://app.test/callback
        code_verifier: dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk
    expect:
      status: 200
      json:
        $.token_type: Bearer
      mock_calls:
        google.token:
          count: 1
          client_auth: client_secret_basic
          same_redirect_uri: true
          pkce: verified
          form: { grant_type: authorization_code, code_verifier: { exists: true } }
        google.authorize: { count: 0 }
    capture:
      id_token: { json: $.id_token }
      email: { json: $.id_token, jwt_claim: email }

  - name: the whole suite saw one authorization and one token call
    request: { url: "{{ mocks.google.jwks_url }}" }
    expect:
      status: 200
      mock_calls:
        google.authorize: { count: 1, during: suite }
        google.token: { count: 1, during: suite }
        google.jwks: { count: 1 }
"#;

#[tokio::test]
async fn a_suite_drives_its_own_stand_in_and_checks_the_back_channel() {
    let suite = load("client.yaml", CLIENT_SUITE);
    let result = run(&[suite], &RunOptions::default()).await;
    assert_eq!(failures(&result), "");
    let captured = &result.suites[0].steps[1].captures;
    assert!(
        captured
            .iter()
            .any(|capture| capture.name == "email" && capture.value == "carol@example.com")
    );
}

#[tokio::test]
async fn the_codes_and_tokens_a_stand_in_issued_are_secrets_of_the_steps_after() {
    let suite = load("client.yaml", CLIENT_SUITE);
    let result = run(&[suite], &RunOptions::default()).await;
    assert_eq!(failures(&result), "");
    let steps = &result.suites[0].steps;
    let token_response: serde_json::Value = serde_json::from_slice(
        &steps[1].exchanges[0]
            .response()
            .expect("the token endpoint answered")
            .body,
    )
    .expect("a JSON token response");
    // A target that received these and showed them, under any name, would show secrets.
    let access_token = token_response["access_token"].as_str().expect("issued");
    assert!(steps[2].secrets.iter().any(|secret| secret == access_token));
    let code = &steps[0].captures[0].value;
    assert!(
        steps[1]
            .secrets
            .iter()
            .any(|secret| code == secret.as_str())
    );
}

#[tokio::test]
async fn a_wrong_back_channel_expectation_fails_with_what_the_stand_in_saw() {
    let yaml = CLIENT_SUITE
        .replace(
            "client_auth: client_secret_basic",
            "client_auth: client_secret_post",
        )
        .replace("pkce: verified", "pkce: not_used");
    let suite = load("client.yaml", &yaml);
    let result = run(&[suite], &RunOptions::default()).await;
    assert_eq!(
        failures(&result),
        "authprobe as the client / the code is exchanged with a PKCE verifier and Basic credentials: \
         mock_calls google.token client_auth: expected \"client_secret_post\", got \"client_secret_basic\"\n\
         authprobe as the client / the code is exchanged with a PKCE verifier and Basic credentials: \
         mock_calls google.token pkce: expected \"not_used\", got \"verified\""
    );
    assert_eq!(result.suites[0].steps[1].status, StepStatus::Failed);
}

#[tokio::test]
async fn two_suites_running_at_once_each_get_their_own_stand_ins() {
    let first = load("first.yaml", CLIENT_SUITE);
    let second = load(
        "second.yaml",
        &CLIENT_SUITE.replace("authprobe as the client", "the other suite"),
    );
    let options = RunOptions::default();
    // `during: suite` counts of exactly one authorization prove that neither saw the other's calls.
    let (a, b) = tokio::join!(
        run(std::slice::from_ref(&first), &options),
        run(std::slice::from_ref(&second), &options)
    );
    assert_eq!(failures(&a), "");
    assert_eq!(failures(&b), "");
}

/// A target that signs users in with Google, and the suite that tests it through the stand-in.
const LOGIN_SUITE: &str = r#"
name: google login
mocks:
  google: GOOGLE
steps:
  - name: login redirects to Google with state, nonce and PKCE
    request: { url: /auth/google/login }
    expect:
      status: 302
      redirect:
        to: { contains: "{{ mocks.google.authorize_url }}" }
        query: { state: { exists: true }, nonce: { exists: true }, code_challenge_method: S256 }
    capture:
      authorize: { redirect: true }

  - name: Google sends the browser back
    request: { url: "{{ authorize }}" }
    expect:
      status: 302
    capture:
      callback: { redirect: true }

  - name: the callback
    request: { url: "{{ callback }}" }
    expect:
      EXPECTATION
"#;

const SIGNS_IN: &str = r#"status: 200
      json: { $.email: alice@example.com }
      mock_calls:
        google.token:
          count: 1
          client_auth: client_secret_basic
          same_redirect_uri: true
          pkce: verified
          form: { grant_type: authorization_code, code_verifier: { exists: true } }
        google.userinfo: { count: 1 }"#;

const REJECTS: &str = r#"status: 401
      mock_calls:
        google.token: { count: 1 }
        google.userinfo: { count: 0 }"#;

fn login_suite(scenario: &str, expectation: &str) -> Suite {
    let google = if scenario == "none" {
        "{}".to_owned()
    } else {
        format!("{{ scenario: {scenario} }}")
    };
    let yaml = LOGIN_SUITE
        .replace("GOOGLE", &google)
        .replace("EXPECTATION", expectation);
    load(&format!("{scenario}.yaml"), &yaml)
}

/// Shared Google stand-in, and every call it receives (the `authprobe mock` log, as data).
async fn shared_google() -> (Arc<SharedStandIns>, Arc<Mutex<Vec<RecordedCall>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let options = StandInOptions {
        observer: Some(Arc::new(move |call: &RecordedCall| {
            log.lock().expect("lock").push(call.clone());
        })),
        ..StandInOptions::default()
    };
    let stand_ins = SharedStandIns::start(Some(&Listen::loopback()), None, options)
        .await
        .expect("starts");
    (Arc::new(stand_ins), seen)
}

#[tokio::test]
async fn suites_sharing_stand_ins_with_a_target_each_play_their_own_scenario() {
    // Arrange: stand-ins on a fixed address the target is configured with, as on staging.
    let (stand_ins, seen) = shared_google().await;
    let google = stand_ins.google.as_ref().expect("google");
    let target = TestTarget::start(google.urls().clone()).await;
    let options = RunOptions {
        target: Some(target.url()),
        stand_ins: Some(Arc::clone(&stand_ins)),
        ..RunOptions::default()
    };
    let honest = login_suite("none", SIGNS_IN);
    let wrong_nonce = login_suite("wrong-nonce", REJECTS);

    // Act: both at the same time, against the same stand-in and target.
    let (honest_result, wrong_nonce_result) = tokio::join!(
        run(std::slice::from_ref(&honest), &options),
        run(std::slice::from_ref(&wrong_nonce), &options)
    );

    // Assert: each suite saw its own scenario and only its own calls.
    assert_eq!(failures(&honest_result), "");
    assert_eq!(failures(&wrong_nonce_result), "");
    assert!(
        google.unattributed_calls().is_empty(),
        "{:?}",
        google.unattributed_calls()
    );
    let seen = seen.lock().expect("lock");
    let tenants: Vec<&str> = seen
        .iter()
        .filter(|call| call.endpoint == Endpoint::GoogleAuthorize)
        .map(|call| {
            call.query
                .iter()
                .find(|(name, _)| name == TENANT_PARAM)
                .map(|(_, tenant)| tenant.as_str())
                .expect("authprobe tags every authorization request it opens")
        })
        .collect();
    assert_eq!(tenants.len(), 2);
    assert_ne!(tenants[0], tenants[1], "each suite has its own tenant");
    assert!(
        seen.iter().all(|call| call.tenant.is_some()),
        "every call was tied to a suite"
    );
}

#[tokio::test]
async fn a_target_that_skips_pkce_is_caught_by_the_back_channel() {
    let (stand_ins, _) = shared_google().await;
    let google = stand_ins.google.as_ref().expect("google");
    let target = TestTarget::start_without_pkce(google.urls().clone()).await;
    let options = RunOptions {
        target: Some(target.url()),
        stand_ins: Some(Arc::clone(&stand_ins)),
        ..RunOptions::default()
    };
    let suite = login_suite("none", SIGNS_IN);
    let result = run(std::slice::from_ref(&suite), &options).await;
    let failures = failures(&result);
    assert!(
        failures.contains("code_challenge_method: expected \"S256\", got absent"),
        "{failures}"
    );
    assert!(
        failures.contains("mock_calls google.token pkce: expected \"verified\", got \"not_used\""),
        "{failures}"
    );
    assert!(
        failures
            .contains("mock_calls google.token form.code_verifier: expected present, got absent"),
        "{failures}"
    );
}
