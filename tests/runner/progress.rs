//! What the listener is told while a suite runs: every step once, in order, and a finished step
//! without waiting for the next one's answer; each step handed over to be finished off once, in
//! order, after the step that follows it was reported.

use std::time::Duration;

use authprobe::runner::{self, RunEvent, RunListener, RunOptions, StepStatus};
use axum::Router;
use axum::routing::get;
use tokio::sync::{mpsc, watch};

use crate::support::{TestServer, load};

/// How long to wait for the run before failing (never a synchronisation).
const PATIENCE: Duration = Duration::from_secs(30);

/// Sends what it is told as one line per event.
struct Recorder(mpsc::UnboundedSender<String>);

impl RunListener for Recorder {
    fn on_event(&mut self, event: RunEvent<'_>) {
        let line = match event {
            RunEvent::SuiteStarted { name, .. } => format!("suite {name}"),
            RunEvent::StepFinished { step, .. } => format!("step {} {:?}", step.name, step.status),
            RunEvent::SuiteFinished(result) => format!("end {}", result.steps.len()),
            RunEvent::Warning(warning) => format!("warning {warning}"),
        };
        let _ = self.0.send(line);
    }

    fn step_reported(&mut self, step: &mut authprobe::runner::StepResult) {
        let _ = self.0.send(format!("finish {}", step.name));
    }
}

/// Serves `app` on a free loopback port; returns its URL.
async fn serve(app: Router) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url::Url::parse(&format!("http://{address}")).expect("url")
}

/// Runs `suite` to the end with a [`Recorder`]: the result and what it was told.
async fn run_recorded(
    suite: &authprobe::suite::Suite,
    options: &RunOptions,
) -> (authprobe::runner::RunResult, Vec<String>) {
    let (sender, mut received) = mpsc::unbounded_channel();
    let (_stop, cancel) = watch::channel(false);
    let result = runner::run(
        std::slice::from_ref(suite),
        options,
        &mut Recorder(sender),
        cancel,
    )
    .await
    .expect("runs");
    let mut events = Vec::new();
    while let Ok(event) = received.try_recv() {
        events.push(event);
    }
    (result, events)
}

#[tokio::test]
async fn every_step_is_reported_once_in_order_before_the_suite_ends() {
    let server = TestServer::start().await;
    let yaml = "name: t\nsteps:\n  - name: one\n    request: { url: /landing }\n  - name: two\n    request: { url: /status/500 }\n    expect: { status: 200 }\n  - name: three\n    request: { url: /landing }\n";
    let suite = load(yaml);
    let options = RunOptions {
        target: Some(server.url.clone()),
        fail_fast: true,
        ..RunOptions::default()
    };

    let (result, events) = run_recorded(&suite, &options).await;

    assert_eq!(
        events,
        [
            "suite t",
            "step one Passed",
            "step two Failed",
            "finish one",
            "step three Skipped",
            "finish two",
            "finish three",
            "end 3"
        ]
    );
    assert_eq!(result.suites[0].steps[2].status, StepStatus::Skipped);
}

#[tokio::test]
async fn a_finished_step_is_reported_while_the_next_one_waits_and_when_the_run_is_stopped() {
    let (reached, mut hung) = mpsc::unbounded_channel::<()>();
    let app = Router::new().route("/ok", get(|| async { "ok" })).route(
        "/hang",
        get(move || async move {
            let _ = reached.send(());
            std::future::pending::<&'static str>().await
        }),
    );
    let target = serve(app).await;
    let yaml = "name: t\nsteps:\n  - name: quick\n    request: { url: /ok }\n  - name: hangs\n    request: { url: /hang }\n    timeout: 10m\n";
    let suite = load(yaml);
    let options = RunOptions {
        target: Some(target),
        ..RunOptions::default()
    };
    let (sender, mut received) = mpsc::unbounded_channel();
    let (stop, cancel) = watch::channel(false);
    let run = tokio::spawn(async move {
        runner::run(
            std::slice::from_ref(&suite),
            &options,
            &mut Recorder(sender),
            cancel,
        )
        .await
    });

    // Once the second request has reached the server, the first step has been reported.
    tokio::time::timeout(PATIENCE, hung.recv())
        .await
        .expect("the run reaches the hanging step");
    let mut events = Vec::new();
    while events.len() < 2 {
        let event = tokio::time::timeout(PATIENCE, received.recv())
            .await
            .expect("the quick step is reported while the next one waits");
        events.extend(event);
    }
    assert_eq!(events, ["suite t", "step quick Passed"]);

    stop.send(true).expect("the run listens");
    let result = tokio::time::timeout(PATIENCE, run)
        .await
        .expect("the run stops")
        .expect("joins")
        .expect("runs");
    assert!(result.interrupted);
    assert_eq!(result.suites[0].steps.len(), 1);
    assert_eq!(received.try_recv().as_deref(), Ok("finish quick"));
    assert_eq!(received.try_recv().as_deref(), Ok("end 1"));
}

