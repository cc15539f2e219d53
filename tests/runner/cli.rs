//! The binary as CI runs it: exit codes, console output, results.json.

use std::path::Path;
use std::process::Output;

use crate::support::TestServer;

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_authprobe")
}

/// A fresh folder for one test's suites and reports, removed when the test ends.
pub struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

pub fn scratch(name: &str) -> Scratch {
    let dir = tempfile::Builder::new()
        .prefix(&format!("authprobe-cli-{name}-"))
        .tempdir()
        .expect("creates scratch dir");
    Scratch(dir)
}

pub async fn authprobe(args: Vec<String>, dir: &Path) -> Output {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary())
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("AUTHPROBE_TARGET")
            .output()
            .expect("runs the binary")
    })
    .await
    .expect("joins")
}

/// Console output with what changes from run to run replaced.
pub fn stable(text: &[u8], server: &TestServer) -> String {
    let text = String::from_utf8_lossy(text)
        .replace(server.url.as_str().trim_end_matches('/'), "[target]");
    let durations = regex::Regex::new(r"\d+(\.\d+)?(ms|s)\b").expect("regex");
    durations.replace_all(&text, "[duration]").into_owned()
}

const MIXED_SUITE: &str = r#"name: mixed results
tags: [smoke]
secrets: [password]
vars: { password: "hunter2-secret" }
steps:
  - name: the landing page answers
    request: { url: /landing }
    expect: { status: 200, body: landed }
  - name: a wrong expectation fails
    request: { method: POST, url: /echo, form: { username: alice, password: "{{ password }}" } }
    expect:
      status: 201
      json: { $.body: { contains: "user=bob" } }
"#;

#[tokio::test]
async fn run_exits_1_on_a_failed_check_and_writes_results_json() {
    let server = TestServer::start().await;
    let dir = scratch("mixed");
    std::fs::write(dir.join("mixed.yaml"), MIXED_SUITE).expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "mixed.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    insta::assert_snapshot!("console_mixed_results", stable(&output.stdout, &server));

    let results =
        std::fs::read_to_string(dir.join("reports/results.json")).expect("results.json written");
    assert!(
        !results.contains("hunter2-secret"),
        "a declared secret leaked into results.json"
    );
    let json: serde_json::Value = serde_json::from_str(&results).expect("valid JSON");
    assert_eq!(json["summary"]["passed"], 1);
    assert_eq!(json["summary"]["failed"], 1);
    assert_eq!(
        json["suites"][0]["steps"][1]["checks"][0]["expected"],
        "201"
    );
    assert_eq!(json["suites"][0]["steps"][1]["checks"][0]["actual"], "200");
}

#[tokio::test]
async fn fail_fast_shows_the_steps_it_skipped() {
    let server = TestServer::start().await;
    let dir = scratch("fail-fast-console");
    let suite = format!(
        "{MIXED_SUITE}  - name: never sent\n    request: {{ url: /landing }}\n    expect: {{ status: 200 }}\n"
    );
    std::fs::write(dir.join("mixed.yaml"), suite).expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "mixed.yaml".into(),
            "--fail-fast".into(),
            "--report".into(),
            "json".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("console_fail_fast", stable(&output.stdout, &server));
}

