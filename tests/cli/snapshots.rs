//! Response snapshots through the binary: pending, `--ci`, accept, match, mismatch with a diff,
//! update, and the rule that a failing step is never accepted.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::support::{Server, Workspace};

const ACCEPTED: &str = "snapshots/account/the-account-is-shown.snap";
const PENDING: &str = "snapshots/account/the-account-is-shown.snap.new";

/// The plan the target reports; tests change it to change the response.
type Plan = Arc<Mutex<&'static str>>;

/// Every response differs in its id, times, token, cookie and request id; only `plan` matters.
fn account_app(plan: Plan) -> Router {
    Router::new()
        .route(
            "/account",
            get(|State(plan): State<Plan>| async move {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
                let token = format!(
                    "{}.{}.{}",
                    URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string()),
                    URL_SAFE_NO_PAD.encode(
                        json!({"sub": "alice", "iat": now.as_secs(), "exp": now.as_secs() + 900, "jti": uuid::Uuid::new_v4().to_string()})
                            .to_string()
                    ),
                    URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
                );
                let cookie = format!("session={}; HttpOnly; Path=/", uuid::Uuid::new_v4().simple());
                let plan = *plan.lock().expect("the plan lock");
                (
                    [(header::SET_COOKIE, cookie)],
                    Json(json!({
                        "id": uuid::Uuid::new_v4().to_string(),
                        "user": "alice",
                        "plan": plan,
                        "created_at": now.as_secs(),
                        "seen": humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
                        "id_token": token,
                        "request_id": format!("req-{}", now.as_nanos()),
                    })),
                )
            }),
        )
        .with_state(plan)
}

struct Fixture {
    server: Server,
    workspace: Workspace,
    plan: Plan,
}

fn fixture(expect_status: u16) -> Fixture {
    let plan: Plan = Arc::new(Mutex::new("free"));
    let server = Server::start(account_app(Arc::clone(&plan)));
    let workspace = Workspace::new();
    workspace.write(
        "suites/account.yaml",
        &format!(
            r#"name: Account
snapshot: {{ headers: [content-type, set-cookie], redact: ["$.request_id"] }}
steps:
  - name: the account is shown
    request: {{ url: /account }}
    expect: {{ status: {expect_status} }}
"#
        ),
    );
    Fixture {
        server,
        workspace,
        plan,
    }
}

impl Fixture {
    fn run(&self, extra: &[&str]) -> crate::support::Run {
        self.workspace.run(&self.server.url, extra)
    }

    fn snapshot_check(&self) -> Value {
        let results: Value =
            serde_json::from_str(&self.workspace.read("reports/results.json")).expect("JSON");
        results["suites"][0]["steps"][0]["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|check| check["name"] == "snapshot")
            .cloned()
            .expect("a snapshot check")
    }
}

#[test]
fn a_step_without_a_snapshot_records_a_pending_one_and_passes() {
    let fixture = fixture(200);

    let run = fixture.run(&[]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("snapshots: 1 pending"), "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("new: recorded {PENDING} for review")),
        "{run:?}"
    );
    assert!(!fixture.workspace.exists(ACCEPTED));
    let pending = fixture.workspace.read(PENDING);
    insta::assert_snapshot!("account_snapshot_file", pending);
    assert_eq!(fixture.snapshot_check()["passed"], true);
}

#[test]
fn under_ci_a_step_without_a_snapshot_fails() {
    let fixture = fixture(200);

    let run = fixture.run(&["--ci"]);

    assert_eq!(run.code, 1, "{run:?}");
    let check = fixture.snapshot_check();
    assert_eq!(check["passed"], false);
    assert!(
        check["actual"]
            .as_str()
            .is_some_and(|actual| actual.contains("--ci requires one")),
        "{check}"
    );
    assert!(
        fixture.workspace.exists(PENDING),
        "the pending snapshot is there to download and review"
    );
    assert!(!fixture.workspace.exists(ACCEPTED));
}

#[test]
fn an_accepted_snapshot_matches_later_runs_and_is_not_rewritten() {
    let fixture = fixture(200);
    fixture.run(&[]);

    let accept = fixture.run(&["--update-snapshots"]);
    assert_eq!(accept.code, 0, "{accept:?}");
    assert!(
        accept.stdout.contains(&format!("recorded {ACCEPTED}")),
        "{accept:?}"
    );
    assert!(
        !fixture.workspace.exists(PENDING),
        "accepting removes the pending file"
    );
    let accepted = fixture.workspace.read(ACCEPTED);
    let written_at = std::fs::metadata(fixture.workspace.path(ACCEPTED))
        .and_then(|metadata| metadata.modified())
        .expect("a modification time");

    // Every volatile value differs in this response; the snapshot still matches.
    let again = fixture.run(&["--ci"]);

    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stdout.contains("snapshots: 1 matched"), "{again:?}");
    assert_eq!(fixture.workspace.read(ACCEPTED), accepted);
    let unchanged_at = std::fs::metadata(fixture.workspace.path(ACCEPTED))
        .and_then(|metadata| metadata.modified())
        .expect("a modification time");
    assert_eq!(
        written_at, unchanged_at,
        "a matching snapshot is not written again"
    );
    assert!(!fixture.workspace.exists(PENDING));
}

