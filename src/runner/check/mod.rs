//! `check:` steps: session and refresh checks, each a fixed sequence of requests whose verdicts are
//! recorded one by one as named checks (`refresh_rotation: ...`, `session_fixation: ...`,
//! `logout: ...`). One file per check kind; this module holds the exhaustive dispatch and what the
//! kinds share: sending, reading statuses and session cookies, and phrasing verdicts.
//!
//! Checks send with explicit `Cookie` headers and never touch the suite's cookie jars, so a check
//! step leaves the identities of the steps around it as they were.

mod logout;
mod refresh_rotation;
mod session_fixation;

use super::suite::SuiteState;
use crate::assert::CheckResult;
use crate::http::{Exchange, OutgoingRequest};
use crate::suite::{Step, StepCheck, StepCheckKind};

/// What a check step did: every request it sent, and a verdict per named check.
pub(super) struct CheckRun {
    pub exchanges: Vec<Exchange>,
    pub checks: Vec<CheckResult>,
    /// Set when the sequence could not be built (a template that did not render).
    pub error: Option<String>,
}

pub(super) async fn run(state: &SuiteState<'_>, step: &Step, check: &StepCheck) -> CheckRun {
    let mut run = Sequence {
        state,
        step,
        line: check.span.line,
        exchanges: Vec::new(),
        checks: Vec::new(),
    };
    let outcome = match &check.kind {
        StepCheckKind::RefreshRotation(spec) => refresh_rotation::run(&mut run, spec).await,
        StepCheckKind::SessionFixation(spec) => session_fixation::run(&mut run, spec).await,
        StepCheckKind::Logout(spec) => logout::run(&mut run, spec).await,
    };
    CheckRun {
        exchanges: run.exchanges,
        checks: run.checks,
        error: outcome.err(),
    }
}

/// A check in progress: the requests sent so far and the verdicts given.
struct Sequence<'s, 'a> {
    state: &'s SuiteState<'a>,
    step: &'s Step,
    line: usize,
    exchanges: Vec<Exchange>,
    checks: Vec<CheckResult>,
}

/// What one request of the sequence got back, reduced to what checks read.
struct Answer {
    /// `None` when no response came (refused connection, timeout).
    status: Option<u16>,
    /// The reason when no response came.
    failure: Option<String>,
    json: Option<serde_json::Value>,
    set_cookies: Vec<String>,
}

impl Answer {
    fn succeeded(&self) -> bool {
        self.status
            .is_some_and(|status| (200..300).contains(&status))
    }

    /// A login went through: 2xx, or a 3xx onwards (the redirect after a form login).
    fn accepted(&self) -> bool {
        self.status
            .is_some_and(|status| (200..400).contains(&status))
    }

    /// Refused the way a secure server refuses: a 3xx (to a login page) or a 4xx. A 5xx is a crash,
    /// not a refusal.
    fn refused(&self) -> bool {
        self.status
            .is_some_and(|status| (300..500).contains(&status))
    }

    /// "401", or why there was no status.
    fn describe(&self) -> String {
        match (self.status, &self.failure) {
            (Some(status), _) => format!("status {status}"),
            (None, Some(failure)) => format!("no response: {failure}"),
            (None, None) => "no response".to_owned(),
        }
    }

    /// The value this response gives cookie `name` and keeps alive: not an empty value, nor one
    /// that expires at once (`Max-Age=0`, an `Expires` in the past), which clear it.
    fn live_cookie(&self, name: &str) -> Option<String> {
        let header = self.set_cookies.iter().rev().find(|header| {
            cookie::Cookie::parse(header.as_str()).is_ok_and(|cookie| cookie.name() == name)
        })?;
        let cookie = cookie::Cookie::parse(header.as_str()).ok()?;
        let expired = cookie
            .max_age()
            .is_some_and(|max_age| max_age.whole_seconds() <= 0)
            || cookie
                .expires_datetime()
                .is_some_and(|expires| expires <= cookie::time::OffsetDateTime::now_utc());
        (!expired && !cookie.value().is_empty()).then(|| cookie.value().to_owned())
    }

    /// The value this response gives cookie `name`, if it sets it (an empty value clears it).
    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies.iter().rev().find_map(|header| {
            cookie::Cookie::parse(header.as_str())
                .ok()
                .filter(|cookie| cookie.name() == name)
                .map(|cookie| cookie.value().to_owned())
        })
    }
}

impl Sequence<'_, '_> {
    async fn send(&mut self, request: OutgoingRequest) -> Answer {
        let exchange = self.state.client.send(request).await;
        let answer = match exchange.response() {
            Some(response) => Answer {
                status: Some(response.status),
                failure: None,
                json: response.json().cloned(),
                set_cookies: response
                    .headers_named("set-cookie")
                    .map(str::to_owned)
                    .collect(),
            },
            None => Answer {
                status: None,
                failure: match &exchange.outcome {
                    crate::http::ExchangeOutcome::Error(error) => Some(error.message.clone()),
                    crate::http::ExchangeOutcome::Response(_) => None,
                },
                json: None,
                set_cookies: Vec::new(),
            },
        };
        self.exchanges.push(exchange);
        answer
    }