#[tokio::test]
async fn run_exits_0_when_everything_passes_and_filters_by_tag() {
    let server = TestServer::start().await;
    let dir = scratch("tags");
    std::fs::write(dir.join("a.yaml"), "name: tagged\ntags: [smoke]\nsteps:\n  - name: ok\n    request: { url: /landing }\n    expect: { status: 200 }\n").expect("writes");
    std::fs::write(dir.join("b.yaml"), "name: untagged\nsteps:\n  - name: fails\n    request: { url: /landing }\n    expect: { status: 500 }\n").expect("writes");
    let target = server.url.to_string();
    let output = authprobe(
        vec![
            "run".into(),
            ".".into(),
            "--tag".into(),
            "smoke".into(),
            "--target".into(),
            target.clone(),
        ],
        &dir,
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let output = authprobe(
        vec![
            "run".into(),
            ".".into(),
            "--skip-tag".into(),
            "smoke".into(),
            "--target".into(),
            target,
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test]
async fn an_unreachable_target_fails_the_run_but_still_writes_results() {
    let server = TestServer::start().await;
    let address = crate::support::refused_address().await;
    let dir = scratch("unreachable");
    std::fs::write(
        dir.join("s.yaml"),
        "name: down\nsteps:\n  - name: nobody home\n    request: { url: /landing }\n",
    )
    .expect("writes");
    let output = authprobe(
        vec![
            "run".into(),
            "s.yaml".into(),
            "--target".into(),
            format!("http://{address}"),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let console = stable(&output.stdout, &server).replace(&address.to_string(), "[address]");
    assert!(console.contains("could not connect"), "{console}");
    assert!(dir.join("reports/results.json").is_file());
}

#[tokio::test]
async fn validate_and_list_run_nothing() {
    let server = TestServer::start().await;
    let dir = scratch("list");
    std::fs::write(dir.join("mixed.yaml"), MIXED_SUITE).expect("writes suite");
    let output = authprobe(vec!["validate".into(), "mixed.yaml".into()], &dir).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1 suite with 2 steps is valid\n"
    );
    let output = authprobe(vec!["list".into(), "mixed.yaml".into()], &dir).await;
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("list_output", stable(&output.stdout, &server));
    assert!(!dir.join("reports").exists());
}

#[tokio::test]
async fn the_mistakes_of_a_file_are_listed_in_the_order_they_are_written() {
    let dir = scratch("mistakes-in-order");
    std::fs::write(
        dir.join("two.yaml"),
        "name: two\nsteps:\n  - name: a\n    request: { url: /a }\n    expect:\n      json: { $.items: { len: many } }\n      status: forbidden\n",
    )
    .expect("writes suite");
    let output = authprobe(vec!["validate".into(), "two.yaml".into()], &dir).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.find("two.yaml:6").expect("the len mistake, line 6");
    let second = stderr
        .find("two.yaml:7")
        .expect("the status mistake, line 7");
    assert!(first < second, "{stderr}");
}

#[tokio::test]
async fn a_var_that_no_suite_reads_is_warned_about() {
    let dir = scratch("unused-var");
    std::fs::write(dir.join("mixed.yaml"), MIXED_SUITE).expect("writes suite");
    let output = authprobe(
        vec![
            "validate".into(),
            "mixed.yaml".into(),
            "--var".into(),
            "passwrd=x".into(),
            "--var".into(),
            "password=y".into(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "warning: --var `passwrd` is not read by any suite selected (did you mean `password`?)\n"
    );
}

#[tokio::test]
async fn every_command_selects_suites_by_tag_ignoring_case() {
    let dir = scratch("tag-commands");
    std::fs::write(dir.join("mixed.yaml"), MIXED_SUITE).expect("writes suite");
    for command in ["validate", "list"] {
        let output = authprobe(
            vec![command.into(), ".".into(), "--tag".into(), "SMOKE".into()],
            &dir,
        )
        .await;
        assert_eq!(output.status.code(), Some(0), "{command}");
        assert!(!output.stdout.is_empty(), "{command}");
        let output = authprobe(
            vec![command.into(), ".".into(), "--tag".into(), "nightly".into()],
            &dir,
        )
        .await;
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: no suite matches the --tag/--skip-tag filters (their tags: smoke)\n",
            "{command}"
        );
    }
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let dir = scratch("usage");
    let output = authprobe(
        vec![
            "run".into(),
            "missing.yaml".into(),
            "--target".into(),
            "http://127.0.0.1:9".into(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no such file or folder: missing.yaml\n"
    );
    let output = authprobe(vec!["run".into(), "--var".into(), "novalue".into()], &dir).await;
    assert_eq!(output.status.code(), Some(2));
    let output = authprobe(vec!["run".into(), "--timeout".into(), "soon".into()], &dir).await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn a_report_dir_that_cannot_be_written_stops_the_run_before_it_starts() {
    let dir = scratch("report-dir-in-the-way");
    std::fs::write(dir.join("suite.yaml"), MIXED_SUITE).expect("writes suite");
    std::fs::write(dir.join("reports"), "a file where the folder would go").expect("writes");
    let refused_before_running = |expected: &'static str| {
        let dir = &dir;
        async move {
            let args = ["run", "suite.yaml", "--target", "http://127.0.0.1:9"];
            let output = authprobe(args.map(String::from).to_vec(), dir).await;
            assert_eq!(output.status.code(), Some(3));
            assert!(output.stdout.is_empty(), "nothing ran");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.starts_with(expected), "{stderr}");
        }
    };
    refused_before_running("error: failed to write reports").await;
    // A folder where a report file goes is found before the run too.
    std::fs::remove_file(dir.join("reports")).expect("removes the file");
    std::fs::create_dir_all(dir.join("reports/junit.xml")).expect("a folder in the way");
    refused_before_running("error: failed to write reports/junit.xml").await;
}

#[tokio::test]
async fn the_variants_an_api_key_attack_makes_of_the_key_never_reach_a_report() {
    let server = TestServer::start().await;
    let dir = scratch("api-key-variants");
    std::fs::write(
        dir.join("keys.yaml"),
        r#"name: keys
secrets: [key]
vars: { key: "Sk-LiveKey-7f3a9b2c4d" }
steps:
  - name: the key in a header of its own
    request:
      url: /echo
      api_key: { header: X-Key, value: "{{ key }}" }
    attacks:
      api_key: [missing, wrong, truncated, extended, case-flipped, in-query]
"#,
    )
    .expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "keys.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    // The echo server takes every key: the attacks fail, and the reports show each exchange.
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("survived masking"), "{stderr}");
    for report in ["results.json", "index.html", "junit.xml"] {
        let text = std::fs::read_to_string(dir.join("reports").join(report)).expect("report");
        assert!(text.contains("attack api-key truncated"), "{report}");
        // Each variant is made of the key: any long piece of it, in either case or shifted
        // by one character (`wrong`), would tell the key.
        for piece in [
            "LiveKey",
            "lIVEkEY",
            "7f3a9b2c4",
            "7F3A9B2C4",
            "MjwfLfz",
            "8g4b0c3d5",
        ] {
            assert!(!text.contains(piece), "{report} shows `{piece}`");
        }
    }
}

#[tokio::test]
async fn an_api_key_is_masked_under_any_header_or_parameter_name_and_when_the_target_is_down() {
    let server = TestServer::start().await;
    let dir = scratch("api-key-any-name");
    let suite = |target: &str| {
        format!(
            r#"name: keys
vars: {{ target_url: "{target}" }}
identities:
  service: {{ api_key: {{ query: k, value: qk_9d8c7b6a5f4e }} }}
steps:
  - name: the key in a header the redactor has no name for
    request:
      url: "{{{{ target_url }}}}/echo"
      api_key: {{ header: X-Key, value: hk_1234567890abc }}
  - name: the identity's key in a query parameter
    as: service
    request: {{ url: "{{{{ target_url }}}}/echo" }}
"#
        )
    };
    let target = server.url.as_str().trim_end_matches('/');
    for (name, target, code) in [
        ("answered", target, 0),
        ("unreachable", "http://127.0.0.1:9", 1),
    ] {
        std::fs::write(dir.join("keys.yaml"), suite(target)).expect("writes suite");
        let output = authprobe(
            vec![
                "run".into(),
                "keys.yaml".into(),
                "--target".into(),
                server.url.to_string(),
            ],
            &dir,
        )
        .await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        assert!(!stderr.contains("survived masking"), "{name}: {stderr}");
        for report in ["results.json", "index.html", "junit.xml"] {
            let text = std::fs::read_to_string(dir.join("reports").join(report)).expect("report");
            for key in ["hk_1234567890abc", "qk_9d8c7b6a5f4e"] {
                assert!(!text.contains(key), "{name}: {report} shows `{key}`");
            }
        }
    }
}

#[tokio::test]
async fn a_short_api_key_from_the_environment_is_masked_under_any_name() {
    let server = TestServer::start().await;
    let dir = scratch("api-key-short");
    std::fs::write(
        dir.join("keys.yaml"),
        "name: keys\nsteps:\n  - name: in a header\n    request:\n      url: /echo\n      api_key: { header: X-Key, value: \"{{ env.AUTHPROBE_TEST_SHORT_KEY }}\" }\n  - name: in the query\n    request:\n      url: /echo\n      api_key: { query: k, value: \"{{ env.AUTHPROBE_TEST_SHORT_KEY }}\" }\n",
    )
    .expect("writes suite");
    let dir_path = dir.to_path_buf();
    let target = server.url.to_string();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary())
            .args(["run", "keys.yaml", "--target", &target])
            .current_dir(dir_path)
            .env("NO_COLOR", "1")
            .env("AUTHPROBE_TEST_SHORT_KEY", "Zq7Wx9p")
            .output()
            .expect("runs")
    })
    .await
    .expect("joins");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("Zq7Wx9p"));
    for report in ["results.json", "index.html", "junit.xml"] {
        let text = std::fs::read_to_string(dir.join("reports").join(report)).expect("report");
        assert!(!text.contains("Zq7Wx9p"), "{report} shows the key");
    }
}

#[tokio::test]
async fn a_declared_secret_too_short_to_mask_is_named_in_a_warning() {
    let server = TestServer::start().await;
    let dir = scratch("short-declared-secret");
    std::fs::write(
        dir.join("pin.yaml"),
        "name: pin\nsecrets: [pin, code, password]\nvars: { pin: \"123\", code: 42, password: long-enough }\nsteps:\n  - name: landing\n    request: { url: /landing }\n",
    )
    .expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "pin.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("warning: secret `pin` is 3 characters long: too short to mask anywhere"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: secret `code` is 2 characters long"),
        "{stdout}"
    );
    assert!(!stdout.contains("`password`"), "{stdout}");
}

