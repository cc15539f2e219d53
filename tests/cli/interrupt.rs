//! Ctrl-C (or SIGTERM) in the middle of a run: the binary stops, writes whole reports for what finished, and
//! leaves no half-written file or temporary file behind.

use std::process::Stdio;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::{Run, Server, Workspace, files_under};

/// How long to wait for the binary before failing (never a synchronisation).
const PATIENCE: Duration = Duration::from_secs(60);

/// `/ok` answers; `/hang` tells the test it was reached and never answers.
fn hanging_app(reached: mpsc::Sender<()>) -> Router {
    Router::new()
        .route(
            "/ok",
            get(|| async { Json(json!({"ok": true, "items": (0..200).collect::<Vec<_>>()})) }),
        )
        .route(
            "/hang",
            get(
                |State(reached): State<Arc<Mutex<mpsc::Sender<()>>>>| async move {
                    let _ = reached.lock().expect("the sender lock").send(());
                    std::future::pending::<()>().await;
                },
            ),
        )
        .with_state(Arc::new(Mutex::new(reached)))
}

#[test]
fn sigint_mid_run_writes_whole_reports_and_no_partial_file() {
    stop_mid_run("-INT");
}

/// What CI sends a job it cancels.
#[test]
fn sigterm_mid_run_writes_whole_reports_and_no_partial_file() {
    stop_mid_run("-TERM");
}

fn stop_mid_run(signal: &str) {
    // Arrange: a step that snapshots, then one whose request never ends.
    let (reached, hung) = mpsc::channel();
    let server = Server::start(hanging_app(reached));
    let workspace = Workspace::new();
    workspace.write(
        "suites/slow.yaml",
        r#"name: Slow
steps:
  - name: a quick step
    request: { url: /ok }
    expect: { status: 200 }
    snapshot: true
  - name: a step that never ends
    request: { url: /hang }
    timeout: 10m
  - name: a step that never starts
    request: { url: /ok }
"#,
    );
    let child = workspace
        .command(&server.url, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts the binary");
    let pid = child.id();

    // Act: once the second step's request has reached the server, press Ctrl-C.
    hung.recv_timeout(PATIENCE)
        .expect("the run reaches the hanging step");
    let sent = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("runs kill");
    assert!(sent.success());
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let run = Run::from(
        finished
            .recv_timeout(PATIENCE)
            .expect("the binary exits after Ctrl-C")
            .expect("waits for the binary"),
    );

    // Assert: exit 130, every report whole and saying what finished.
    assert_eq!(run.code, 130, "{run:?}");
    assert!(run.stdout.contains("interrupted"), "{run:?}");
    let results: Value =
        serde_json::from_str(&workspace.read("reports/results.json")).expect("whole JSON");
    assert_eq!(results["interrupted"], true);
    let steps = results["suites"][0]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1, "only the finished step is reported");
    let junit = workspace.read("reports/junit.xml");
    assert!(
        junit.starts_with("<?xml") && junit.ends_with("</testsuites>\n"),
        "{junit}"
    );
    // A CI test tab must not show an interrupted run green.
    let counts = regex::Regex::new(r#"<testsuites [^>]*tests="2" failures="0" errors="1""#)
        .expect("a regex");
    assert!(
        junit.contains("<testcase name=\"run interrupted\"") && counts.is_match(&junit),
        "{junit}"
    );
    let html = workspace.read("reports/index.html");
    assert!(html.ends_with("</html>\n") && html.contains("interrupted"));
    let pending = workspace.read("snapshots/slow/a-quick-step.snap.new");
    assert!(
        pending.contains("HTTP 200\n") && pending.ends_with("  ]\n}\n"),
        "{pending}"
    );
    let leftovers: Vec<_> = files_under(workspace.root())
        .into_iter()
        .filter(|path| path.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}
