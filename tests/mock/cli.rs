//! The binary: `authprobe mock` on fixed addresses with a public URL, and `authprobe run` sharing
//! stand-ins given by address.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A running `authprobe mock`, killed when dropped.
struct MockProcess {
    child: Child,
    lines: Receiver<String>,
}

impl MockProcess {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_authprobe"))
            .arg("mock")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("authprobe starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        MockProcess { child, lines }
    }

    /// The next line of output (the process is given a generous while to produce it).
    fn line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(60))
            .expect("authprobe mock prints a line")
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn setting<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines
        .iter()
        .find_map(|line| line.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
}

#[tokio::test]
async fn authprobe_mock_announces_the_public_url_and_logs_every_call() {
    // Arrange
    let mock = MockProcess::start(&[
        "--google-addr",
        "127.0.0.1:0",
        "--public-url",
        "http://stand-in.test",
        "--target",
        "http://app.test:8000",
    ]);
    let mut lines = Vec::new();
    loop {
        let line = mock.line();
        let done = line.starts_with("# serving");
        lines.push(line);
        if done {
            break;
        }
    }
    let issuer = setting(&lines, "GOOGLE_ISSUER").to_owned();
    let port = issuer.rsplit(':').next().expect("a port").to_owned();
    assert!(issuer.starts_with("http://stand-in.test:"), "{issuer}");
    assert_eq!(
        setting(&lines, "GOOGLE_CLIENT_ID"),
        authprobe::mock::DEFAULT_GOOGLE_CLIENT_ID
    );
    assert!(
        lines.iter().all(|line| !line.starts_with("GITHUB_")),
        "only the stand-in asked for runs"
    );

    // Act: the target fetches discovery at the address the stand-in listens on.
    let body = reqwest::get(format!(
        "http://127.0.0.1:{port}/.well-known/openid-configuration"
    ))
    .await
    .expect("answers")
    .text()
    .await
    .expect("a body");

    // Assert
    let discovery: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/oauth2/v3/certs"));
    assert_eq!(
        mock.line(),
        "google.discovery GET /.well-known/openid-configuration -> 200"
    );
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "authprobe-mock-test-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const SUITE: &str = r#"
name: shared stand-in
mocks:
  google:
    clients: [{ id: web, secret: s3cret-value, redirect_uris: ["http://app.test/cb"] }]
steps:
  - name: authorize
    request:
      url: "{{ mocks.google.authorize_url }}"
      query: { client_id: web, redirect_uri: "http://app.test/cb", response_type: code, scope: openid }
    expect:
      status: 302
      mock_calls:
        google.authorize: { count: 1, query: { authprobe_suite: { exists: true } } }
"#;

#[test]
fn authprobe_run_shares_stand_ins_given_by_address() {
    let dir = temp_dir();
    std::fs::write(dir.join("suite.yaml"), SUITE).expect("write suite");
    let output = Command::new(env!("CARGO_BIN_EXE_authprobe"))
        .args(["run", "--google-addr", "127.0.0.1:0", "--report-dir"])
        .arg(dir.join("reports"))
        .arg(dir.join("suite.yaml"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_public_url_without_an_address_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_authprobe"))
        .args(["run", "--public-url", "http://x.test", "suites"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --public-url needs --google-addr or --github-addr\n"
    );
}

#[test]
fn a_public_url_with_a_path_is_a_usage_error_that_names_the_flags_that_take_one() {
    let output = Command::new(env!("CARGO_BIN_EXE_authprobe"))
        .args([
            "mock",
            "--google-addr",
            "127.0.0.1:0",
            "--public-url",
            "http://127.0.0.1/base/",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--public-url takes a scheme and host only")
            && stderr.contains("--google-public-url"),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_exact_public_url_is_announced_as_given_for_a_proxy() {
    use authprobe::mock::{GoogleStandIn, Listen, PublicUrl, StandInOptions};
    let listen = Listen {
        public_url: Some(PublicUrl::Exact(
            url::Url::parse("https://proxy.test/google/").expect("url"),
        )),
        ..Listen::loopback()
    };
    let google = GoogleStandIn::start(&listen, StandInOptions::default())
        .await
        .expect("starts");
    assert_eq!(google.urls().issuer, "https://proxy.test/google");
    assert_eq!(
        google.urls().authorize_url,
        "https://proxy.test/google/o/oauth2/v2/auth"
    );
}

/// What `authprobe mock` prints, from its settings to its last line: the console a staging setup
/// is configured from, pinned with the ports it happened to get replaced.
#[tokio::test]
async fn the_mock_console_names_the_settings_then_stops_with_a_line() {
    use authprobe::config::{MockConfig, StandInAddresses};
    use authprobe::mock::Listen;

    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let listen = || {
        Some(Listen {
            addr: loopback,
            public_url: None,
        })
    };
    let config = MockConfig {
        stand_ins: StandInAddresses {
            google: listen(),
            github: listen(),
        },
        target: Some(url::Url::parse("http://127.0.0.1:8000").expect("url")),
    };
    let mut out: Vec<u8> = Vec::new();
    authprobe::app::serve_mock(&config, &mut out, async {})
        .await
        .expect("serves, then stops");
    let text = String::from_utf8(out).expect("utf-8");
    let ports = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    insta::assert_snapshot!(ports.replace_all(&text, "127.0.0.1:[port]"));
}