#[tokio::test]
async fn a_long_token_in_a_failed_check_is_not_shown_in_part() {
    let server = TestServer::start().await;
    let dir = scratch("long-token-check");
    let token = format!("rt_{}", "A1b2C3d4E5".repeat(30));
    std::fs::write(
        dir.join("long.yaml"),
        format!(
            "name: long\nsteps:\n  - name: refresh\n    request: {{ url: \"/echo?refresh_token={token}\" }}\n    expect:\n      json: {{ $.query.refresh_token: {{ eq: nope }} }}\n"
        ),
    )
    .expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "long.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    // Cut to fit a line, the token would be a part of it that masking, which finds a secret
    // whole, does not recognise.
    let piece = &token[40..60];
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains(piece), "{stdout}");
    for report in ["results.json", "index.html", "junit.xml"] {
        let text = std::fs::read_to_string(dir.join("reports").join(report)).expect("report");
        assert!(!text.contains(piece), "{report} shows part of the token");
    }
}

#[tokio::test]
async fn a_secret_where_a_long_value_is_cut_is_masked_before_the_cut() {
    let server = TestServer::start().await;
    let dir = scratch("secret-at-the-cut");
    // The console cuts a value after 140 bytes, the reports after 700: the password sits across.
    for n in [120, 680] {
        std::fs::write(
            dir.join("pad.yaml"),
            format!(
                "name: pad\nsecrets: [pw]\nvars: {{ pw: correct horse battery staple }}\nsteps:\n  - name: padded\n    request: {{ url: \"/pad?n={n}&s={{{{ pw | urlencode }}}}\" }}\n    expect: {{ body: {{ contains: zzz }} }}\n"
            ),
        )
        .expect("writes suite");
        let output = authprobe(
            vec![
                "run".into(),
                "pad.yaml".into(),
                "--target".into(),
                server.url.to_string(),
            ],
            &dir,
        )
        .await;
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let mut texts = vec![String::from_utf8_lossy(&output.stdout).into_owned()];
        for report in ["results.json", "index.html", "junit.xml"] {
            texts.push(std::fs::read_to_string(dir.join("reports").join(report)).expect("report"));
        }
        for (text, shown) in
            texts
                .iter()
                .zip(["console", "results.json", "index.html", "junit.xml"])
        {
            for word in ["correct", "horse", "battery", "staple"] {
                assert!(!text.contains(word), "n={n}: {shown} shows `{word}`");
            }
        }
    }
}

