//! Each attack, proven at the level of its own check: on the secure target no attack check fails,
//! and for every attack a flaw of the reference target makes that very check fail. An attack with
//! no flaw to prove it must be listed, with the reason, in `NOT_PROVEN_HERE`.

use std::collections::BTreeSet;

use authprobe::attack::{ApiKeyAttack, JwtAttack};
use authprobe::reference_target::{Flaw, FlawSet};

use crate::support::run_bundled;

/// (check-name prefix, the flaw that must make a check with that prefix fail).
const PROVEN_BY: &[(&str, Flaw)] = &[
    ("attack jwt alg-none (", Flaw::AcceptAlgNone),
    ("attack jwt null-signature", Flaw::SkipSignatureCheck),
    ("attack jwt truncated-signature", Flaw::SkipSignatureCheck),
    ("attack jwt tampered-claims", Flaw::SkipSignatureCheck),
    ("attack jwt blank-secret", Flaw::SkipSignatureCheck),
    ("attack jwt weak-secrets (secret)", Flaw::WeakHmacSecret),
    (
        "attack jwt key-confusion (spki pem)",
        Flaw::Hs256KeyConfusion,
    ),
    ("attack jwt embedded-jwk", Flaw::TrustEmbeddedJwk),
    ("attack jwt jku", Flaw::FetchJku),
    ("attack jwt x5u", Flaw::FetchJku),
    (
        "attack jwt kid-injection (path traversal)",
        Flaw::KidAsFilePath,
    ),
    ("attack jwt privilege", Flaw::SkipSignatureCheck),
    ("attack jwt expired", Flaw::IgnoreExp),
    ("attack jwt nbf-future", Flaw::IgnoreNbf),
    ("attack jwt no-exp", Flaw::IgnoreExp),
    ("attack jwt wrong-aud", Flaw::SkipAudIssCheck),
    ("attack jwt wrong-iss", Flaw::SkipAudIssCheck),
    ("attack jwt refresh-as-access", Flaw::RefreshTokenAsAccess),
    ("attack jwt id-token-as-access", Flaw::IdTokenAsAccess),
    ("attack api-key wrong", Flaw::ApiKeyAnyValue),
    ("attack api-key truncated", Flaw::ApiKeyShortMatch),
    ("attack api-key extended", Flaw::ApiKeyPrefixMatch),
    ("attack api-key case-flipped", Flaw::ApiKeyCaseInsensitive),
    ("attack api-key in-query", Flaw::ApiKeyInQuery),
    ("attack api-key whitespace-padded", Flaw::ApiKeyTrimmed),
    ("attack api-key missing", Flaw::ApiKeyMissingIs403),
    ("attack no-credential", Flaw::ApiKeyMissingIs403),
    (
        "attack api-key same answer for every wrong key",
        Flaw::ApiKeyPrefixMatch,
    ),
];

/// Attacks no bundled suite can prove against the reference target yet, and why.
/// Empty now: every attack has its flaw.
const NOT_PROVEN_HERE: &[(&str, &str)] = &[];

/// The bundled suites that run attacks.
const SUITES: &[&str] = &["jwt.yaml", "api-key.yaml"];

/// The names of the attack checks that failed against a target with `flaws`, and of all attack
/// checks that ran.
async fn attack_checks(flaws: FlawSet) -> (BTreeSet<String>, BTreeSet<String>) {
    let result = run_bundled(flaws, SUITES).await;
    let checks: Vec<_> = result
        .suites
        .iter()
        .flat_map(|suite| &suite.steps)
        .flat_map(|step| &step.checks)
        .filter(|check| check.name.starts_with("attack "))
        .collect();
    let failed = checks
        .iter()
        .filter(|check| !check.passed)
        .map(|check| check.name.clone())
        .collect();
    let ran = checks.iter().map(|check| check.name.clone()).collect();
    (failed, ran)
}