#[test]
fn a_changed_response_fails_with_a_diff_and_leaves_the_accepted_file_alone() {
    let fixture = fixture(200);
    fixture.run(&["--update-snapshots"]);
    let accepted = fixture.workspace.read(ACCEPTED);
    *fixture.plan.lock().expect("the plan lock") = "pro";

    let run = fixture.run(&[]);

    assert_eq!(run.code, 1, "{run:?}");
    let check = fixture.snapshot_check();
    assert_eq!(check["passed"], false);
    let diff = check["diff"].as_str().expect("a diff");
    assert!(
        diff.starts_with(&format!("--- {ACCEPTED}\n+++ this run\n")),
        "{diff}"
    );
    assert!(
        diff.contains("\n-  \"plan\": \"free\",\n+  \"plan\": \"pro\",\n"),
        "{diff}"
    );
    assert!(
        run.stdout.contains("+  \"plan\": \"pro\","),
        "the console shows the diff: {run:?}"
    );
    assert_eq!(
        fixture.workspace.read(ACCEPTED),
        accepted,
        "the accepted snapshot is untouched"
    );
    assert!(
        fixture
            .workspace
            .read(PENDING)
            .contains("\"plan\": \"pro\"")
    );
    let html = fixture.workspace.read("reports/index.html");
    assert!(html.contains("<span class=\"add\">+  &quot;plan&quot;: &quot;pro&quot;,</span>"));
    let junit = fixture.workspace.read("reports/junit.xml");
    assert!(junit.contains("+  \"plan\": \"pro\","), "{junit}");
}

#[test]
fn update_snapshots_accepts_a_changed_response() {
    let fixture = fixture(200);
    fixture.run(&["--update-snapshots"]);
    *fixture.plan.lock().expect("the plan lock") = "pro";
    fixture.run(&[]);

    let run = fixture.run(&["--update-snapshots"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("updated {ACCEPTED} (+1 −1 lines)")),
        "{run:?}"
    );
    assert!(
        fixture
            .workspace
            .read(ACCEPTED)
            .contains("\"plan\": \"pro\"")
    );
    assert!(!fixture.workspace.exists(PENDING));
    assert_eq!(fixture.run(&["--ci"]).code, 0);
}

#[test]
fn update_snapshots_never_accepts_a_step_that_failed_its_other_checks() {
    let fixture = fixture(201);

    let run = fixture.run(&["--update-snapshots"]);

    assert_eq!(run.code, 1, "{run:?}");
    assert!(!fixture.workspace.exists(ACCEPTED), "{run:?}");
    assert!(fixture.workspace.exists(PENDING));
    assert!(
        run.stdout.contains("(not accepted: the step failed)"),
        "{run:?}"
    );
}

#[test]
fn update_snapshots_and_ci_cannot_be_combined() {
    let fixture = fixture(200);

    let run = fixture.run(&["--update-snapshots", "--ci"]);

    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("cannot be used with"), "{run:?}");
    assert!(!fixture.workspace.exists("snapshots"));
}

#[test]
fn snapshot_dir_moves_the_snapshots() {
    let fixture = fixture(200);

    let run = fixture.run(&["--snapshot-dir", "review/snaps"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        fixture
            .workspace
            .exists("review/snaps/account/the-account-is-shown.snap.new")
    );
    assert!(!fixture.workspace.exists("snapshots"));
}

#[test]
fn mistakes_in_snapshot_settings_are_located_with_a_hint() {
    let workspace = Workspace::new();
    workspace.write(
        "suites/bad.yaml",
        r#"name: Bad snapshots
snapshot: { headers: [content-type], redakt: ["$.id"] }
steps:
  - name: one
    request: { url: "http://127.0.0.1:9/" }
    snapshot: { redact: ["id", "$.items[0"], headers: [x y] }
"#,
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_authprobe"))
        .current_dir(workspace.root())
        .env("NO_COLOR", "1")
        .args(["validate", "suites"])
        .output()
        .expect("runs the binary");
    let run = crate::support::Run::from(output);

    assert_eq!(run.code, 2, "{run:?}");
    insta::assert_snapshot!("snapshot_setting_diagnostics", run.stderr);
}

#[test]
fn a_snapshot_no_step_names_any_more_is_listed_as_stale_and_kept() {
    let fixture = fixture(200);
    fixture.run(&["--update-snapshots"]);
    assert!(fixture.workspace.exists(ACCEPTED));
    let suite = fixture
        .workspace
        .read("suites/account.yaml")
        .replace("the account is shown", "the account page is shown");
    fixture.workspace.write("suites/account.yaml", &suite);

    let run = fixture.run(&[]);

    assert!(run.stdout.contains("1 pending, 1 stale"), "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "? {ACCEPTED}: belongs to no step (renamed or removed? delete it if so)"
        )),
        "{run:?}"
    );
    assert!(
        fixture.workspace.exists(ACCEPTED),
        "a stale snapshot is kept"
    );
}
