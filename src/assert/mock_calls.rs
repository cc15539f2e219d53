//! `expect.mock_calls`: what the target sent a stand-in, read from the stand-in's call log. `count`
//! checks how many calls an endpoint received; every other field must hold for each of them. By
//! default only calls received while the step ran count (`during: step`); `during: suite` looks at
//! every call since the suite started.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, matcher, verdict};
use crate::mock::{CallField, RecordedCall};
use crate::secret::MASK;
use crate::suite::{CallWindow, MockCallCheck, MockCallsAssertion, Span};

/// The stand-ins' calls as a step sees them.
#[derive(Debug, Clone, Copy, Default)]
pub struct MockCallsView<'a> {
    /// Every call tied to the suite so far, in the order received.
    pub calls: &'a [RecordedCall],
    /// Calls numbered from here on arrived while the step ran (see [`crate::mock::mark`]).
    pub step_mark: u64,
}

pub(super) fn evaluate(
    assertion: &MockCallsAssertion,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let view = observed.mock_calls;
    let calls: Vec<&RecordedCall> = view
        .calls
        .iter()
        .filter(|call| call.endpoint == assertion.endpoint)
        .filter(|call| assertion.window == CallWindow::Suite || call.sequence >= view.step_mark)
        .collect();
    let during = match assertion.window {
        CallWindow::Step => "during this step",
        CallWindow::Suite => "since the suite started",
    };
    let endpoint = assertion.endpoint;
    match &assertion.check {
        MockCallCheck::Count(matcher) => {
            let count = Value::from(calls.len());
            let mut result = verdict(
                format!("mock_calls {endpoint} count"),
                matcher,
                Some(&count),
                bindings,
                span,
            );
            result.actual = format!("{} {during}", plural(calls.len(), "call"));
            result
        }
        MockCallCheck::Field { field, matcher } => {
            let name = format!("mock_calls {endpoint} {}", field.label());
            if calls.is_empty() {
                let (_, expected) =
                    matcher::check(matcher, None, bindings).unwrap_or((false, String::new()));
                return CheckResult {
                    name,
                    passed: false,
                    expected,
                    actual: format!("no {endpoint} call {during}"),
                    line: span.line,
                    diff: None,
                };
            }
            let mut first_pass = None;
            for (index, call) in calls.iter().enumerate() {
                let value = call.field(field);
                let mut result = verdict(name.clone(), matcher, value.as_ref(), bindings, span);
                result.actual = shown(field, value.as_ref());
                if calls.len() > 1 {
                    result.actual =
                        format!("call {} of {}: {}", index + 1, calls.len(), result.actual);
                }
                if !result.passed {
                    return result;
                }
                first_pass.get_or_insert(result);
            }
            let mut result =
                first_pass.unwrap_or_else(|| verdict(name, matcher, None, bindings, span));
            if calls.len() > 1 {
                result.actual = format!("all {} calls match", calls.len());
            }
            result
        }
    }
}

