//! Copy-as-curl: a recorded (and masked) request as a shell command a reviewer can rerun after
//! putting the real credentials back.

use crate::http::RecordedRequest;

/// `curl -i -X POST 'https://…' -H 'name: value' --data-raw '…'`, quoted for POSIX shells.
/// `follow` adds `-L` when the step followed redirects.
pub fn command(request: &RecordedRequest, follow: bool) -> String {
    let mut parts = vec!["curl".to_owned(), "-i".to_owned()];
    if follow {
        parts.push("-L".to_owned());
    }
    let implied = if request.body.is_some() {
        "POST"
    } else {
        "GET"
    };
    if request.method != implied {
        parts.push("-X".to_owned());
        parts.push(request.method.clone());
    }
    parts.push(quote(&request.url));
    for (name, value) in &request.headers {
        parts.push("-H".to_owned());
        parts.push(quote(&format!("{name}: {value}")));
    }
    if let Some(body) = &request.body {
        parts.push("--data-raw".to_owned());
        parts.push(quote(body));
    }
    parts.join(" ")
}

/// Single quotes keep everything literal; a single quote itself is closed, escaped and reopened.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_part_and_omits_the_implied_method() {
        let request = RecordedRequest {
            method: "POST".to_owned(),
            url: "http://127.0.0.1:1/token?x=1&y=2".to_owned(),
            headers: vec![(
                "content-type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            )],
            body: Some("user=o'brien&pw=••••••".to_owned()),
        };
        assert_eq!(
            command(&request, false),
            r"curl -i 'http://127.0.0.1:1/token?x=1&y=2' -H 'content-type: application/x-www-form-urlencoded' --data-raw 'user=o'\''brien&pw=••••••'"
        );
        let get = RecordedRequest {
            method: "DELETE".to_owned(),
            url: "http://h/x".to_owned(),
            headers: Vec::new(),
            body: None,
        };
        assert_eq!(command(&get, true), "curl -i -L -X DELETE 'http://h/x'");
    }
}