    fn verdict(&mut self, name: &str, passed: bool, expected: &str, actual: String) {
        self.checks.push(CheckResult {
            name: name.to_owned(),
            passed,
            expected: expected.to_owned(),
            actual,
            line: self.line,
            diff: None,
        });
    }

    /// A check the sequence could not reach because an earlier request did not give what it needs.
    fn not_reached(&mut self, name: &str, expected: &str, reason: &str) {
        self.verdict(name, false, expected, format!("not run: {reason}"));
    }

    /// A request spec of the check, rendered as the step's identity would send it, but with no
    /// cookie from the jar: `cookie` (name, value) instead, when given.
    fn build(
        &self,
        spec: &crate::suite::RequestSpec,
        cookie: Option<(&str, &str)>,
    ) -> Result<OutgoingRequest, String> {
        let mut request = super::request::build_spec(
            self.state,
            spec,
            self.step.identity.as_deref(),
            self.step.timeout,
            None,
        )?;
        with_cookie(&mut request, cookie);
        Ok(request)
    }

    /// Sends a GET of `url` carrying only `cookie`.
    async fn get(
        &mut self,
        url: &crate::template::Text,
        field: &str,
        cookie: Option<(&str, &str)>,
    ) -> Result<Answer, String> {
        let rendered = self.render(url, field)?;
        let mut request = OutgoingRequest {
            method: reqwest::Method::GET,
            url: super::request::resolve(&rendered, self.state)?,
            headers: Vec::new(),
            body: None,
            timeout: self.step.timeout.unwrap_or(self.state.options.timeout),
        };
        with_cookie(&mut request, cookie);
        Ok(self.send(request).await)
    }

    fn render(&self, text: &crate::template::Text, field: &str) -> Result<String, String> {
        text.render(&self.state.suite.templates, &self.state.scope)
            .map(|rendered| rendered.into_owned())
            .map_err(|error| format!("could not render `{field}`: {}", error.message))
    }
}

/// Replaces whatever `Cookie` header the request has with `cookie`, or none.
fn with_cookie(request: &mut OutgoingRequest, cookie: Option<(&str, &str)>) {
    request
        .headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("cookie"));
    if let Some((name, value)) = cookie {
        request
            .headers
            .push(("Cookie".to_owned(), format!("{name}={value}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: Option<u16>, set_cookies: &[&str]) -> Answer {
        Answer {
            status,
            failure: status.is_none().then(|| "connection refused".to_owned()),
            json: None,
            set_cookies: set_cookies
                .iter()
                .map(|cookie| (*cookie).to_owned())
                .collect(),
        }
    }

    #[test]
    fn a_refusal_is_a_redirect_or_a_client_error_never_a_crash_or_silence() {
        for status in [302, 303, 400, 401, 403, 404] {
            assert!(answer(Some(status), &[]).refused(), "{status}");
        }
        for status in [200, 204, 500, 502] {
            assert!(!answer(Some(status), &[]).refused(), "{status}");
        }
        assert!(!answer(None, &[]).refused());
        assert!(!answer(None, &[]).succeeded());
    }

    #[test]
    fn the_cookie_read_is_the_last_one_set_under_that_name() {
        let set = answer(
            Some(200),
            &[
                "theme=dark; Path=/",
                "session=first; HttpOnly",
                "session=second; HttpOnly; SameSite=Lax",
            ],
        );
        assert_eq!(set.cookie("session").as_deref(), Some("second"));
        assert_eq!(set.cookie("theme").as_deref(), Some("dark"));
        assert_eq!(set.cookie("other"), None);
        let cleared = answer(Some(200), &["session=; Max-Age=0"]);
        assert_eq!(cleared.cookie("session").as_deref(), Some(""));
    }

    #[test]
    fn an_answer_describes_its_status_or_why_there_was_none() {
        assert_eq!(answer(Some(401), &[]).describe(), "status 401");
        assert_eq!(
            answer(None, &[]).describe(),
            "no response: connection refused"
        );
    }

    #[test]
    fn a_check_request_carries_only_the_cookie_it_is_given() {
        let mut request = OutgoingRequest {
            method: reqwest::Method::GET,
            url: url::Url::parse("http://127.0.0.1:1/me").expect("url"),
            headers: vec![
                ("cookie".to_owned(), "session=from-the-jar".to_owned()),
                ("Accept".to_owned(), "application/json".to_owned()),
            ],
            body: None,
            timeout: std::time::Duration::from_secs(1),
        };
        with_cookie(&mut request, Some(("session", "chosen")));
        assert_eq!(
            request.headers,
            vec![
                ("Accept".to_owned(), "application/json".to_owned()),
                ("Cookie".to_owned(), "session=chosen".to_owned()),
            ]
        );
        with_cookie(&mut request, None);
        assert_eq!(request.headers.len(), 1);
    }
}
