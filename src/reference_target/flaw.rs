//! The switchable flaws of the reference target: each one undoes one secure behaviour, so that a
//! bundled suite can prove it notices. A flaw that no suite catches is a check that proves nothing
//! (see `tests/flaws.rs`).

use std::collections::BTreeSet;
use std::fmt;

/// The flow a flaw belongs to, for grouping in help text and banners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flow {
    Session,
    Jwt,
    Refresh,
    ApiKey,
    OAuth,
}

impl Flow {
    pub fn name(self) -> &'static str {
        match self {
            Flow::Session => "session",
            Flow::Jwt => "jwt",
            Flow::Refresh => "refresh",
            Flow::ApiKey => "api-key",
            Flow::OAuth => "oauth",
        }
    }
}

/// One insecure behaviour the reference target can be switched into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flaw {
    KeepSessionIdAtLogin,
    LogoutClientSideOnly,
    CookieNotHttponly,
    CookieNoSamesite,
    AcceptAlgNone,
    SkipSignatureCheck,
    IgnoreExp,
    WeakHmacSecret,
    RefreshTokenAsAccess,
    IdTokenAsAccess,
    NoWwwAuthenticate,
    IgnoreNbf,
    SkipAudIssCheck,
    Hs256KeyConfusion,
    TrustEmbeddedJwk,
    FetchJku,
    KidAsFilePath,
    NoRefreshRotation,
    NoRefreshReuseDetection,
    ApiKeyAnyValue,
    ApiKeyPrefixMatch,
    ApiKeyShortMatch,
    ApiKeyCaseInsensitive,
    ApiKeyInQuery,
    ApiKeyMissingIs403,
    ApiKeyTrimmed,
    SkipStateCheck,
    NoPkce,
    SkipNonceCheck,
    AcceptWrongAud,
    OpenRedirectAfterLogin,
}

impl Flaw {
    /// Every flaw, in the order help text lists them.
    pub const ALL: &[Flaw] = &[
        Flaw::KeepSessionIdAtLogin,
        Flaw::LogoutClientSideOnly,
        Flaw::CookieNotHttponly,
        Flaw::CookieNoSamesite,
        Flaw::AcceptAlgNone,
        Flaw::SkipSignatureCheck,
        Flaw::IgnoreExp,
        Flaw::WeakHmacSecret,
        Flaw::RefreshTokenAsAccess,
        Flaw::IdTokenAsAccess,
        Flaw::NoWwwAuthenticate,
        Flaw::IgnoreNbf,
        Flaw::SkipAudIssCheck,
        Flaw::Hs256KeyConfusion,
        Flaw::TrustEmbeddedJwk,
        Flaw::FetchJku,
        Flaw::KidAsFilePath,
        Flaw::NoRefreshRotation,
        Flaw::NoRefreshReuseDetection,
        Flaw::ApiKeyAnyValue,
        Flaw::ApiKeyPrefixMatch,
        Flaw::ApiKeyShortMatch,
        Flaw::ApiKeyCaseInsensitive,
        Flaw::ApiKeyInQuery,
        Flaw::ApiKeyMissingIs403,
        Flaw::ApiKeyTrimmed,
        Flaw::SkipStateCheck,
        Flaw::NoPkce,
        Flaw::SkipNonceCheck,
        Flaw::AcceptWrongAud,
        Flaw::OpenRedirectAfterLogin,
    ];