/// A field's value as a check result shows it: credentials the target sent are masked, since the
/// redactor never saw them.
fn shown(field: &CallField, value: Option<&Value>) -> String {
    match value {
        Some(_) if field.is_secret() => format!("\"{MASK}\""),
        other => matcher::show_actual(other),
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Response;
    use crate::mock::{CallFindings, ClientAuth, Endpoint, PkceOutcome};
    use crate::suite::{JsonTemplate, Matcher};
    use crate::template::{Scope, TemplateBuilder};
    use serde_json::json;

    fn call(sequence: u64, endpoint: Endpoint, form: &[(&str, &str)]) -> RecordedCall {
        RecordedCall {
            sequence,
            endpoint,
            tenant: None,
            method: "POST".to_owned(),
            path: "/token".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            form: form
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            findings: CallFindings {
                client_id: Some("web".to_owned()),
                client_auth: Some(ClientAuth::Basic),
                same_redirect_uri: Some(true),
                pkce: Some(PkceOutcome::Verified),
            },
            status: 200,
        }
    }

    fn check(calls: &[RecordedCall], step_mark: u64, assertion: MockCallsAssertion) -> CheckResult {
        let templates = TemplateBuilder::default().finish().expect("empty set");
        let scope = Scope::default();
        let response = Response::new(200, Vec::new(), Vec::new());
        let url = url::Url::parse("http://target.test/callback").expect("url");
        let observed = Observed {
            response: &response,
            url: &url,
            duration_ms: 1.0,
            mock_calls: MockCallsView { calls, step_mark },
            jwks: &[],
        };
        evaluate(
            &assertion,
            &observed,
            &Bindings::new(&templates, &scope),
            Span::default(),
        )
    }

    fn count(window: CallWindow, expected: u64) -> MockCallsAssertion {
        MockCallsAssertion {
            endpoint: Endpoint::GoogleToken,
            window,
            check: MockCallCheck::Count(Matcher::Eq(JsonTemplate::Literal(json!(expected)))),
        }
    }

    fn field(field: CallField, matcher: Matcher) -> MockCallsAssertion {
        MockCallsAssertion {
            endpoint: Endpoint::GoogleToken,
            window: CallWindow::Step,
            check: MockCallCheck::Field { field, matcher },
        }
    }

    #[test]
    fn count_sees_only_the_steps_calls_unless_asked_for_the_suites() {
        let calls = [
            call(1, Endpoint::GoogleToken, &[]),
            call(5, Endpoint::GoogleToken, &[]),
        ];
        let step = check(&calls, 3, count(CallWindow::Step, 1));
        assert!(step.passed, "{step:?}");
        assert_eq!(step.name, "mock_calls google.token count");
        assert_eq!(step.actual, "1 call during this step");
        let suite = check(&calls, 3, count(CallWindow::Suite, 1));
        assert!(!suite.passed);
        assert_eq!(suite.actual, "2 calls since the suite started");
    }

    #[test]
    fn a_field_must_hold_for_every_call() {
        let calls = [
            call(
                1,
                Endpoint::GoogleToken,
                &[("grant_type", "authorization_code")],
            ),
            call(2, Endpoint::GoogleToken, &[("grant_type", "refresh_token")]),
        ];
        let result = check(
            &calls,
            0,
            field(
                CallField::Form("grant_type".to_owned()),
                Matcher::Eq(JsonTemplate::Literal(json!("authorization_code"))),
            ),
        );
        assert!(!result.passed);
        assert_eq!(result.name, "mock_calls google.token form.grant_type");
        assert_eq!(result.actual, "call 2 of 2: \"refresh_token\"");
    }

    #[test]
    fn a_field_check_without_calls_fails_and_says_so() {
        let result = check(
            &[],
            0,
            field(
                CallField::Pkce,
                Matcher::Eq(JsonTemplate::Literal(json!("verified"))),
            ),
        );
        assert!(!result.passed);
        assert_eq!(result.actual, "no google.token call during this step");
        assert_eq!(result.expected, "\"verified\"");
    }

    #[test]
    fn credentials_the_target_sent_are_masked() {
        let calls = [call(
            1,
            Endpoint::GoogleToken,
            &[("code_verifier", "the-verifier-itself")],
        )];
        let result = check(
            &calls,
            0,
            field(
                CallField::Form("code_verifier".to_owned()),
                Matcher::Eq(JsonTemplate::Literal(json!("something else"))),
            ),
        );
        assert!(!result.passed);
        assert!(
            !result.actual.contains("the-verifier-itself"),
            "{}",
            result.actual
        );
        let present = check(
            &calls,
            0,
            field(
                CallField::Form("code_verifier".to_owned()),
                Matcher::Exists(true),
            ),
        );
        assert!(present.passed);
    }

    #[test]
    fn findings_are_checked_like_fields() {
        let calls = [call(1, Endpoint::GoogleToken, &[])];
        let auth = check(
            &calls,
            0,
            field(
                CallField::ClientAuth,
                Matcher::Eq(JsonTemplate::Literal(json!("client_secret_post"))),
            ),
        );
        assert!(!auth.passed);
        assert_eq!(auth.actual, "\"client_secret_basic\"");
        let same = check(
            &calls,
            0,
            field(
                CallField::SameRedirectUri,
                Matcher::Eq(JsonTemplate::Literal(json!(true))),
            ),
        );
        assert!(same.passed);
    }
}