#[tokio::test]
async fn against_the_built_in_target_a_suite_keeps_its_own_vars_and_reads_the_demo_accounts() {
    let dir = scratch("own-vars-on-the-reference-target");
    std::fs::write(
        dir.join("keys.yaml"),
        "name: keys\nvars:\n  api_key: not-the-real-key\n  real_key: \"{{ env.AUTHPROBE_API_KEY }}\"\nsteps:\n  - name: a made-up key is refused\n    request: { url: /protected-route, api_key: \"{{ api_key }}\" }\n    expect: { status: 403 }\n  - name: the demo key is taken\n    request: { url: /protected-route, api_key: \"{{ real_key }}\" }\n    expect: { status: 200 }\n",
    )
    .expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "keys.yaml".into(),
            "--report".into(),
            "json".into(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[tokio::test]
async fn a_password_in_the_target_url_never_reaches_a_report() {
    let server = TestServer::start().await;
    let dir = scratch("target-password");
    std::fs::write(
        dir.join("s.yaml"),
        "name: s\nsteps:\n  - name: echo\n    request: { url: /echo }\n    expect: { status: 500 }\n  - name: absolute\n    request: { url: \"{{ target }}/echo\" }\n",
    )
    .expect("writes suite");
    // A long password is masked wherever it is written; a short one too, where URLs hold it.
    for (password, forms) in [
        (
            "S3cret%40TargetPw",
            &["S3cret%40TargetPw", "S3cret@TargetPw"][..],
        ),
        ("pw1", &[":pw1@"][..]),
    ] {
        let target = server
            .url
            .as_str()
            .replace("http://", &format!("http://tester:{password}@"));
        let output = authprobe(
            vec!["run".into(), "s.yaml".into(), "--target".into(), target],
            &dir,
        )
        .await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("survived masking"), "{stderr}");
        for report in ["results.json", "index.html", "junit.xml"] {
            let text = std::fs::read_to_string(dir.join("reports").join(report)).expect("report");
            assert!(text.contains("tester"), "{report} keeps the user name");
            for form in forms {
                assert!(!text.contains(form), "{report} shows `{form}`");
            }
        }
    }
}

#[tokio::test]
async fn a_target_without_an_http_scheme_is_a_usage_error_with_a_hint() {
    let dir = scratch("target-scheme");
    for (target, hint) in [
        ("localhost:8000", "write `http://localhost:8000`"),
        ("127.0.0.1:8000", "write `http://127.0.0.1:8000`"),
        ("ftp://files.test/", "http:// or https://"),
    ] {
        let output = authprobe(vec!["run".into(), "--target".into(), target.into()], &dir).await;
        assert_eq!(output.status.code(), Some(2), "{target}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(hint), "{target}: {stderr}");
    }
    // The refused value is quoted back without its password.
    let target = "http://tester:Unreach-Pw-55@127.0.0.1:notaport";
    let output = authprobe(vec!["run".into(), "--target".into(), target.into()], &dir).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("http://tester:••••••@127.0.0.1"),
        "{stderr}"
    );
    assert!(!stderr.contains("Unreach-Pw-55"), "{stderr}");
}

#[tokio::test]
async fn an_empty_target_flag_and_a_flaw_with_a_target_are_usage_errors() {
    let dir = scratch("target-usage");
    let output = authprobe(vec!["run".into(), "--target".into(), "".into()], &dir).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: --target is empty"));
    let output = authprobe(
        vec![
            "run".into(),
            "--target".into(),
            "http://127.0.0.1:9".into(),
            "--flaw".into(),
            "ignore-exp".into(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot be used with --target"),
        "{output:?}"
    );
}

#[tokio::test]
async fn an_empty_target_variable_counts_as_unset() {
    let dir = scratch("empty-target");
    std::fs::write(
        dir.join("offline.yaml"),
        "name: offline\nsteps:\n  - name: a\n    request: { url: /health }\n",
    )
    .expect("writes suite");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary())
            .args([
                "run",
                "offline.yaml",
                "--report",
                "json",
                "--flaw",
                "ignore-exp",
            ])
            .current_dir(&dir)
            .env("AUTHPROBE_TARGET", "")
            .env("NO_COLOR", "1")
            .output()
            .expect("runs")
    })
    .await
    .expect("joins");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // No target given: the built-in reference target answers, and the run says so.
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("reference target: "));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "warning: AUTHPROBE_TARGET is set but empty: the suites run against the built-in reference target"
        ),
        "{output:?}"
    );
}

