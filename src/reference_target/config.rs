//! How a reference target is set up: its flaws, how it signs tokens, lifetimes, and the URL
//! browsers reach it at.

use std::time::Duration;

use url::Url;

use super::flaw::FlawSet;

/// How access and refresh tokens are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with [`super::demo::JWT_SECRET`].
    #[default]
    Hs256,
    /// RSA-SHA256 with a fixed demo key, published at `/.well-known/jwks.json`.
    Rs256,
}

impl JwtAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            JwtAlgorithm::Hs256 => "HS256",
            JwtAlgorithm::Rs256 => "RS256",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TargetConfig {
    pub flaws: FlawSet,
    pub jwt_algorithm: JwtAlgorithm,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Absolute lifetime of a login session on the server.
    pub session_ttl: Duration,
    /// Where browsers reach the target. An `https` URL makes cookies `Secure`. [`super::start`]
    /// fills it in from the bound address when it is `None`.
    pub public_url: Option<Url>,
}

impl Default for TargetConfig {
    fn default() -> Self {
        TargetConfig {
            flaws: FlawSet::none(),
            jwt_algorithm: JwtAlgorithm::Hs256,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            session_ttl: Duration::from_secs(8 * 60 * 60),
            public_url: None,
        }
    }
}

impl TargetConfig {
    pub fn with_flaws(flaws: FlawSet) -> Self {
        TargetConfig {
            flaws,
            ..TargetConfig::default()
        }
    }
}
