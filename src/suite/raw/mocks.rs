//! The `mocks:` section and `expect.mock_calls`, as serde reads them.

use super::RawMap;
use serde::Deserialize;
use serde_json::Value;

/// `mocks:`: the stand-ins a suite needs.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawMocks {
    #[serde(default)]
    pub google: Option<RawGoogleMock>,
    #[serde(default)]
    pub github: Option<RawGithubMock>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawGoogleMock {
    #[serde(default)]
    pub clients: Option<Vec<RawMockClient>>,
    #[serde(default)]
    pub users: Option<Vec<RawGoogleUser>>,
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(default)]
    pub slow: RawMap<Value>,
    #[serde(default)]
    pub fail: RawMap<Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawGithubMock {
    #[serde(default)]
    pub clients: Option<Vec<RawMockClient>>,
    #[serde(default)]
    pub users: Option<Vec<RawGithubUser>>,
    #[serde(default)]
    pub scenario: Option<String>,
    #[serde(default)]
    pub slow: RawMap<Value>,
    #[serde(default)]
    pub fail: RawMap<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMockClient {
    pub id: String,
    pub secret: String,
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoogleUser {
    pub sub: String,
    pub email: String,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub picture: Option<String>,
    #[serde(default)]
    pub hd: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    /// More ID-token and userinfo claims.
    #[serde(default)]
    pub claims: RawMap<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGithubUser {
    pub login: String,
    pub id: u64,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub public_email: Option<bool>,
    #[serde(default)]
    pub verified: Option<bool>,
    #[serde(default)]
    pub emails: Vec<RawGithubEmail>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGithubEmail {
    pub email: String,
    #[serde(default)]
    pub verified: Option<bool>,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// One entry of `expect.mock_calls`, keyed by endpoint (`google.token`).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawMockCallsExpect {
    #[serde(default)]
    pub count: Option<Value>,
    #[serde(default)]
    pub during: Option<String>,
    #[serde(default)]
    pub method: Option<Value>,
    #[serde(default)]
    pub path: Option<Value>,
    #[serde(default)]
    pub query: RawMap<Value>,
    #[serde(default)]
    pub form: RawMap<Value>,
    #[serde(default)]
    pub headers: RawMap<Value>,
    #[serde(default)]
    pub client_id: Option<Value>,
    #[serde(default)]
    pub client_auth: Option<Value>,
    #[serde(default)]
    pub same_redirect_uri: Option<Value>,
    #[serde(default)]
    pub pkce: Option<Value>,
    #[serde(default)]
    pub status: Option<Value>,
}
