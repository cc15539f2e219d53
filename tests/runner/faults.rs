//! A target that misbehaves fails one step with the reason; the run goes on.

use std::time::Duration;

use authprobe::http::TransportErrorKind;
use authprobe::runner::{RunOptions, StepStatus};

use crate::support::{TestServer, refused_address, resetting_address, run_with};

/// A suite that hits `url` and then a healthy route: the second step must still run.
fn suite(url: &str) -> String {
    format!(
        "name: t\nsteps:\n  - name: faulty\n    request: {{ url: \"{url}\" }}\n    timeout: 300ms\n    expect: {{ status: 200 }}\n  - name: healthy\n    request: {{ url: /landing }}\n    expect: {{ status: 200 }}\n"
    )
}

async fn run_fault(url: &str) -> (authprobe::runner::RunResult, TestServer) {
    let server = TestServer::start().await;
    let options = RunOptions {
        target: Some(server.url.clone()),
        timeout: Duration::from_secs(5),
        ..RunOptions::default()
    };
    (run_with(&suite(url), options).await, server)
}

fn assert_fault(
    result: &authprobe::runner::RunResult,
    kind: TransportErrorKind,
    message_part: &str,
) {
    let steps = &result.suites[0].steps;
    assert_eq!(steps[0].status, StepStatus::Error);
    let error = steps[0].error.as_deref().expect("a reason");
    assert!(
        error.contains(message_part),
        "{error:?} should mention {message_part:?}"
    );
    match &steps[0].exchanges[0].outcome {
        authprobe::http::ExchangeOutcome::Error(failure) => assert_eq!(failure.kind, kind),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(
        steps[1].status,
        StepStatus::Passed,
        "the run goes on after a fault"
    );
    assert_eq!(result.summary.errored, 1);
}

#[tokio::test]
async fn a_refused_connection_fails_the_step() {
    let address = refused_address().await;
    let (result, _server) = run_fault(&format!("http://{address}/x")).await;
    assert_fault(&result, TransportErrorKind::Connect, "could not connect");
}

#[tokio::test]
async fn a_reset_connection_fails_the_step() {
    let address = resetting_address().await;
    let (result, _server) = run_fault(&format!("http://{address}/x")).await;
    let error = result.suites[0].steps[0].error.clone().unwrap_or_default();
    assert_eq!(
        result.suites[0].steps[0].status,
        StepStatus::Error,
        "{error}"
    );
    assert_eq!(result.suites[0].steps[1].status, StepStatus::Passed);
}

#[tokio::test]
async fn a_slow_target_times_out() {
    let (result, _server) = run_fault("/slow").await;
    assert_fault(&result, TransportErrorKind::Timeout, "timed out");
    assert!(
        result.suites[0].steps[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("300ms")
    );
}

#[tokio::test]
async fn a_huge_body_is_refused_past_the_limit() {
    let (result, _server) = run_fault("/huge").await;
    assert_fault(
        &result,
        TransportErrorKind::BodyTooLarge,
        "response body too large",
    );
}
