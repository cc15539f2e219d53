//! `authprobe demo` with its stand-ins: a browser that knows nothing of them (a suite without
//! `mocks:`, following only the redirects it is given) signs in with Google and with GitHub.

use std::net::SocketAddr;

use authprobe::app::{self, LocalReference};
use authprobe::reference_target::TargetConfig;
use authprobe::runner::{self, RunOptions, Silent, StepStatus};
use authprobe::suite::{LoadOptions, SourceFile, load_source};

/// Clicks "Sign in with PROVIDER" and follows each redirect by hand, as a browser would.
const CLICK_THROUGH: &str = r#"
name: click through PROVIDER
steps:
  - name: the login sends the browser to the stand-in
    request: { url: /auth/PROVIDER/login }
    expect: { status: 302 }
    capture: { authorize: { redirect: true } }
  - name: the stand-in signs Alice in at once
    request: { url: "{{ authorize }}" }
    expect: { status: 302 }
    capture: { callback: { redirect: true } }
  - name: the callback opens a session
    request: { url: "{{ callback }}" }
    expect:
      status: 303
      cookies: { session: { exists: true } }
  - name: the browser is signed in as Alice
    request: { url: /me }
    expect:
      status: 200
      json: { $.email: alice@example.com, $.provider: PROVIDER }
"#;

#[tokio::test]
async fn a_browser_signs_in_with_google_and_github_on_the_demo() {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let LocalReference {
        target, stand_ins, ..
    } = app::start_demo_reference(TargetConfig::default(), addr)
        .await
        .expect("the demo starts");
    let suites: Vec<_> = ["google", "github"]
        .into_iter()
        .map(|provider| {
            let yaml = CLICK_THROUGH.replace("PROVIDER", provider);
            load_source(
                SourceFile::new(format!("{provider}.yaml"), yaml.as_str()),
                &LoadOptions::default(),
            )
            .expect("the suite loads")
        })
        .collect();
    // No stand-ins for the runner: the browser reaches them only through the target's redirects.
    let options = RunOptions {
        target: Some(target.url().clone()),
        ..RunOptions::default()
    };
    let (_keep_running, cancel) = tokio::sync::watch::channel(false);
    let result = runner::run(&suites, &options, &mut Silent, cancel)
        .await
        .expect("the run starts");

    let not_passed: Vec<String> = result
        .suites
        .iter()
        .flat_map(|suite| suite.steps.iter().map(move |step| (suite, step)))
        .filter(|(_, step)| step.status != StepStatus::Passed)
        .map(|(suite, step)| {
            let checks: Vec<String> = step
                .failed_checks()
                .map(|check| {
                    format!(
                        "{}: expected {}, got {}",
                        check.name, check.expected, check.actual
                    )
                })
                .collect();
            format!(
                "{} / {}: {:?} {checks:?}",
                suite.name, step.name, step.error
            )
        })
        .collect();
    assert!(not_passed.is_empty(), "{not_passed:#?}");
    assert_eq!(result.summary.steps, 8);
    target.shutdown().await.expect("the target stops");
    drop(stand_ins);
}
