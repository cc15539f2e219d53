//! `authprobe jwt decode | verify | forge` through the binary: outputs pinned, exit codes 0 (valid),
//! 1 (invalid) and 2 (usage).

use std::io::Write as _;
use std::process::{Command, Stdio};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const SECRET: &str = "cli-test-secret";

fn token() -> String {
    let claims = json!({ "sub": "alice", "iat": 1_700_000_000u64, "exp": 4_102_444_800u64 });
    let key = EncodingKey::from_secret(SECRET.as_bytes()).expect("key");
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs")
}

/// (exit code, stdout, stderr) of `authprobe jwt <args>` with `stdin` piped in.
fn jwt(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authprobe"))
        .arg("jwt")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writes stdin");
    let output = child.wait_with_output().expect("finishes");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn decode_prints_header_claims_and_times_without_verifying() {
    let (code, stdout, _) = jwt(&["decode", &token()], "");
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn decode_names_a_time_past_the_year_9999_instead_of_a_date() {
    let claims = json!({ "iat": 253_402_300_800u64, "exp": u64::MAX });
    let key = EncodingKey::from_secret(SECRET.as_bytes()).expect("key");
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs");
    let (code, stdout, stderr) = jwt(&["decode", &token], "");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("iat: past the year 9999\n"), "{stdout}");
    assert!(stdout.contains("exp: past the year 9999\n"), "{stdout}");
}

#[test]
fn verify_exits_0_for_a_valid_token_and_1_for_each_kind_of_invalid_one() {
    let token = token();
    let (code, stdout, _) = jwt(&["verify", &token, "--secret", SECRET], "");
    assert_eq!(
        (code, stdout.as_str()),
        (
            0,
            "valid: HS256 signature verifies; exp and nbf within 60s\n"
        )
    );
    let (code, stdout, _) = jwt(&["verify", &token, "--secret", "other"], "");
    assert_eq!(
        (code, stdout.as_str()),
        (1, "invalid: the signature does not verify with this key\n")
    );
    let (code, stdout, _) = jwt(
        &["verify", &token, "--secret", SECRET, "--alg", "RS256"],
        "",
    );
    assert_eq!(
        (code, stdout.as_str()),
        (1, "invalid: alg `HS256` is not one of RS256\n")
    );
    // Not a JWT at all is not valid either, and a broken signature says so.
    let (code, stdout, _) = jwt(&["verify", "only.two", "--secret", SECRET], "");
    assert_eq!(code, 1);
    assert!(stdout.starts_with("invalid: not a JWT"), "{stdout}");
    let broken = format!("{}+!", token.rsplit_once('.').expect("three parts").0);
    let (code, stdout, _) = jwt(&["verify", &format!("{broken}."), "--secret", SECRET], "");
    assert_eq!(code, 1, "{stdout}");
    let private = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(
        private.path(),
        "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n",
    )
    .expect("writes");
    let pem = private.path().to_string_lossy().into_owned();
    let (code, _, stderr) = jwt(&["verify", &token, "--pem", &pem], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("--pem takes the public key"), "{stderr}");
    let (code, stdout, _) = jwt(&["verify", "-", "--secret", SECRET], &format!("{token}\n"));
    assert_eq!(
        (code, stdout.as_str()),
        (
            0,
            "valid: HS256 signature verifies; exp and nbf within 60s\n"
        )
    );
}

#[test]
fn forge_prints_each_variant_and_the_forged_tokens_are_what_they_claim() {
    let (code, stdout, _) = jwt(&["forge", &token(), "--attack", "alg-none"], "");
    assert_eq!(code, 0);
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|line| line.split_once('\t').expect("name<TAB>token"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[3].0, "jwt alg-none (nOnE)");
    assert!(lines[3].1.ends_with('.'));

    let (code, stdout, _) = jwt(
        &["forge", &token(), "--attack", "expired", "--key", SECRET],
        "",
    );
    assert_eq!(code, 0);
    let expired = stdout.split_once('\t').expect("a line").1.trim();
    let (code, stdout, _) = jwt(&["verify", expired, "--secret", SECRET], "");
    assert_eq!(
        (code, stdout.as_str()),
        (1, "invalid: expired: `exp` is more than 60s past\n")
    );

    let (_, stdout, _) = jwt(
        &["forge", &token(), "--attack", "no-exp", "--key", SECRET],
        "",
    );
    let endless = stdout.split_once('\t').expect("a line").1.trim();
    let (code, stdout, _) = jwt(&["verify", endless, "--secret", SECRET], "");
    assert_eq!(
        (code, stdout.as_str()),
        (1, "invalid: no `exp`: the token never expires\n")
    );
}

#[test]
fn an_attack_that_needs_a_key_names_the_flag_that_gives_it() {
    let (code, _, stderr) = jwt(&["forge", &token(), "--attack", "expired"], "");
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: `expired` needs the target's signing key: pass `--key`\n"
        )
    );
}

