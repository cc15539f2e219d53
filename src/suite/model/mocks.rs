//! The validated `mocks:` section and `expect.mock_calls`. Strings may be templates (a redirect URI
//! under `{{ target }}`, a secret from `{{ env.X }}`): the runner renders them when it starts the
//! suite's stand-ins, then hands plain [`crate::mock`] configuration to them.

use super::{JsonTemplate, Matcher};
use crate::mock::{CallField, Endpoint, Faults, Provider, Scenario};
use crate::suite::Span;
use crate::template::Text;

/// The stand-ins a suite declares.
#[derive(Debug, Default)]
pub struct MockSpecs {
    pub google: Option<GoogleSpec>,
    pub github: Option<GithubSpec>,
}

impl MockSpecs {
    pub fn providers(&self) -> Vec<Provider> {
        let mut providers = Vec::with_capacity(2);
        if self.google.is_some() {
            providers.push(Provider::Google);
        }
        if self.github.is_some() {
            providers.push(Provider::Github);
        }
        providers
    }
}

/// A registered client. Without `redirect_uris`, the article's callback under the target.
#[derive(Debug)]
pub struct MockClientSpec {
    pub id: Text,
    pub secret: Text,
    pub redirect_uris: Option<Vec<Text>>,
}

#[derive(Debug)]
pub struct GoogleSpec {
    /// `None`: the default client.
    pub clients: Option<Vec<MockClientSpec>>,
    /// `None`: the default user (Alice).
    pub users: Option<Vec<GoogleUserSpec>>,
    pub scenario: Option<Scenario>,
    pub faults: Faults,
    pub span: Span,
}

#[derive(Debug)]
pub struct GoogleUserSpec {
    pub sub: Text,
    pub email: Text,
    pub email_verified: bool,
    pub name: Option<Text>,
    pub given_name: Option<Text>,
    pub family_name: Option<Text>,
    pub picture: Option<Text>,
    pub hd: Option<Text>,
    pub locale: Option<Text>,
    pub claims: Vec<(String, JsonTemplate)>,
}

#[derive(Debug)]
pub struct GithubSpec {
    pub clients: Option<Vec<MockClientSpec>>,
    pub users: Option<Vec<GithubUserSpec>>,
    pub scenario: Option<Scenario>,
    pub faults: Faults,
    pub span: Span,
}

#[derive(Debug)]
pub struct GithubUserSpec {
    pub login: Text,
    pub id: u64,
    pub email: Text,
    pub name: Option<Text>,
    pub public_email: bool,
    pub verified: bool,
    pub emails: Vec<GithubEmailSpec>,
    pub company: Option<Text>,
    pub location: Option<Text>,
    pub bio: Option<Text>,
}

#[derive(Debug)]
pub struct GithubEmailSpec {
    pub email: Text,
    pub verified: bool,
    pub visibility: Option<String>,
}

/// Which calls an `expect.mock_calls` check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallWindow {
    /// Calls received while this step ran (the default).
    Step,
    /// Every call since the suite started.
    Suite,
}

impl CallWindow {
    pub const NAMES: &[&str] = &["step", "suite"];
}

/// One check of `expect.mock_calls`.
#[derive(Debug)]
pub struct MockCallsAssertion {
    pub endpoint: Endpoint,
    pub window: CallWindow,
    pub check: MockCallCheck,
}

#[derive(Debug)]
pub enum MockCallCheck {
    /// How many calls the endpoint received.
    Count(Matcher),
    /// A part of every call the endpoint received.
    Field { field: CallField, matcher: Matcher },
}
