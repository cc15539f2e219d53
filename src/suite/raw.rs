//! The suite file as serde reads it: every key the format knows, nothing validated yet.
//!
//! Each struct denies unknown fields so that a typo is an error with a suggestion, not a key that is
//! silently ignored. Values whose shape depends on their content (matchers, JSON bodies, vars) stay
//! `serde_json::Value` here and are checked, with their spans, in [`super::validate`].

use serde::Deserialize;
use serde_json::Value;

mod attacks;
mod checks;
mod map;
mod mocks;
pub use attacks::*;
pub use checks::*;
pub use map::RawMap;
pub use mocks::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSuite {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub vars: RawMap<Value>,
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub identities: RawMap<RawIdentity>,
    /// `true`, `false`, or `{ headers: [...], redact: [...] }`: every step's default.
    #[serde(default)]
    pub snapshot: Option<Value>,
    #[serde(default)]
    pub mocks: Option<RawMocks>,
    pub steps: Vec<RawStep>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawIdentity {
    #[serde(default)]
    pub headers: RawMap<Value>,
    #[serde(default)]
    pub bearer: Option<String>,
    #[serde(default)]
    pub basic: Option<RawBasic>,
    #[serde(default)]
    pub api_key: Option<Value>,
}

/// The larger optional sections are boxed: a suite holds many steps and most use few of them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub name: String,
    #[serde(default, rename = "as")]
    pub identity: Option<String>,
    /// Absent only on a `check:` step, which sends its own requests.
    #[serde(default)]
    pub request: Option<Box<RawRequest>>,
    #[serde(default)]
    pub follow_redirects: Option<bool>,
    #[serde(default)]
    pub timeout: Option<Value>,
    #[serde(default)]
    pub retry: Option<RawRetry>,
    #[serde(default)]
    pub expect: Option<Box<RawExpect>>,
    #[serde(default)]
    pub capture: RawMap<RawCapture>,
    /// `true`, `false`, or `{ headers: [...], redact: [...] }`; checked in validation.
    #[serde(default)]
    pub snapshot: Option<Value>,
    #[serde(default)]
    pub attacks: Option<Box<RawAttacks>>,
    #[serde(default)]
    pub race: Option<RawRace>,
    #[serde(default)]
    pub check: Option<Box<RawCheck>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    #[serde(default)]
    pub method: Option<String>,
    pub url: String,
    #[serde(default)]
    pub headers: RawMap<Value>,
    #[serde(default)]
    pub query: RawMap<Value>,
    #[serde(default)]
    pub json: Option<Value>,
    #[serde(default)]
    pub form: Option<RawMap<Value>>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub bearer: Option<String>,
    #[serde(default)]
    pub basic: Option<RawBasic>,
    #[serde(default)]
    pub api_key: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBasic {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    pub attempts: u32,
    #[serde(default)]
    pub delay: Option<Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    pub status: Option<Value>,
    #[serde(default)]
    pub headers: RawMap<Value>,
    #[serde(default)]
    pub cookies: RawMap<RawCookieExpect>,
    #[serde(default)]
    pub json: RawMap<Value>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub duration: Option<Value>,
    #[serde(default)]
    pub redirect: Option<RawRedirectExpect>,
    #[serde(default)]
    pub mock_calls: RawMap<RawMockCallsExpect>,
    /// JSONPath of a token in the body → how to verify it.
    #[serde(default)]
    pub jwt: RawMap<RawJwtExpect>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCookieExpect {
    #[serde(default)]
    pub exists: Option<bool>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub http_only: Option<bool>,
    #[serde(default)]
    pub secure: Option<bool>,
    #[serde(default)]
    pub same_site: Option<Value>,
    #[serde(default)]
    pub path: Option<Value>,
    #[serde(default)]
    pub domain: Option<Value>,
    #[serde(default)]
    pub max_age: Option<Value>,
    #[serde(default)]
    pub expires: Option<Value>,
    /// A named preset of rules: `owasp-strict`.
    #[serde(default)]
    pub policy: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRedirectExpect {
    #[serde(default)]
    pub to: Option<Value>,
    #[serde(default)]
    pub query: RawMap<Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCapture {
    #[serde(default)]
    pub json: Option<String>,
    #[serde(default)]
    pub header: Option<String>,
    #[serde(default)]
    pub cookie: Option<String>,
    #[serde(default)]
    pub redirect: Option<bool>,
    #[serde(default)]
    pub redirect_query: Option<String>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub group: Option<usize>,
    #[serde(default)]
    pub status: Option<bool>,
    #[serde(default)]
    pub body: Option<bool>,
    #[serde(default)]
    pub jwt_claim: Option<String>,
}