#[test]
fn every_attack_input_has_a_flag_and_a_missing_one_is_named() {
    for (attack, flag) in [
        ("refresh-as-access", "--refresh-token"),
        ("id-token-as-access", "--id-token"),
        ("jku", "--listener URL"),
        ("x5u", "--listener URL"),
    ] {
        let (code, stdout, stderr) = jwt(&["forge", &token(), "--attack", attack], "");
        assert_eq!(code, 2, "{attack}: {stdout}");
        assert!(
            stderr.contains(&format!("pass `{flag}`")),
            "{attack}: {stderr}"
        );
    }

    let (code, stdout, stderr) = jwt(
        &[
            "forge",
            &token(),
            "--attack",
            "refresh-as-access",
            "--refresh-token",
            "rt-123",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.split_once('\t').expect("a line").1, "rt-123\n");

    // The listener's own path is kept: the forged header points under it.
    let (code, stdout, stderr) = jwt(
        &[
            "forge",
            &token(),
            "--attack",
            "jku",
            "--listener",
            "https://watch.example/case-7",
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let forged = stdout.split_once('\t').expect("a line").1.trim();
    let header = forged.split('.').next().expect("a header");
    use base64::Engine as _;
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .expect("base64url"),
    )
    .expect("json");
    assert_eq!(
        header["jku"],
        "https://watch.example/case-7/authprobe/jwks.json"
    );
}

#[test]
fn a_secret_or_key_may_start_with_a_dash_and_a_huge_leeway_accepts_any_exp() {
    let claims = json!({ "sub": "alice", "exp": 4_102_444_800u64 });
    let key = EncodingKey::from_secret(b"-starts-with-a-dash").expect("key");
    let dashed =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs");
    let (code, stdout, stderr) = jwt(&["verify", &dashed, "--secret", "-starts-with-a-dash"], "");
    assert_eq!(code, 0, "{stdout}{stderr}");

    // More seconds than since 1970: nothing is expired (jsonwebtoken would wrap around and call
    // every token expired).
    let claims = json!({ "sub": "alice", "exp": 1_000_000_000u64 });
    let key = EncodingKey::from_secret(SECRET.as_bytes()).expect("key");
    let old = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs");
    let (code, stdout, _) = jwt(&["verify", &old, "--secret", SECRET], "");
    assert_eq!(code, 1, "{stdout}");
    let (code, stdout, stderr) = jwt(
        &[
            "verify",
            &old,
            "--secret",
            SECRET,
            "--leeway",
            "3000000000s",
        ],
        "",
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, stderr) = jwt(
        &["forge", &token(), "--attack", "expired", "--key", "-dash"],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn verify_without_a_key_names_both_ways_to_give_one() {
    let (code, _, stderr) = jwt(&["verify", &token()], "");
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: give the key: --secret (HS256/384/512) or --pem FILE (RS*, PS*, ES*)\n"
        )
    );
}

#[test]
fn an_unknown_attack_is_a_usage_error_with_a_suggestion() {
    let (code, stdout, stderr) = jwt(&["forge", &token(), "--attack", "weak-secret"], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("unknown JWT attack `weak-secret`: did you mean `weak-secrets`?"),
        "{stderr}"
    );
}
