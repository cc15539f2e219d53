//! The validated suite: what the runner executes. Built from [`super::raw`] by
//! [`super::validate`]; every string is a compiled [`Text`], every JSONPath and regex is compiled,
//! and every node that can fail at run time keeps the [`Span`] it was written at.

use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;
use serde_json_path::JsonPath;

use super::span::{SourceFile, Span};
use crate::template::{TemplateSet, Text};

mod attacks;
mod checks;
mod mocks;
pub use attacks::*;
pub use checks::*;
pub use mocks::*;

#[derive(Debug)]
pub struct Suite {
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub source: Arc<SourceFile>,
    /// In declaration order: a var may read the ones before it.
    pub vars: Vec<(String, JsonTemplate)>,
    /// Names of vars whose values must never reach an artifact.
    pub secrets: Vec<String>,
    pub identities: IndexMap<String, Identity>,
    /// The Google and GitHub stand-ins the suite needs, started fresh for it.
    pub mocks: MockSpecs,
    pub steps: Vec<Step>,
    pub templates: TemplateSet,
}

/// A named user: their own cookie jar, and credentials every step run `as:` them sends.
#[derive(Debug, Default)]
pub struct Identity {
    pub headers: Vec<(String, Text)>,
    pub auth: Option<Auth>,
}

#[derive(Debug)]
pub struct Step {
    pub name: String,
    pub span: Span,
    /// The identity whose cookie jar and credentials the step uses; `None` is the default identity.
    pub identity: Option<String>,
    /// `None` only on a `check:` step, which sends its own requests.
    pub request: Option<RequestSpec>,
    pub follow_redirects: bool,
    pub timeout: Option<Duration>,
    pub retry: Option<Retry>,
    pub assertions: Vec<Assertion>,
    pub captures: Vec<Capture>,
    /// Compare the response with a stored snapshot (the step's own setting or the suite's).
    pub snapshot: Option<SnapshotSpec>,
    /// Variants of the step's credential to send after it, each expected to be refused (boxed:
    /// large, and on few steps).
    pub attacks: Option<Box<AttackSet>>,
    /// Send the request this many times at once instead of once.
    pub race: Option<Race>,
    /// A session or refresh check: a fixed sequence of requests instead of `request` (boxed:
    /// large, and on few steps).
    pub check: Option<Box<StepCheck>>,
}

/// What a step's snapshot keeps of its response; see [`crate::snapshot`].
#[derive(Debug, Clone)]
pub struct SnapshotSpec {
    /// Where `snapshot:` was written: on the step, or on the suite when the step inherits it.
    pub span: Span,
    /// Response headers to keep, lowercase, in the order given.
    pub headers: Vec<String>,
    /// Body values replaced by `[redacted]` before storing: the query as written, compiled.
    pub redact: Vec<(String, Arc<JsonPath>)>,
}

impl SnapshotSpec {
    /// The headers a snapshot keeps when the suite names none.
    pub const DEFAULT_HEADERS: &[&str] = &["content-type"];
}

#[derive(Debug)]
pub struct RequestSpec {
    pub method: reqwest::Method,
    pub url: Text,
    pub url_span: Span,
    pub headers: Vec<(String, Text)>,
    pub query: Vec<(String, Text)>,
    pub body: Option<Body>,
    pub auth: Option<Auth>,
}

#[derive(Debug)]
pub enum Body {
    Json(JsonTemplate),
    Form(Vec<(String, Text)>),
    Raw(Text),
}

