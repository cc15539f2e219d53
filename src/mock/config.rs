//! What a stand-in is told to be: registered clients, users, the scenario it plays and the faults
//! it injects. Plain data, already validated (the suite loader checks the YAML; the CLI has its
//! defaults), so starting a stand-in cannot fail on it.

use std::time::Duration;

use serde_json::{Map, Value};

use super::endpoint::{Endpoint, Provider};

/// An OAuth client registered with a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub secret: String,
    /// Exact strings for Google; callback URLs (with GitHub's prefix rules) for GitHub. The first
    /// is GitHub's default when an authorization request names none.
    pub redirect_uris: Vec<String>,
}

/// A Google account: its ID-token and userinfo claims.
#[derive(Debug, Clone, PartialEq)]
pub struct GoogleUser {
    /// Stable numeric string, about 21 digits.
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub picture: Option<String>,
    /// The Workspace domain: added to the ID token, userinfo and the authorization redirect.
    pub hd: Option<String>,
    pub locale: Option<String>,
    /// More claims for the ID token and userinfo, as given.
    pub extra_claims: Map<String, Value>,
}

/// A GitHub account.
#[derive(Debug, Clone, PartialEq)]
pub struct GithubUser {
    pub login: String,
    pub id: u64,
    pub name: Option<String>,
    /// The primary address, listed by `/user/emails`.
    pub email: String,
    /// Whether `/user` shows `email`; GitHub shows `null` unless the user made it public.
    pub email_public: bool,
    pub email_verified: bool,
    /// More addresses for `/user/emails`.
    pub other_emails: Vec<GithubEmail>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub bio: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubEmail {
    pub email: String,
    pub verified: bool,
    /// `public`, `private`, or `None` (GitHub's `null`, as for noreply addresses).
    pub visibility: Option<String>,
}

/// A way the provider misbehaves, chosen per suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// The user clicks "Cancel": the authorization endpoint redirects with `error=access_denied`.
    DenyConsent,
    /// The token endpoint refuses every authorization code with `invalid_grant`
    /// (GitHub: `bad_verification_code`).
    InvalidGrant,
    /// The ID token is for another client: `aud` is someone else's, and there is no `azp`.
    WrongAud,
    /// The ID token's `iss` is not the issuer of the discovery document.
    WrongIss,
    /// The ID token carries a nonce other than the one in the authorization request.
    WrongNonce,
    /// The ID token carries no nonce although one was requested.
    MissingNonce,
    /// The ID token is unsigned: `alg: none` and an empty signature.
    AlgNone,
    /// The ID token names the published key but is signed by another one.
    BadSignature,
    /// The ID token expired an hour ago (beyond any clock-skew leeway).
    Expired,
    /// The ID token is signed by a key the JWKS does not publish.
    UnknownKid,
    /// The first ID token is signed by a new key, published from then on: a client that cached the
    /// JWKS must fetch it again.
    KeyRotation,
    /// GitHub refuses the code with `unverified_user_email`.
    UnverifiedEmail,
}

impl Scenario {
    pub const ALL: &[Scenario] = &[
        Scenario::DenyConsent,
        Scenario::InvalidGrant,
        Scenario::WrongAud,
        Scenario::WrongIss,
        Scenario::WrongNonce,
        Scenario::MissingNonce,
        Scenario::AlgNone,
        Scenario::BadSignature,
        Scenario::Expired,
        Scenario::UnknownKid,
        Scenario::KeyRotation,
        Scenario::UnverifiedEmail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::DenyConsent => "deny-consent",
            Scenario::InvalidGrant => "invalid-grant",
            Scenario::WrongAud => "wrong-aud",
            Scenario::WrongIss => "wrong-iss",
            Scenario::WrongNonce => "wrong-nonce",
            Scenario::MissingNonce => "missing-nonce",
            Scenario::AlgNone => "alg-none",
            Scenario::BadSignature => "bad-signature",
            Scenario::Expired => "expired",
            Scenario::UnknownKid => "unknown-kid",
            Scenario::KeyRotation => "key-rotation",
            Scenario::UnverifiedEmail => "unverified-email",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Scenario::ALL
            .iter()
            .copied()
            .find(|scenario| scenario.name() == name)
    }

    /// Whether `provider` can play this scenario: GitHub issues no ID tokens, Google has no
    /// unverified-email refusal.
    pub fn applies_to(self, provider: Provider) -> bool {
        match self {
            Scenario::DenyConsent | Scenario::InvalidGrant => true,
            Scenario::UnverifiedEmail => provider == Provider::Github,
            Scenario::WrongAud
            | Scenario::WrongIss
            | Scenario::WrongNonce
            | Scenario::MissingNonce
            | Scenario::AlgNone
            | Scenario::BadSignature
            | Scenario::Expired
            | Scenario::UnknownKid
            | Scenario::KeyRotation => provider == Provider::Google,
        }
    }

    /// The names a provider accepts, for help texts.
    pub fn names_for(provider: Provider) -> Vec<&'static str> {
        Scenario::ALL
            .iter()
            .filter(|scenario| scenario.applies_to(provider))
            .map(|scenario| scenario.name())
            .collect()
    }
}

