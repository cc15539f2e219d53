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
    /// Where browsers reach the target. An `https` URL makes cookies `Secure` and is the base of
    /// the OAuth `redirect_uri`s. [`super::start`] fills it in from the bound address when `None`.
    pub public_url: Option<Url>,
    /// "Sign in with Google": `None` leaves `/auth/google/*` answering 404.
    pub google: Option<GoogleClient>,
    /// "Sign in with GitHub": `None` leaves `/auth/github/*` answering 404.
    pub github: Option<GithubClient>,
}

/// The target as a Google OAuth client: where Google (or a stand-in) is, and who we are to it.
#[derive(Debug, Clone)]
pub struct GoogleClient {
    pub authorize_url: Url,
    pub token_url: Url,
    pub jwks_url: Url,
    /// The `iss` every ID token must carry, exactly.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl GoogleClient {
    /// Google's real endpoints, with our registration.
    pub fn google(client_id: impl Into<String>, client_secret: impl Into<String>) -> GoogleClient {
        GoogleClient {
            authorize_url: fixed_url("https://accounts.google.com/o/oauth2/v2/auth"),
            token_url: fixed_url("https://oauth2.googleapis.com/token"),
            jwks_url: fixed_url("https://www.googleapis.com/oauth2/v3/certs"),
            issuer: "https://accounts.google.com".to_owned(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }
}

/// The target as a GitHub OAuth app.
#[derive(Debug, Clone)]
pub struct GithubClient {
    pub authorize_url: Url,
    pub token_url: Url,
    /// Base of the REST API (`/user`, `/user/emails`), with a trailing slash.
    pub api_base_url: Url,
    pub client_id: String,
    pub client_secret: String,
}

impl GithubClient {
    /// GitHub's real endpoints, with our registration.
    pub fn github(client_id: impl Into<String>, client_secret: impl Into<String>) -> GithubClient {
        GithubClient {
            authorize_url: fixed_url("https://github.com/login/oauth/authorize"),
            token_url: fixed_url("https://github.com/login/oauth/access_token"),
            api_base_url: fixed_url("https://api.github.com/"),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }
}

fn fixed_url(text: &str) -> Url {
    Url::parse(text).expect("a literal URL is valid")
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
            google: None,
            github: None,
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