#[tokio::test]
async fn help_lists_the_exit_codes() {
    let dir = scratch("help");
    let output = authprobe(vec!["run".into(), "--help".into()], &dir).await;
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("130  interrupted"), "{help}");
}

#[tokio::test]
async fn a_byte_order_mark_a_folder_linked_back_up_and_a_zero_timeout_are_handled() {
    let dir = scratch("odd-inputs");
    std::fs::create_dir_all(dir.join("suites/sub")).expect("creates folders");
    std::fs::write(
        dir.join("suites/sub/bom.yaml"),
        "\u{feff}name: with a byte-order mark\nsteps:\n  - name: a\n    request: { url: /x }\n",
    )
    .expect("writes suite");
    std::fs::create_dir_all(dir.join("suites/other")).expect("creates a folder");
    std::fs::write(
        dir.join("suites/other/side.yaml"),
        "name: beside\nsteps:\n  - name: a\n    request: { url: /x }\n",
    )
    .expect("writes suite");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("..", dir.join("suites/sub/up")).expect("links back up");
        std::os::unix::fs::symlink("../other", dir.join("suites/sub/side"))
            .expect("links to a sibling");
    }
    let output = authprobe(vec!["list".into(), "suites".into()], &dir).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    for suite in ["with a byte-order mark", "beside"] {
        assert_eq!(stdout.matches(suite).count(), 1, "listed once: {stdout}");
    }
    let output = authprobe(
        vec![
            "run".into(),
            "suites".into(),
            "--target".into(),
            "http://127.0.0.1:9".into(),
            "--timeout".into(),
            "0s".into(),
        ],
        &dir,
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("a timeout of zero fails every request")
    );
}

