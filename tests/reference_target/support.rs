//! Running some of the bundled suites against a reference target with chosen flaws, through the
//! library, as the check-level proofs need.

use std::path::PathBuf;

use authprobe::config::SuiteSelection;
use authprobe::reference_target::{self, FlawSet, TargetConfig};
use authprobe::runner::{self, RunOptions, RunResult, Silent};

/// Runs `suites/<file>` for each of `files` against a fresh reference target with `flaws` on.
pub async fn run_bundled(flaws: FlawSet, files: &[&str]) -> RunResult {
    let target = reference_target::start(
        TargetConfig::with_flaws(flaws),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("the reference target starts");
    let vars = target.suite_vars();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("suites");
    let selection = SuiteSelection {
        paths: files.iter().map(|file| dir.join(file)).collect(),
        vars: vars.clone(),
        ..SuiteSelection::default()
    };
    let loaded = authprobe::app::load(&selection).expect("the suites load");
    let options = RunOptions {
        target: Some(target.url().clone()),
        vars,
        ..RunOptions::default()
    };
    let (_keep_running, cancel) = tokio::sync::watch::channel(false);
    let result = runner::run(&loaded, &options, &mut Silent, cancel)
        .await
        .expect("the run starts");
    target.shutdown().await.expect("the target stops");
    result
}
