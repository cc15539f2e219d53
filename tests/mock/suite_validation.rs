//! Mistakes in `mocks:`, `expect.mock_calls` and `mocks.*` templates: each is a located diagnostic
//! with a hint, pinned as the user sees it.

use authprobe::suite::{LoadOptions, SourceFile, load_source};

fn diagnostics(yaml: &str) -> String {
    let errors = load_source(SourceFile::new("suite.yaml", yaml), &LoadOptions::default())
        .expect_err("the suite has a mistake");
    authprobe::app::render_diagnostics(&errors, false)
}

const STEP: &str = "steps:\n  - name: one\n    request: { url: http://127.0.0.1:1/ }\n";

#[test]
fn an_unknown_scenario_suggests_the_closest_name() {
    insta::assert_snapshot!(diagnostics(&format!(
        "name: s\nmocks:\n  google:\n    scenario: wrong_aud\n{STEP}"
    )));
}

#[test]
fn a_scenario_of_the_other_provider_is_refused() {
    insta::assert_snapshot!(diagnostics(&format!(
        "name: s\nmocks:\n  google: {{ scenario: unverified-email }}\n{STEP}"
    )));
}

#[test]
fn an_unknown_key_under_a_stand_in_suggests_the_closest_key() {
    insta::assert_snapshot!(diagnostics(&format!(
        "name: s\nmocks:\n  google:\n    scenarios: wrong-aud\n{STEP}"
    )));
}

#[test]
fn faults_name_known_endpoints_and_error_statuses() {
    insta::assert_snapshot!(diagnostics(&format!(
        "name: s\nmocks:\n  github:\n    slow: {{ tokn: 2s }}\n    fail: {{ user: 200 }}\n{STEP}"
    )));
}

#[test]
fn duplicate_clients_and_relative_redirect_uris_are_refused() {
    insta::assert_snapshot!(diagnostics(&format!(
        "name: s\nmocks:\n  google:\n    clients:\n      - {{ id: web, secret: a, redirect_uris: [/callback] }}\n      - {{ id: web, secret: b }}\n{STEP}"
    )));
}

#[test]
fn mock_calls_name_a_known_endpoint_of_a_declared_stand_in() {
    insta::assert_snapshot!(diagnostics(
        "name: s\nmocks:\n  google: {}\nsteps:\n  - name: one\n    request: { url: http://127.0.0.1:1/ }\n    expect:\n      mock_calls:\n        google.tokn: { count: 1 }\n        github.token: { count: 0 }\n        google.userinfo: { during: stp, count: 0 }\n        google.jwks: {}\n"
    ));
}

#[test]
fn templates_read_only_declared_stand_ins_and_known_keys() {
    insta::assert_snapshot!(diagnostics(
        "name: s\nmocks:\n  google:\n    clients:\n      - { id: web, secret: s, redirect_uris: [\"{{ mocks.google.url }}/cb\"] }\nsteps:\n  - name: one\n    request: { url: \"{{ mocks.github.authorize_url }}\" }\n  - name: two\n    request: { url: \"{{ mocks.google.tokn_url }}\" }\n"
    ));
}

#[test]
fn a_suite_without_mocks_cannot_read_them() {
    insta::assert_snapshot!(diagnostics(
        "name: s\nsteps:\n  - name: one\n    request: { url: \"{{ mocks.google.url }}\" }\n"
    ));
}
