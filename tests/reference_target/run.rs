//! `authprobe run` without `--target`: the reference target starts in-process, the bundled suites
//! run against it, the reports are written, and the exit code says how it went.

use std::path::PathBuf;
use std::time::Duration;

use authprobe::config::{RunConfig, SuiteSelection};
use authprobe::exit;
use authprobe::reference_target::{Flaw, FlawSet};

fn config(flaws: FlawSet, report_dir: PathBuf) -> RunConfig {
    RunConfig {
        selection: SuiteSelection {
            paths: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("suites")],
            ..SuiteSelection::default()
        },
        target: None,
        blank_target_variable: false,
        flaws,
        fail_fast: false,
        timeout: Duration::from_secs(10),
        insecure: false,
        ca_certs: Vec::new(),
        max_body_bytes: 1024 * 1024,
        reports: authprobe::report::ReportFormat::ALL.to_vec(),
        snapshots: authprobe::snapshot::SnapshotOptions {
            dir: report_dir.join("snapshots"),
            ..Default::default()
        },
        report_dir,
        stand_ins: Default::default(),
    }
}

/// The console output without its ANSI colours.
fn plain(out: &[u8]) -> String {
    let styles = regex::Regex::new("\x1b\\[[0-9;]*m").expect("a valid regex");
    styles
        .replace_all(&String::from_utf8_lossy(out), "")
        .into_owned()
}

fn report_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authprobe-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn run_without_a_target_passes_every_bundled_suite_on_the_secure_reference_target() {
    let dir = report_dir("secure-run");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = authprobe::app::run(&config(FlawSet::none(), dir.clone()), &mut out, &mut err)
        .expect("runs");
    let out = plain(&out);
    assert_eq!(
        code,
        exit::SUCCESS,
        "{out}\n{}",
        String::from_utf8_lossy(&err)
    );
    assert!(
        out.starts_with("reference target: http://127.0.0.1:")
            && out
                .lines()
                .next()
                .is_some_and(|line| line.ends_with("(flaws: none (secure))")),
        "{out}"
    );
    assert!(dir.join("results.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_without_a_target_and_with_a_flaw_fails_with_exit_code_1() {
    let dir = report_dir("flawed-run");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let flaws: FlawSet = [Flaw::NoRefreshReuseDetection].into_iter().collect();
    let code = authprobe::app::run(&config(flaws, dir.clone()), &mut out, &mut err).expect("runs");
    let out = plain(&out);
    assert_eq!(code, exit::CHECK_FAILED, "{out}");
    assert!(out.contains("(flaws: no-refresh-reuse-detection)"), "{out}");
    assert!(
        out.contains("✗ that reuse revoked the family, newest refresh token included"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