    /// The kebab-case name used on the command line (`--flaw accept-alg-none`).
    pub fn name(self) -> &'static str {
        match self {
            Flaw::KeepSessionIdAtLogin => "keep-session-id-at-login",
            Flaw::LogoutClientSideOnly => "logout-client-side-only",
            Flaw::CookieNotHttponly => "cookie-not-httponly",
            Flaw::CookieNoSamesite => "cookie-no-samesite",
            Flaw::AcceptAlgNone => "accept-alg-none",
            Flaw::SkipSignatureCheck => "skip-signature-check",
            Flaw::IgnoreExp => "ignore-exp",
            Flaw::WeakHmacSecret => "weak-hmac-secret",
            Flaw::RefreshTokenAsAccess => "refresh-token-as-access",
            Flaw::IdTokenAsAccess => "id-token-as-access",
            Flaw::NoWwwAuthenticate => "no-www-authenticate",
            Flaw::IgnoreNbf => "ignore-nbf",
            Flaw::SkipAudIssCheck => "skip-aud-iss-check",
            Flaw::Hs256KeyConfusion => "hs256-key-confusion",
            Flaw::TrustEmbeddedJwk => "trust-embedded-jwk",
            Flaw::FetchJku => "fetch-jku",
            Flaw::KidAsFilePath => "kid-as-file-path",
            Flaw::NoRefreshRotation => "no-refresh-rotation",
            Flaw::NoRefreshReuseDetection => "no-refresh-reuse-detection",
            Flaw::ApiKeyAnyValue => "api-key-any-value",
            Flaw::ApiKeyPrefixMatch => "api-key-prefix-match",
            Flaw::ApiKeyShortMatch => "api-key-short-match",
            Flaw::ApiKeyCaseInsensitive => "api-key-case-insensitive",
            Flaw::ApiKeyInQuery => "api-key-in-query",
            Flaw::ApiKeyMissingIs403 => "api-key-missing-is-403",
            Flaw::ApiKeyTrimmed => "api-key-trimmed",
            Flaw::SkipStateCheck => "skip-state-check",
            Flaw::NoPkce => "no-pkce",
            Flaw::SkipNonceCheck => "skip-nonce-check",
            Flaw::AcceptWrongAud => "accept-wrong-aud",
            Flaw::OpenRedirectAfterLogin => "open-redirect-after-login",
        }
    }

    /// What the flaw does, in one short line: `authprobe demo --help` lists them one a line.
    pub fn description(self) -> &'static str {
        match self {
            Flaw::KeepSessionIdAtLogin => "login keeps or adopts the session id sent: fixation",
            Flaw::LogoutClientSideOnly => "logout clears the cookie; the session lives on",
            Flaw::CookieNotHttponly => "the session cookie lacks HttpOnly",
            Flaw::CookieNoSamesite => "the session cookie has no SameSite attribute",
            Flaw::AcceptAlgNone => "access tokens with `alg: none` are accepted unsigned",
            Flaw::SkipSignatureCheck => "access token signatures are never verified",
            Flaw::IgnoreExp => "expired access tokens are accepted",
            Flaw::WeakHmacSecret => "tokens are signed with the guessable HMAC key `secret`",
            Flaw::RefreshTokenAsAccess => "a refresh token is accepted as an access token",
            Flaw::IdTokenAsAccess => "ID tokens (`scope=openid`) pass as access tokens",
            Flaw::NoWwwAuthenticate => "401 responses carry no WWW-Authenticate challenge",
            Flaw::IgnoreNbf => "access tokens are accepted before their `nbf`",
            Flaw::SkipAudIssCheck => "an access token's `aud` and `iss` are not checked",
            Flaw::Hs256KeyConfusion => "HS256 tokens verify with the RSA public key as secret",
            Flaw::TrustEmbeddedJwk => "a token verifies with the `jwk` in its own header",
            Flaw::FetchJku => "the key at a token's `jku`/`x5u` URL is fetched, trusted",
            Flaw::KidAsFilePath => "a token's `kid` is read as the path of its HMAC key",
            Flaw::NoRefreshRotation => "/refresh returns the same refresh token, still valid",
            Flaw::NoRefreshReuseDetection => "replaying a rotated refresh token revokes nothing",
            Flaw::ApiKeyAnyValue => "any non-empty API key is accepted, unchecked",
            Flaw::ApiKeyPrefixMatch => "any API key that starts with the real key is accepted",
            Flaw::ApiKeyShortMatch => "any non-empty beginning of the real API key is accepted",
            Flaw::ApiKeyCaseInsensitive => "API keys are compared ignoring case",
            Flaw::ApiKeyInQuery => "the API key is also read from the `api_key` query",
            Flaw::ApiKeyMissingIs403 => "a missing API key gets 403, not 401 with a challenge",
            Flaw::ApiKeyTrimmed => "the `/export` query key is trimmed: a padded key passes",
            Flaw::SkipStateCheck => "OAuth callbacks are not checked against their `state`",
            Flaw::NoPkce => "OAuth logins send no PKCE code challenge",
            Flaw::SkipNonceCheck => "the Google ID token's `nonce` is not compared",
            Flaw::AcceptWrongAud => "Google ID tokens for another client (`aud`) are accepted",
            Flaw::OpenRedirectAfterLogin => "after OAuth login, `next` may redirect anywhere",
        }
    }

    pub fn flow(self) -> Flow {
        match self {
            Flaw::KeepSessionIdAtLogin
            | Flaw::LogoutClientSideOnly
            | Flaw::CookieNotHttponly
            | Flaw::CookieNoSamesite => Flow::Session,
            Flaw::AcceptAlgNone
            | Flaw::SkipSignatureCheck
            | Flaw::IgnoreExp
            | Flaw::WeakHmacSecret
            | Flaw::RefreshTokenAsAccess
            | Flaw::IdTokenAsAccess
            | Flaw::NoWwwAuthenticate
            | Flaw::IgnoreNbf
            | Flaw::SkipAudIssCheck
            | Flaw::Hs256KeyConfusion
            | Flaw::TrustEmbeddedJwk
            | Flaw::FetchJku
            | Flaw::KidAsFilePath => Flow::Jwt,
            Flaw::NoRefreshRotation | Flaw::NoRefreshReuseDetection => Flow::Refresh,
            Flaw::ApiKeyAnyValue
            | Flaw::ApiKeyPrefixMatch
            | Flaw::ApiKeyShortMatch
            | Flaw::ApiKeyCaseInsensitive
            | Flaw::ApiKeyInQuery
            | Flaw::ApiKeyMissingIs403
            | Flaw::ApiKeyTrimmed => Flow::ApiKey,
            Flaw::SkipStateCheck
            | Flaw::NoPkce
            | Flaw::SkipNonceCheck
            | Flaw::AcceptWrongAud
            | Flaw::OpenRedirectAfterLogin => Flow::OAuth,
        }
    }

    pub fn from_name(name: &str) -> Option<Flaw> {
        Flaw::ALL.iter().copied().find(|flaw| flaw.name() == name)
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The flaws switched on; empty is the secure target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlawSet(BTreeSet<Flaw>);

impl FlawSet {
    pub fn none() -> Self {
        FlawSet::default()
    }

    pub fn has(&self, flaw: Flaw) -> bool {
        self.0.contains(&flaw)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Flaw> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Flaw> for FlawSet {
    fn from_iter<I: IntoIterator<Item = Flaw>>(iter: I) -> Self {
        FlawSet(iter.into_iter().collect())
    }
}

impl fmt::Display for FlawSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none (secure)");
        }
        let names: Vec<&str> = self.iter().map(Flaw::name).collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flaw_has_a_unique_name_that_reads_back() {
        let mut names = BTreeSet::new();
        for flaw in Flaw::ALL {
            assert!(names.insert(flaw.name()), "duplicate name {}", flaw.name());
            assert_eq!(Flaw::from_name(flaw.name()), Some(*flaw));
            assert!(
                flaw.description().len() <= 56,
                "{} wraps in --help",
                flaw.name()
            );
        }
        assert_eq!(Flaw::from_name("accept-alg-None"), None);
    }

    #[test]
    fn a_flaw_set_displays_its_names_or_secure() {
        assert_eq!(FlawSet::none().to_string(), "none (secure)");
        let set: FlawSet = [Flaw::IgnoreExp, Flaw::AcceptAlgNone].into_iter().collect();
        assert_eq!(set.to_string(), "accept-alg-none, ignore-exp");
        assert!(set.has(Flaw::IgnoreExp) && !set.has(Flaw::WeakHmacSecret));
    }
}
