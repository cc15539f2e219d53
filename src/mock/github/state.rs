//! What the GitHub stand-in remembers: its suites, the codes it issued and the tokens they became.

use std::collections::HashMap;

use crate::mock::config::GithubConfig;
use crate::mock::pkce::Challenge;
use crate::mock::tenants::Tenants;

/// GitHub codes live ten minutes.
pub(super) const CODE_LIFETIME_SECONDS: u64 = 600;

#[derive(Debug, Default)]
pub(crate) struct GithubState {
    pub tenants: Tenants<GithubConfig>,
    pub codes: HashMap<String, GithubCode>,
    pub tokens: HashMap<String, GithubToken>,
}

#[derive(Debug, Clone)]
pub(crate) struct GithubCode {
    pub tenant: String,
    pub client_id: String,
    /// The `redirect_uri` the authorization request named, if it named one.
    pub requested_redirect_uri: Option<String>,
    pub login: String,
    /// Normalised, as GitHub reports them.
    pub scopes: Vec<String>,
    pub challenge: Option<Challenge>,
    pub expires_at: u64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct GithubToken {
    pub tenant: String,
    pub login: String,
    pub scopes: Vec<String>,
    /// The code it was exchanged for: replaying the code revokes it.
    pub code: String,
    pub revoked: bool,
}
