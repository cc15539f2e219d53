//! `check:` steps (refresh rotation, session fixation, logout), proven at the level of their named
//! checks: on the secure target every one passes, and each flaw fails exactly the checks it should.

use std::collections::BTreeSet;

use authprobe::reference_target::{Flaw, FlawSet};
use authprobe::runner::CheckResult;

use crate::support::run_bundled;

const CHECK_PREFIXES: &[&str] = &["refresh_rotation: ", "session_fixation: ", "logout: "];

/// Each flaw a check proves, and the checks it must fail: those and no others.
const FAILED_BY: &[(Flaw, &[&str])] = &[
    (
        Flaw::KeepSessionIdAtLogin,
        &[
            "session_fixation: login issues a new session id",
            "session_fixation: the new session id opens the protected page",
            // No "the pre-login session id is dead": the bundled suite has no `before` (the
            // reference target hands out no session before login), and the session of a first
            // login may live on beside a second.
            "session_fixation: a client-chosen session id is not adopted",
            "session_fixation: the client-chosen session id opens nothing",
        ],
    ),
    (
        Flaw::LogoutClientSideOnly,
        &["logout: the old session cookie no longer opens the protected page"],
    ),
    (
        Flaw::NoRefreshRotation,
        &[
            "refresh_rotation: a new refresh token is issued",
            "refresh_rotation: the rotated-out token is refused",
            "refresh_rotation: reuse revokes the family, newest token included",
        ],
    ),
    (
        Flaw::NoRefreshReuseDetection,
        &["refresh_rotation: reuse revokes the family, newest token included"],
    ),
];

/// Every check of the `check:` steps in the session and refresh suites, run against a target with
/// `flaws`.
async fn step_checks(flaws: FlawSet) -> Vec<CheckResult> {
    let result = run_bundled(flaws, &["session.yaml", "refresh.yaml"]).await;
    result
        .suites
        .into_iter()
        .flat_map(|suite| suite.steps)
        .flat_map(|step| step.checks)
        .filter(|check| {
            CHECK_PREFIXES
                .iter()
                .any(|prefix| check.name.starts_with(prefix))
        })
        .collect()
}

fn failed_names(checks: &[CheckResult]) -> BTreeSet<String> {
    checks
        .iter()
        .filter(|check| !check.passed)
        .map(|check| check.name.clone())
        .collect()
}

#[tokio::test]
async fn every_session_and_refresh_check_passes_on_the_secure_target() {
    let checks = step_checks(FlawSet::none()).await;
    assert!(
        failed_names(&checks).is_empty(),
        "the secure target failed: {checks:#?}"
    );
    let ran: BTreeSet<&str> = checks.iter().map(|check| check.name.as_str()).collect();
    let listed: BTreeSet<&str> = FAILED_BY
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .collect();
    for name in listed {
        assert!(ran.contains(name), "`{name}` did not run: {ran:#?}");
    }
    // Four of session_fixation (no `before`), three of logout (its logout clears the cookie:
    // nothing new to replay) and three of refresh_rotation.
    assert_eq!(ran.len(), 10, "checks that ran: {ran:#?}");
}

#[tokio::test]
async fn each_session_and_refresh_flaw_fails_exactly_the_checks_that_catch_it() {
    let mut problems = Vec::new();
    for (flaw, expected) in FAILED_BY {
        let failed = failed_names(&step_checks([*flaw].into_iter().collect()).await);
        let expected: BTreeSet<String> = expected.iter().map(|name| (*name).to_owned()).collect();
        if failed != expected {
            problems.push(format!(
                "{flaw}: expected {expected:#?}, failed {failed:#?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What a reader sees of the failed checks of a target with every session and refresh flaw on.
/// Pins the wording; no session id or token appears in these lines.
#[tokio::test]
async fn failed_session_and_refresh_checks_read_as_name_expectation_and_answer() {
    let flaws: FlawSet = [
        Flaw::KeepSessionIdAtLogin,
        Flaw::LogoutClientSideOnly,
        Flaw::NoRefreshRotation,
    ]
    .into_iter()
    .collect();
    let mut lines = String::new();
    for check in step_checks(flaws).await {
        if !check.passed {
            lines.push_str(&format!(
                "{} (line {})\n  expected: {}\n  actual:   {}\n",
                check.name, check.line, check.expected, check.actual
            ));
        }
    }
    insta::assert_snapshot!(lines);
}