#[derive(Debug, Clone)]
pub enum Auth {
    Bearer(Text),
    Basic {
        username: Text,
        password: Text,
    },
    ApiKey {
        placement: ApiKeyPlacement,
        value: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyPlacement {
    Header(String),
    Query(String),
}

/// A JSON value whose strings may be templates.
#[derive(Debug, Clone)]
pub enum JsonTemplate {
    /// No template anywhere inside: used as is.
    Literal(Value),
    Text(Text),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

impl JsonTemplate {
    fn has_templates(&self) -> bool {
        match self {
            JsonTemplate::Literal(_) => false,
            JsonTemplate::Text(text) => !matches!(text, Text::Literal(_)),
            JsonTemplate::Array(items) => items.iter().any(JsonTemplate::has_templates),
            JsonTemplate::Object(entries) => entries.iter().any(|(_, value)| value.has_templates()),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// How many times the step is tried in all, the first try included (at least 1).
    pub attempts: u32,
    pub delay: Duration,
}

/// One check on the response, with where it was written.
#[derive(Debug)]
pub struct Assertion {
    pub span: Span,
    pub kind: AssertionKind,
}

impl Assertion {
    /// Whether evaluating it needs nothing but the response, the URL it came from and how long it
    /// took: no variable, no stand-in's calls, no key to fetch.
    pub fn reads_only_the_response(&self) -> bool {
        match &self.kind {
            AssertionKind::Status(matcher)
            | AssertionKind::Header { matcher, .. }
            | AssertionKind::Cookie { matcher, .. }
            | AssertionKind::Json { matcher, .. }
            | AssertionKind::Body(matcher)
            | AssertionKind::Duration(matcher)
            | AssertionKind::RedirectTo(matcher)
            | AssertionKind::RedirectQuery { matcher, .. } => !matcher.has_templates(),
            AssertionKind::CookiePolicy { .. } => true,
            AssertionKind::MockCalls(_) | AssertionKind::Jwt { .. } => false,
        }
    }
}

#[derive(Debug)]
pub enum AssertionKind {
    Status(Matcher),
    Header {
        name: String,
        matcher: Matcher,
    },
    Cookie {
        name: String,
        attribute: CookieAttribute,
        matcher: Matcher,
    },
    Json {
        path: Arc<JsonPath>,
        query: String,
        matcher: Matcher,
    },
    Body(Matcher),
    /// Milliseconds from sending the request to the end of the response body.
    Duration(Matcher),
    RedirectTo(Matcher),
    RedirectQuery {
        param: String,
        matcher: Matcher,
    },
    /// What a stand-in received from the target (the back channel).
    MockCalls(MockCallsAssertion),
    /// A cookie judged against a named preset of rules (`policy: owasp-strict`).
    CookiePolicy {
        name: String,
        policy: crate::assert::cookie_policy::CookiePolicy,
    },
    /// A token in the body, verified: signature, algorithm, time claims.
    Jwt {
        path: Arc<JsonPath>,
        query: String,
        check: JwtCheck,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieAttribute {
    Exists,
    Value,
    HttpOnly,
    Secure,
    SameSite,
    Path,
    Domain,
    MaxAge,
    Expires,
}

impl CookieAttribute {
    pub fn label(self) -> &'static str {
        match self {
            CookieAttribute::Exists => "exists",
            CookieAttribute::Value => "value",
            CookieAttribute::HttpOnly => "HttpOnly",
            CookieAttribute::Secure => "Secure",
            CookieAttribute::SameSite => "SameSite",
            CookieAttribute::Path => "Path",
            CookieAttribute::Domain => "Domain",
            CookieAttribute::MaxAge => "Max-Age",
            CookieAttribute::Expires => "Expires",
        }
    }
}

/// What a value must be. A map of several matchers means all of them.
#[derive(Debug, Clone)]
pub enum Matcher {
    All(Vec<Matcher>),
    Eq(JsonTemplate),
    Ne(JsonTemplate),
    Contains(JsonTemplate),
    Matches(Regex),
    Exists(bool),
    Type(ValueType),
    Len(Box<Matcher>),
    /// Bounds keep the number as written: a 64-bit integer such as a user id compares exactly.
    Gt(serde_json::Number),
    Ge(serde_json::Number),
    Lt(serde_json::Number),
    Le(serde_json::Number),
    OneOf(Vec<JsonTemplate>),
}

impl Matcher {
    fn has_templates(&self) -> bool {
        match self {
            Matcher::All(matchers) => matchers.iter().any(Matcher::has_templates),
            Matcher::Len(matcher) => matcher.has_templates(),
            Matcher::Eq(value) | Matcher::Ne(value) | Matcher::Contains(value) => {
                value.has_templates()
            }
            Matcher::OneOf(values) => values.iter().any(JsonTemplate::has_templates),
            Matcher::Matches(_)
            | Matcher::Exists(_)
            | Matcher::Type(_)
            | Matcher::Gt(_)
            | Matcher::Ge(_)
            | Matcher::Lt(_)
            | Matcher::Le(_) => false,
        }
    }
}

/// The names a matcher map may use, in the order the docs list them.
pub const MATCHER_NAMES: &[&str] = &[
    "eq", "ne", "contains", "matches", "exists", "type", "len", "gt", "ge", "lt", "le", "one_of",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl ValueType {
    pub const NAMES: &[&str] = &[
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "string" => ValueType::String,
            "number" => ValueType::Number,
            "integer" => ValueType::Integer,
            "boolean" | "bool" => ValueType::Boolean,
            "array" => ValueType::Array,
            "object" => ValueType::Object,
            "null" => ValueType::Null,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Integer => "integer",
            ValueType::Boolean => "boolean",
            ValueType::Array => "array",
            ValueType::Object => "object",
            ValueType::Null => "null",
        }
    }
}

/// A value read from the response and stored as a variable for later steps.
#[derive(Debug)]
pub struct Capture {
    pub name: String,
    pub span: Span,
    pub source: CaptureSource,
    /// Decode the captured value as a JWT (without verifying it) and keep this claim.
    pub jwt_claim: Option<String>,
}

#[derive(Debug)]
pub enum CaptureSource {
    Json {
        path: Arc<JsonPath>,
        query: String,
    },
    Header(String),
    Cookie(String),
    /// The `Location` header, resolved against the request URL.
    Redirect,
    /// One query parameter of the resolved `Location`.
    RedirectQuery(String),
    Regex {
        regex: Regex,
        group: usize,
    },
    Status,
    Body,
}
