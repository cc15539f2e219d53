//! What the Google stand-in remembers between requests: its suites (tenants), the codes it issued
//! and the tokens they became. Everything lives behind one `Mutex` that each synchronous
//! `Respond` holds only while it answers.

use std::collections::{HashMap, HashSet};

use crate::mock::config::GoogleConfig;
use crate::mock::pkce::Challenge;
use crate::mock::tenants::Tenants;

/// How long a code can be exchanged (Google: about ten minutes).
pub(super) const CODE_LIFETIME_SECONDS: u64 = 600;
/// `expires_in` of an access token: Google says 3599.
pub(super) const ACCESS_TOKEN_LIFETIME_SECONDS: u64 = 3599;
/// `exp - iat` of an ID token.
pub(super) const ID_TOKEN_LIFETIME_SECONDS: u64 = 3600;

#[derive(Debug, Default)]
pub(crate) struct GoogleState {
    pub tenants: Tenants<GoogleTenant>,
    pub codes: HashMap<String, CodeGrant>,
    pub access_tokens: HashMap<String, TokenGrant>,
    pub refresh_tokens: HashMap<String, TokenGrant>,
}

/// One suite's Google.
#[derive(Debug)]
pub(crate) struct GoogleTenant {
    pub config: GoogleConfig,
    /// (client id, sub) pairs that have consented: a refresh token is issued on first consent only.
    pub consents: HashSet<(String, String)>,
    /// Set by the `key-rotation` scenario once the new key signs.
    pub rotated: bool,
}

impl GoogleTenant {
    pub fn new(config: GoogleConfig) -> Self {
        GoogleTenant {
            config,
            consents: HashSet::new(),
            rotated: false,
        }
    }
}

/// An authorization code and everything it is bound to.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub sub: String,
    /// Granted scopes, expanded as Google expands them.
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub challenge: Option<Challenge>,
    pub expires_at: u64,
    pub used: bool,
    /// `access_type=offline` on first consent (or with `prompt=consent`).
    pub issue_refresh_token: bool,
}

/// An access or refresh token. Tokens from one code share a family: revoking one, or replaying
/// the code, revokes them all.
#[derive(Debug, Clone)]
pub(crate) struct TokenGrant {
    pub tenant: String,
    pub client_id: String,
    pub sub: String,
    pub scopes: Vec<String>,
    /// `None` for refresh tokens, which do not expire here.
    pub expires_at: Option<u64>,
    pub family: String,
    pub revoked: bool,
}

impl TokenGrant {
    pub fn is_live(&self, now: u64) -> bool {
        !self.revoked && self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

impl GoogleState {
    /// Revokes every token of a family.
    pub fn revoke_family(&mut self, family: &str) {
        for grant in self
            .access_tokens
            .values_mut()
            .chain(self.refresh_tokens.values_mut())
            .filter(|grant| grant.family == family)
        {
            grant.revoked = true;
        }
    }

    /// Whether any suite's tokens are now signed by the rotated key (the JWKS then publishes it).
    pub fn any_rotated(&self) -> bool {
        self.tenants.states().any(|(_, tenant)| tenant.rotated)
    }
}