#[tokio::test]
async fn assertions_evaluated_after_the_next_request_left_are_in_the_step_when_it_is_reported() {
    let server = TestServer::start().await;
    // The first step's assertions read only its response: they wait for the second step's
    // request to leave. The second one's reads a variable the first captured: it does not wait.
    let yaml = "name: t\nsteps:\n  - name: one\n    request: { url: /json }\n    expect:\n      status: 201\n      json: { $.user.name: Alice }\n    capture:\n      name: { json: $.user.name }\n      missing: { json: $.nothing }\n  - name: two\n    request: { url: /json }\n    expect:\n      json: { $.user.name: \"{{ name }}\" }\n";
    let suite = load(yaml);
    let options = RunOptions {
        target: Some(server.url.clone()),
        ..RunOptions::default()
    };

    let (result, events) = run_recorded(&suite, &options).await;

    assert_eq!(
        events,
        [
            "suite t",
            "step one Failed",
            "step two Passed",
            "finish one",
            "finish two",
            "end 2"
        ]
    );
    let one = &result.suites[0].steps[0];
    let checks: Vec<(&str, bool)> = one
        .checks
        .iter()
        .map(|check| (check.name.as_str(), check.passed))
        .collect();
    assert_eq!(
        checks,
        [
            ("status", false),
            ("json $.user.name", true),
            ("capture missing", false)
        ]
    );
    assert_eq!(one.captures.len(), 1);
    assert_eq!(result.summary.failed, 1);
}

/// Takes its time over every finished step, as a slow console would.
struct SlowListener;

impl RunListener for SlowListener {
    fn on_event(&mut self, event: RunEvent<'_>) {
        if let RunEvent::StepFinished { .. } = event {
            std::thread::sleep(SLOW_LISTENER);
        }
    }
}

const SLOW_LISTENER: Duration = Duration::from_millis(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finishing_a_large_step_or_one_before_a_timed_or_hurried_step_does_not_count_in_it() {
    let app = Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/large", get(|| async { "x".repeat(100 * 1024) }));
    let target = serve(app).await;
    // After a large step, and before a step timing itself or with little time to answer, the step
    // before is finished first.
    let yaml = "name: t\nsteps:\n  - name: large\n    request: { url: /large }\n  - name: after the large one\n    request: { url: /ok }\n  - name: small\n    request: { url: /ok }\n  - name: timed\n    request: { url: /ok }\n    expect: { duration: { lt: 60000 } }\n  - name: small again\n    request: { url: /ok }\n  - name: hurried\n    request: { url: /ok }\n    timeout: 900ms\n";
    let suite = load(yaml);
    let options = RunOptions {
        target: Some(target),
        ..RunOptions::default()
    };
    let (_stop, cancel) = watch::channel(false);

    let result = runner::run(
        std::slice::from_ref(&suite),
        &options,
        &mut SlowListener,
        cancel,
    )
    .await
    .expect("runs");

    let steps = &result.suites[0].steps;
    for index in [1, 3, 5] {
        let step = &steps[index];
        assert!(
            step.duration_ms < SLOW_LISTENER.as_secs_f64() * 1000.0 / 2.0,
            "`{}` took {} ms",
            step.name,
            step.duration_ms
        );
    }
}
