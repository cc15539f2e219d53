//! Assertions: each kind reads one thing from the response and hands it to a [`Matcher`]. A failed
//! assertion is data (a [`CheckResult`] with expected and actual), never an error.

mod body;
mod cookie;
pub mod cookie_policy;
mod duration;
mod header;
mod json;
mod jwt_token;
pub mod matcher;
mod mock_calls;
mod redirect;
mod status;

use serde::Serialize;
use serde_json::Value;
use url::Url;

pub use mock_calls::MockCallsView;

use crate::http::Response;
use crate::suite::{Assertion, AssertionKind, JsonTemplate, Matcher, Span};
use crate::template::{RenderError, Scope, TemplateSet};

/// The outcome of one named check: an assertion, a capture, or (later) an attack.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckResult {
    /// "status", "json $.user.email", "cookie session HttpOnly", "capture token".
    pub name: String,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// Where the check was written in the suite (1-based; 0 when not from a suite line).
    pub line: usize,
    /// A unified diff from expected to actual, when the check compares whole texts (snapshots).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// What a step's response is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub response: &'a Response,
    /// The URL the response came from (after any redirects the step followed).
    pub url: &'a Url,
    pub duration_ms: f64,
    /// What the suite's stand-ins received (empty when it declares none).
    pub mock_calls: MockCallsView<'a>,
    /// JWKS documents `expect.jwt` needs, fetched by the runner: (URL as written, rendered; the
    /// document or why it could not be fetched).
    pub jwks: &'a [(String, Result<serde_json::Value, String>)],
}

/// What templates in expected values render against.
#[derive(Clone, Copy)]
pub struct Bindings<'a> {
    templates: &'a TemplateSet,
    scope: &'a Scope,
}

impl<'a> Bindings<'a> {
    pub fn new(templates: &'a TemplateSet, scope: &'a Scope) -> Self {
        Bindings { templates, scope }
    }

    pub fn render_json(&self, template: &JsonTemplate) -> Result<Value, RenderError> {
        Ok(match template {
            JsonTemplate::Literal(value) => value.clone(),
            JsonTemplate::Text(text) => {
                Value::String(text.render(self.templates, self.scope)?.into_owned())
            }
            JsonTemplate::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.render_json(item))
                    .collect::<Result<_, _>>()?,
            ),
            JsonTemplate::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, item)| Ok((key.clone(), self.render_json(item)?)))
                    .collect::<Result<_, RenderError>>()?,
            ),
        })
    }
}

/// Runs one assertion against the response.
pub fn evaluate(
    assertion: &Assertion,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
) -> CheckResult {
    match &assertion.kind {
        AssertionKind::Status(matcher) => {
            status::evaluate(matcher, observed, bindings, assertion.span)
        }
        AssertionKind::Header { name, matcher } => {
            header::evaluate(name, matcher, observed, bindings, assertion.span)
        }
        AssertionKind::Cookie {
            name,
            attribute,
            matcher,
        } => cookie::evaluate(
            name,
            *attribute,
            matcher,
            observed,
            bindings,
            assertion.span,
        ),
        AssertionKind::Json {
            path,
            query,
            matcher,
        } => json::evaluate(path, query, matcher, observed, bindings, assertion.span),
        AssertionKind::Body(matcher) => body::evaluate(matcher, observed, bindings, assertion.span),
        AssertionKind::Duration(matcher) => {
            duration::evaluate(matcher, observed, bindings, assertion.span)
        }
        AssertionKind::RedirectTo(matcher) => {
            redirect::evaluate_target(matcher, observed, bindings, assertion.span)
        }
        AssertionKind::RedirectQuery { param, matcher } => {
            redirect::evaluate_query(param, matcher, observed, bindings, assertion.span)
        }
        AssertionKind::MockCalls(calls) => {
            mock_calls::evaluate(calls, observed, bindings, assertion.span)
        }
        AssertionKind::CookiePolicy { name, policy } => {
            cookie_policy::evaluate(name, *policy, observed, assertion.span)
        }
        AssertionKind::Jwt { path, query, check } => {
            jwt_token::evaluate(path, query, check, observed, bindings, assertion.span)
        }
    }
}

/// The common tail of every assertion kind: match, then describe.
fn verdict(
    name: String,
    matcher: &Matcher,
    actual: Option<&Value>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    match matcher::check(matcher, actual, bindings) {
        Ok((passed, expected)) => CheckResult {
            name,
            passed,
            expected,
            actual: matcher::show_actual(actual),
            line: span.line,
            diff: None,
        },
        Err(error) => CheckResult {
            name,
            passed: false,
            expected: format!("(could not render the expected value: {error})"),
            actual: matcher::show_actual(actual),
            line: span.line,
            diff: None,
        },
    }
}

/// The `Location` of a response resolved against the URL it came from.
pub fn resolved_location(observed: &Observed<'_>) -> Option<Url> {
    let location = observed.response.header("location")?;
    observed.url.join(location).ok()
}
