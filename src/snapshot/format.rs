//! The snapshot file: a response written the way HTTP shows it, made stable and masked.
//!
//! ```text
//! # authprobe snapshot of step "password grant issues tokens" in suite "JWT access tokens"
//! # review changes like code; accept them with `authprobe run --update-snapshots`
//! HTTP 200
//! content-type: application/json
//!
//! {
//!   "access_token": {
//!     "jwt": {
//!       "header": { "alg": "HS256", "typ": "JWT" },
//!       "claims": { "sub": "alice", "exp": "[time]" },
//!       "signature": "[signature]"
//!     }
//!   },
//!   "refresh_token": "••••••"
//! }
//! ```
//!
//! Leading `#` lines are comments: they are written for reviewers and ignored when comparing.

use crate::http::Response;
use crate::secret::Redactor;
use crate::suite::SnapshotSpec;

use super::volatile;

/// The whole file for one step's response: comment header, status, chosen headers, body.
pub fn render(
    suite: &str,
    step: &str,
    response: &Response,
    spec: &SnapshotSpec,
    redactor: &Redactor,
) -> String {
    let mut text = format!(
        "# authprobe snapshot of step {} in suite {}\n\
         # review changes like code; accept them with `authprobe run --update-snapshots`\n",
        quoted(step),
        quoted(suite)
    );
    text.push_str(&format!("HTTP {}\n", response.status));
    for name in &spec.headers {
        for value in response.headers_named(name) {
            text.push_str(&format!(
                "{name}: {}\n",
                volatile::stabilize_header(name, value)
            ));
        }
    }
    text.push('\n');
    text.push_str(&body(response, spec));
    // The run is masked already; this catches secrets inside what was decoded here (JWT claims).
    redactor.mask(&text).into_owned()
}

fn body(response: &Response, spec: &SnapshotSpec) -> String {
    if response.body.is_empty() {
        return String::new();
    }
    if let Some(json) = response.json() {
        let stable = volatile::stabilize_json(json, &spec.redact);
        let mut pretty =
            serde_json::to_string_pretty(&stable).unwrap_or_else(|_| stable.to_string());
        pretty.push('\n');
        return pretty;
    }
    match std::str::from_utf8(&response.body) {
        Ok(text) => {
            let mut stable = volatile::stabilize_text(text);
            if !stable.ends_with('\n') {
                stable.push('\n');
            }
            stable
        }
        Err(_) => format!("(binary body: {} bytes)\n", response.body.len()),
    }
}

/// A name on one comment line: quotes, with line breaks escaped.
fn quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_else(|_| format!("\"{name}\""))
}

/// The part of a snapshot file that is compared: no comment header, `\n` line endings (a checkout
/// with `core.autocrlf` must not make every snapshot differ).
pub fn comparable(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut rest = text.as_str();
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    rest.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(headers: &[&str]) -> SnapshotSpec {
        SnapshotSpec {
            span: Default::default(),
            headers: headers.iter().map(|name| (*name).to_owned()).collect(),
            redact: Vec::new(),
        }
    }

    #[test]
    fn writes_status_chosen_headers_and_pretty_json() {
        let response = Response::new(
            201,
            vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-request-id".to_owned(), "r-1".to_owned()),
                ("set-cookie".to_owned(), "sid=abc; HttpOnly".to_owned()),
            ],
            br#"{"ok":true}"#.to_vec(),
        );
        let text = render(
            "s",
            "step \"one\"",
            &response,
            &spec(&["content-type", "set-cookie"]),
            &Redactor::default(),
        );
        assert_eq!(
            comparable(&text),
            "HTTP 201\ncontent-type: application/json\nset-cookie: sid=[cookie]; HttpOnly\n\n{\n  \"ok\": true\n}\n"
        );
        assert!(
            text.starts_with("# authprobe snapshot of step \"step \\\"one\\\"\" in suite \"s\"\n")
        );
    }

    #[test]
    fn masks_learnt_secrets_and_describes_binary_bodies() {
        let mut redactor = Redactor::default();
        redactor.add("hunter22");
        let text = Response::new(200, Vec::new(), b"pw=hunter22".to_vec());
        assert!(render("s", "t", &text, &spec(&[]), &redactor).ends_with("\n\npw=••••••\n"));
        let binary = Response::new(200, Vec::new(), vec![0xff, 0xfe, 0x00]);
        assert!(
            render("s", "t", &binary, &spec(&[]), &redactor).ends_with("(binary body: 3 bytes)\n")
        );
    }

    #[test]
    fn comparison_ignores_comments_and_line_endings() {
        assert_eq!(comparable("# a\n# b\r\nHTTP 200\r\n\r\n"), "HTTP 200\n\n");
    }
}