#[tokio::test]
async fn a_suite_left_out_by_tags_may_read_an_environment_variable_this_machine_lacks() {
    let server = TestServer::start().await;
    let dir = scratch("unset-env-left-out");
    std::fs::write(
        dir.join("a.yaml"),
        "name: fast\ntags: [fast]\nsteps:\n  - name: ok\n    request: { url: /landing }\n",
    )
    .expect("writes");
    std::fs::write(
        dir.join("b.yaml"),
        "name: staging\ntags: [staging]\nvars: { k: \"{{ env.AUTHPROBE_TEST_UNSET_KEY }}\" }\nsteps:\n  - name: uses it\n    request: { url: \"/landing?k={{ k }}\" }\n",
    )
    .expect("writes");
    let run = |filter: &[&str]| {
        let mut args: Vec<String> = vec![
            "run".into(),
            "a.yaml".into(),
            "b.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ];
        args.extend(filter.iter().map(|arg| (*arg).to_owned()));
        authprobe(args, &dir)
    };
    for filter in [&["--skip-tag", "staging"][..], &["--tag", "fast"]] {
        let output = run(filter).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{filter:?}: {output:?}");
        assert!(
            stdout.contains("fast") && !stdout.contains("uses it"),
            "{stdout}"
        );
    }
    // Selected, it is the mistake it always was …
    let output = run(&["--tag", "staging"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("environment variable `AUTHPROBE_TEST_UNSET_KEY` is not set")
    );
    // … unless a --var gives the var that reads it: the suite's own value goes unused.
    let output = run(&["--tag", "staging", "--var", "k=from-the-command-line"]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[tokio::test]
async fn a_leak_as_short_as_the_reports_own_words_says_so_without_showing_the_secret() {
    let server = TestServer::start().await;
    let dir = scratch("short-secret");
    std::fs::write(
        dir.join("s.yaml"),
        "name: s\nsecrets: [word]\nvars: { word: html }\nsteps:\n  - name: landing\n    request: { url: /landing }\n",
    )
    .expect("writes suite");
    let output = authprobe(
        vec![
            "run".into(),
            "s.yaml".into(),
            "--target".into(),
            server.url.to_string(),
        ],
        &dir,
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The page's own `<html>` holds the declared secret `html`.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: a secret survived masking in reports/index.html:")
            && stderr.contains(
                "(4 characters: a secret that short may be text the report writes itself"
            )
            && stderr.contains("a file the run wrote holds a secret (named above): the run fails"),
        "{stderr}"
    );
}