/// Endpoints that answer late or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// The endpoint answers normally after this long.
    pub delays: Vec<(Endpoint, Duration)>,
    /// The endpoint answers with this status (5xx or 4xx) and does nothing.
    pub failures: Vec<(Endpoint, u16)>,
}

impl Faults {
    pub fn delay(&self, endpoint: Endpoint) -> Option<Duration> {
        self.delays
            .iter()
            .find(|(slow, _)| *slow == endpoint)
            .map(|(_, delay)| *delay)
    }

    pub fn failure(&self, endpoint: Endpoint) -> Option<u16> {
        self.failures
            .iter()
            .find(|(failing, _)| *failing == endpoint)
            .map(|(_, status)| *status)
    }
}

/// One suite's Google: who can sign in, which clients exist, how it misbehaves.
#[derive(Debug, Clone, PartialEq)]
pub struct GoogleConfig {
    pub clients: Vec<Client>,
    pub users: Vec<GoogleUser>,
    pub scenario: Option<Scenario>,
    pub faults: Faults,
}

/// One suite's GitHub.
#[derive(Debug, Clone, PartialEq)]
pub struct GithubConfig {
    pub clients: Vec<Client>,
    pub users: Vec<GithubUser>,
    pub scenario: Option<Scenario>,
    pub faults: Faults,
}

/// The Google client every suite gets unless it registers its own.
pub const DEFAULT_GOOGLE_CLIENT_ID: &str = "1000000000000-authprobe.apps.googleusercontent.com";
pub const DEFAULT_GOOGLE_CLIENT_SECRET: &str = "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";
/// The GitHub OAuth app every suite gets unless it registers its own.
pub const DEFAULT_GITHUB_CLIENT_ID: &str = "Ov23liAuthprobeMock01";
pub const DEFAULT_GITHUB_CLIENT_SECRET: &str = "authprobe0mock0github0secret00000000000a";

/// The callback paths of the article's app, registered by default under the target's origin.
pub const DEFAULT_GOOGLE_CALLBACK_PATH: &str = "/auth/google/callback";
pub const DEFAULT_GITHUB_CALLBACK_PATH: &str = "/auth/github/callback";

impl GoogleUser {
    /// Alice, the default Google account.
    pub fn alice() -> Self {
        GoogleUser {
            sub: "110169484474386276334".to_owned(),
            email: "alice@example.com".to_owned(),
            email_verified: true,
            name: Some("Alice Example".to_owned()),
            given_name: Some("Alice".to_owned()),
            family_name: Some("Example".to_owned()),
            picture: Some("https://lh3.googleusercontent.com/a/authprobe-alice".to_owned()),
            hd: None,
            locale: None,
            extra_claims: Map::new(),
        }
    }
}

impl GithubUser {
    /// Alice, the default GitHub account, whose address is private.
    pub fn alice() -> Self {
        GithubUser {
            login: "alice".to_owned(),
            id: 1_001_001,
            name: Some("Alice Example".to_owned()),
            email: "alice@example.com".to_owned(),
            email_public: false,
            email_verified: true,
            other_emails: Vec::new(),
            company: None,
            location: None,
            bio: None,
        }
    }
}

impl GoogleConfig {
    /// One client whose redirect URI is `{target}/auth/google/callback`, and Alice.
    pub fn with_defaults(target: Option<&str>) -> Self {
        GoogleConfig {
            clients: vec![Client {
                id: DEFAULT_GOOGLE_CLIENT_ID.to_owned(),
                secret: DEFAULT_GOOGLE_CLIENT_SECRET.to_owned(),
                redirect_uris: default_redirect(target, DEFAULT_GOOGLE_CALLBACK_PATH),
            }],
            users: vec![GoogleUser::alice()],
            scenario: None,
            faults: Faults::default(),
        }
    }
}

impl GithubConfig {
    /// One OAuth app whose callback is `{target}/auth/github/callback`, and Alice.
    pub fn with_defaults(target: Option<&str>) -> Self {
        GithubConfig {
            clients: vec![Client {
                id: DEFAULT_GITHUB_CLIENT_ID.to_owned(),
                secret: DEFAULT_GITHUB_CLIENT_SECRET.to_owned(),
                redirect_uris: default_redirect(target, DEFAULT_GITHUB_CALLBACK_PATH),
            }],
            users: vec![GithubUser::alice()],
            scenario: None,
            faults: Faults::default(),
        }
    }
}

fn default_redirect(target: Option<&str>, path: &str) -> Vec<String> {
    target
        .map(|target| format!("{}{path}", target.trim_end_matches('/')))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_round_trip_and_know_their_provider() {
        for scenario in Scenario::ALL {
            assert_eq!(Scenario::from_name(scenario.name()), Some(*scenario));
        }
        assert!(Scenario::AlgNone.applies_to(Provider::Google));
        assert!(!Scenario::AlgNone.applies_to(Provider::Github));
        assert!(Scenario::names_for(Provider::Github).contains(&"unverified-email"));
    }

    #[test]
    fn default_clients_register_the_article_callbacks_under_the_target() {
        let google = GoogleConfig::with_defaults(Some("http://127.0.0.1:8000/"));
        assert_eq!(
            google.clients[0].redirect_uris,
            ["http://127.0.0.1:8000/auth/google/callback"]
        );
        assert!(
            GithubConfig::with_defaults(None).clients[0]
                .redirect_uris
                .is_empty()
        );
    }
}
