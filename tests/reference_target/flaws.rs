//! The bundled suites against the reference target, once secure and once per flaw: the secure
//! target fails no step, and each flaw fails exactly the steps this table names. A flaw missing
//! from the table, or one that fails no step, fails the test: a flaw nobody catches proves that a
//! check is missing.

use std::collections::BTreeSet;
use std::path::PathBuf;

use authprobe::app::{self, LocalReference};
use authprobe::config::{StandInAddresses, SuiteSelection};
use authprobe::reference_target::{Flaw, FlawSet, TargetConfig};
use authprobe::runner::{self, RunOptions, RunResult, Silent, StepStatus};

/// (suite file stem, step name) of the steps each flaw must fail, and no others.
const CAUGHT_BY: &[(Flaw, &[(&str, &str)])] = &[
    (
        Flaw::KeepSessionIdAtLogin,
        &[
            (
                "session",
                "logging in again with a form issues a new session id",
            ),
            (
                "session",
                "the session id replaced at login no longer opens /me",
            ),
            (
                "session",
                "a session id planted before login is not adopted",
            ),
            ("session", "the planted session id does not open /me"),
            (
                "session",
                "login renews the session id and adopts no id the client chose",
            ),
        ],
    ),
    (
        Flaw::LogoutClientSideOnly,
        &[
            (
                "session",
                "the session id from before logout is dead on the server",
            ),
            ("session", "logout kills the session on the server"),
        ],
    ),
    (
        Flaw::CookieNotHttponly,
        &[
            (
                "session",
                "login with JSON sets an HttpOnly SameSite=Lax session cookie",
            ),
            (
                "session",
                "logging in again with a form issues a new session id",
            ),
            (
                "google",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
            (
                "github",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
        ],
    ),
    (
        Flaw::CookieNoSamesite,
        &[
            (
                "session",
                "login with JSON sets an HttpOnly SameSite=Lax session cookie",
            ),
            (
                "google",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
            (
                "github",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
        ],
    ),
    (
        Flaw::AcceptAlgNone,
        &[
            (
                "jwt",
                "forged, tampered and misused tokens are refused, each attack its own check",
            ),
            ("jwt", "an unsigned token with alg none is refused"),
            ("jwt", "an unsigned token with alg nOnE is refused"),
        ],
    ),
    (
        Flaw::SkipSignatureCheck,
        &[
            (
                "jwt",
                "forged, tampered and misused tokens are refused, each attack its own check",
            ),
            ("jwt", "an unsigned token with alg none is refused"),
            ("jwt", "an unsigned token with alg nOnE is refused"),
            ("jwt", "a token with its signature dropped is refused"),
            ("jwt", "a token whose subject was edited is refused"),
            ("jwt", "a token signed with another key is refused"),
            (
                "jwt",
                "a token signed with the well-known weak secret \"secret\" is refused",
            ),
        ],
    ),
    (
        Flaw::IgnoreExp,
        &[
            (
                "jwt",
                "forged, tampered and misused tokens are refused, each attack its own check",
            ),
            (
                "jwt",
                "an expired token signed with the test key is refused",
            ),
        ],
    ),
    (
        Flaw::WeakHmacSecret,
        &[
            (
                "jwt",
                "the password grant issues a bearer access token and a refresh token",
            ),
            (
                "jwt",
                "forged, tampered and misused tokens are refused, each attack its own check",
            ),
            (
                "jwt",
                "a token signed with the well-known weak secret \"secret\" is refused",
            ),
            (
                "jwt",
                "the token re-signed with the test key is accepted (control for the expiry step)",
            ),
        ],
    ),
    (
        Flaw::RefreshTokenAsAccess,
        &[
            (
                "jwt",
                "forged, tampered and misused tokens are refused, each attack its own check",
            ),
            ("jwt", "the refresh token is refused as an access token"),
        ],
    ),
    (
        Flaw::IdTokenAsAccess,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::NoWwwAuthenticate,
        &[
            ("api-key", "no key is 401 with a challenge"),
            ("jwt", "no token is refused with a Bearer challenge"),
            ("jwt", "a token that is not a JWT is refused"),
            ("jwt", "an unsigned token with alg none is refused"),
            (
                "jwt",
                "an expired token signed with the test key is refused",
            ),
        ],
    ),
    (
        Flaw::IgnoreNbf,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::SkipAudIssCheck,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::Hs256KeyConfusion,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::TrustEmbeddedJwk,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::FetchJku,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::KidAsFilePath,
        &[(
            "jwt",
            "forged, tampered and misused tokens are refused, each attack its own check",
        )],
    ),
    (
        Flaw::ApiKeyShortMatch,
        &[(
            "api-key",
            "wrong keys of every kind get one and the same 403, each attack its own check",
        )],
    ),
    (
        Flaw::NoRefreshRotation,
        &[
            (
                "refresh",
                "ten refreshes with one token at once, at most one succeeds",
            ),
            ("refresh", "refreshing rotates the refresh token"),
            ("refresh", "the rotated-out refresh token is refused"),
            (
                "refresh",
                "that reuse revoked the family, newest refresh token included",
            ),
            ("refresh", "the new family refreshes normally (control)"),
            (
                "refresh",
                "the refresh token rotates, the old one dies, and its reuse revokes the family",
            ),
        ],
    ),
    (
        Flaw::NoRefreshReuseDetection,
        &[
            (
                "refresh",
                "that reuse revoked the family, newest refresh token included",
            ),
            (
                "refresh",
                "the refresh token rotates, the old one dies, and its reuse revokes the family",
            ),
        ],
    ),
    (
        Flaw::ApiKeyTrimmed,
        &[(
            "api-key",
            "the export link takes the key from the query, exactly as sent, each attack its own check",
        )],
    ),
    (
        Flaw::ApiKeyAnyValue,
        &[
            ("api-key", "a wrong key is 403 Invalid API Key"),
            ("api-key", "the key with characters appended is refused"),
            ("api-key", "the key in another letter case is refused"),
            (
                "api-key",
                "wrong keys of every kind get one and the same 403, each attack its own check",
            ),
        ],
    ),
    (
        Flaw::ApiKeyPrefixMatch,
        &[
            (
                "api-key",
                "wrong keys of every kind get one and the same 403, each attack its own check",
            ),
            ("api-key", "the key with characters appended is refused"),
        ],
    ),
    (
        Flaw::ApiKeyCaseInsensitive,
        &[
            (
                "api-key",
                "wrong keys of every kind get one and the same 403, each attack its own check",
            ),
            ("api-key", "the key in another letter case is refused"),
        ],
    ),
    (
        Flaw::ApiKeyInQuery,
        &[
            (
                "api-key",
                "a missing key, or the key in the query string, gets 401, each attack its own check",
            ),
            ("api-key", "the key in the query string is not accepted"),
        ],
    ),
    (
        Flaw::ApiKeyMissingIs403,
        &[
            (
                "api-key",
                "a missing key, or the key in the query string, gets 401, each attack its own check",
            ),
            ("api-key", "no key is 401 with a challenge"),
            ("api-key", "the key in the query string is not accepted"),
        ],
    ),
    (
        Flaw::SkipStateCheck,
        &[
            (
                "google",
                "a callback whose state was tampered with is refused before the code is redeemed",
            ),
            ("google", "the tampered-state browser is not signed in"),
            (
                "google",
                "a callback without a state is refused before the code is redeemed",
            ),
            ("google", "the missing-state browser is not signed in"),
            (
                "google",
                "in the whole suite one code was redeemed and the first browser is still signed in",
            ),
            (
                "github",
                "a callback whose state was tampered with is refused before the code is redeemed",
            ),
            ("github", "the tampered-state browser is not signed in"),
            (
                "github",
                "a callback without a state is refused before the code is redeemed",
            ),
            ("github", "the missing-state browser is not signed in"),
            (
                "github",
                "in the whole suite one code was redeemed and the first browser is still signed in",
            ),
        ],
    ),
    (
        Flaw::NoPkce,
        &[
            (
                "google",
                "login redirects to Google with state, nonce, PKCE S256 and the exact redirect_uri",
            ),
            (
                "google",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
            (
                "github",
                "login redirects to GitHub with state, PKCE S256 and the exact redirect_uri",
            ),
            (
                "github",
                "the callback redeems the code once with the PKCE verifier and opens an HttpOnly session",
            ),
        ],
    ),
    (
        Flaw::SkipNonceCheck,
        &[
            (
                "google-wrong-nonce",
                "the callback refuses an ID token whose nonce is not this login's",
            ),
            ("google-wrong-nonce", "the browser is not signed in"),
        ],
    ),
    (
        Flaw::AcceptWrongAud,
        &[
            (
                "google-wrong-aud",
                "the callback refuses an ID token whose aud is another client",
            ),
            ("google-wrong-aud", "the browser is not signed in"),
        ],
    ),
    (
        Flaw::OpenRedirectAfterLogin,
        &[
            (
                "google",
                "a login asking to go to another site afterwards is refused (open redirect)",
            ),
            (
                "google",
                "a login asking to go to a protocol-relative URL afterwards is refused",
            ),
            (
                "github",
                "a login asking to go to another site afterwards is refused (open redirect)",
            ),
            (
                "github",
                "a login asking to go to a protocol-relative URL afterwards is refused",
            ),
        ],
    ),
];

type StepId = (String, String);

fn suites_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("suites")
}

/// Runs the bundled suites against a fresh target with `flaws` and its Google and GitHub
/// stand-ins, started as `authprobe run` starts them without `--target` (demo vars passed in) or,
/// with `demo_vars` false, as `--target` would against the demo (the suites' own defaults).
async fn run_suites(flaws: FlawSet, demo_vars: bool) -> RunResult {
    let LocalReference {
        target, stand_ins, ..
    } = app::start_local_reference(
        TargetConfig::with_flaws(flaws),
        &StandInAddresses::default(),
    )
    .await
    .expect("the reference target and its stand-ins start");
    let vars = if demo_vars {
        target.suite_vars()
    } else {
        Vec::new()
    };
    let selection = SuiteSelection {
        paths: vec![suites_dir()],
        vars: vars.clone(),
        ..SuiteSelection::default()
    };
    let suites = app::load(&selection).expect("the bundled suites load");
    let options = RunOptions {
        target: Some(target.url().clone()),
        vars,
        stand_ins: Some(stand_ins),
        ..RunOptions::default()
    };
    let (_keep_running, cancel) = tokio::sync::watch::channel(false);
    let result = runner::run(&suites, &options, &mut Silent, cancel)
        .await
        .expect("the run starts");
    target.shutdown().await.expect("the target stops");
    result
}

/// Every step that did not pass, as (file stem, step name).
fn not_passed(result: &RunResult) -> BTreeSet<StepId> {
    result
        .suites
        .iter()
        .flat_map(|suite| {
            let stem = file_stem(&suite.file);
            suite
                .steps
                .iter()
                .filter(|step| step.status != StepStatus::Passed)
                .map(move |step| (stem.clone(), step.name.clone()))
        })
        .collect()
}

/// The suite's id in the table: its file name without folder or extension.
fn file_stem(file: &str) -> String {
    std::path::Path::new(file)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn describe(result: &RunResult, steps: &BTreeSet<StepId>) -> String {
    if steps.is_empty() {
        return " none".to_owned();
    }
    let mut text = String::new();
    for (suite, name) in steps {
        text.push_str(&format!("\n  {suite}: {name}"));
        // Step names are unique within a suite, not across suites (google and github share some).
        let step = result
            .suites
            .iter()
            .filter(|listed| &file_stem(&listed.file) == suite)
            .flat_map(|listed| &listed.steps)
            .find(|step| &step.name == name);
        if let Some(step) = step {
            if let Some(error) = &step.error {
                text.push_str(&format!("\n      error: {error}"));
            }
            for check in step.failed_checks() {
                text.push_str(&format!(
                    "\n      {}: expected {}, got {}",
                    check.name, check.expected, check.actual
                ));
            }
        }
    }
    text
}

#[tokio::test]
async fn the_secure_target_passes_every_bundled_step_with_demo_vars_and_with_suite_defaults() {
    for demo_vars in [true, false] {
        let result = run_suites(FlawSet::none(), demo_vars).await;
        let failing = not_passed(&result);
        assert!(
            failing.is_empty(),
            "the secure target failed (demo vars: {demo_vars}):{}",
            describe(&result, &failing)
        );
        assert!(
            result.summary.steps >= 40,
            "only {} steps ran",
            result.summary.steps
        );
    }
}

#[tokio::test]
async fn every_flaw_fails_exactly_the_steps_that_catch_it() {
    let mut problems = Vec::new();
    for flaw in Flaw::ALL {
        let Some((_, expected)) = CAUGHT_BY.iter().find(|(listed, _)| listed == flaw) else {
            problems.push(format!("{flaw}: not in the table; which step catches it?"));
            continue;
        };
        let expected: BTreeSet<StepId> = expected
            .iter()
            .map(|(suite, step)| ((*suite).to_owned(), (*step).to_owned()))
            .collect();
        let result = run_suites([*flaw].into_iter().collect(), true).await;
        let failing = not_passed(&result);
        if failing.is_empty() {
            problems.push(format!("{flaw}: no bundled step catches it"));
        } else if failing != expected {
            let missed: BTreeSet<StepId> = expected.difference(&failing).cloned().collect();
            let extra: BTreeSet<StepId> = failing.difference(&expected).cloned().collect();
            problems.push(format!(
                "{flaw}:\n  expected to fail but passed:{}\n  failed but not in the table:{}",
                describe(&result, &missed),
                describe(&result, &extra)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