#[tokio::test]
async fn every_attack_check_passes_on_the_secure_target_and_fails_with_the_flaw_that_proves_it() {
    let (failed, ran) = attack_checks(FlawSet::none()).await;
    assert!(
        failed.is_empty(),
        "the secure target failed attack checks: {failed:#?}"
    );
    assert!(
        ran.len() >= 45,
        "only {} distinct attack checks ran",
        ran.len()
    );
    for control in ["attack control before", "attack control after"] {
        assert!(ran.contains(control), "{control} did not run");
    }

    let mut problems = Vec::new();
    let flaws: BTreeSet<Flaw> = PROVEN_BY.iter().map(|(_, flaw)| *flaw).collect();
    for flaw in flaws {
        let (failed, _) = attack_checks([flaw].into_iter().collect()).await;
        for (prefix, _) in PROVEN_BY.iter().filter(|(_, proving)| *proving == flaw) {
            if !failed.iter().any(|name| name.starts_with(prefix)) {
                problems.push(format!(
                    "{flaw} does not fail `{prefix}…`; failed: {failed:?}"
                ));
            }
        }
        if failed.contains("attack control after") {
            problems.push(format!("{flaw} broke the persistence control"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_attack_is_proven_by_a_flaw_or_listed_with_the_reason_it_is_not() {
    let names = JwtAttack::ALL
        .iter()
        .map(|attack| ("jwt", attack.name()))
        .chain(
            ApiKeyAttack::ALL
                .iter()
                .map(|attack| ("api-key", attack.name())),
        );
    for (family, name) in names {
        let prefix = format!("attack {family} {name}");
        let proven = PROVEN_BY
            .iter()
            .any(|(proven, _)| proven.starts_with(&prefix));
        let excused = NOT_PROVEN_HERE.iter().any(|(listed, _)| *listed == name);
        assert!(
            proven != excused,
            "{prefix}: proven {proven}, listed as not proven {excused}"
        );
    }
}

/// What a reader sees of failed attack checks: name, expectation and answer, for a target with a
/// few flaws on. Pins the wording; no port, token or date appears in these lines.
#[tokio::test]
async fn failed_attack_checks_read_as_name_expectation_and_answer() {
    let flaws: FlawSet = [Flaw::AcceptAlgNone, Flaw::FetchJku, Flaw::ApiKeyPrefixMatch]
        .into_iter()
        .collect();
    let result = run_bundled(flaws, SUITES).await;
    let mut lines = String::new();
    for step in result.suites.iter().flat_map(|suite| &suite.steps) {
        for check in step
            .failed_checks()
            .filter(|check| check.name.starts_with("attack "))
        {
            lines.push_str(&format!(
                "{} (line {})\n  expected: {}\n  actual:   {}\n",
                check.name, check.line, check.expected, check.actual
            ));
        }
    }
    insta::assert_snapshot!(lines);
}

/// Every attack check keeps the exchange it was judged on, after the step's own, labelled with
/// the check's name: the reports show what was sent and what came back.
#[tokio::test]
async fn each_attack_check_keeps_the_exchange_it_judged() {
    let result = run_bundled(FlawSet::default(), SUITES).await;
    let mut attack_steps = 0;
    for step in result.suites.iter().flat_map(|suite| &suite.steps) {
        let labelled: Vec<&str> = step
            .exchanges
            .iter()
            .filter_map(|exchange| exchange.label.as_deref())
            .collect();
        let judged: Vec<&str> = step
            .checks
            .iter()
            .map(|check| check.name.as_str())
            .filter(|name| {
                name.starts_with("attack ")
                    && *name != "attack control before"
                    && !name.starts_with("attack api-key same answer")
            })
            .collect();
        assert_eq!(labelled, judged, "step `{}`", step.name);
        if judged.is_empty() {
            continue;
        }
        attack_steps += 1;
        assert!(
            step.exchanges[0].label.is_none(),
            "the step's own exchange comes first"
        );
    }
    assert!(
        attack_steps >= 2,
        "the bundled suites attack a JWT and an API key"
    );
}
