//! PKCE (RFC 7636): the challenge an authorization request carries and the check of the verifier
//! the token request brings.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use super::calls::PkceOutcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkceMethod {
    Plain,
    S256,
}

impl PkceMethod {
    /// `plain` when the request names no method, as RFC 7636 §4.3 says.
    pub fn parse(method: Option<&str>) -> Option<Self> {
        match method {
            None | Some("plain") => Some(PkceMethod::Plain),
            Some("S256") => Some(PkceMethod::S256),
            Some(_) => None,
        }
    }
}

/// A challenge stored with the code it was sent for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub value: String,
    pub method: PkceMethod,
}

/// `BASE64URL(SHA256(verifier))`, the S256 challenge of a verifier.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Compares what the token request sent with what the authorization request promised.
pub fn check(challenge: Option<&Challenge>, verifier: Option<&str>) -> PkceOutcome {
    match (challenge, verifier) {
        (None, None) => PkceOutcome::NotUsed,
        (None, Some(_)) => PkceOutcome::UnexpectedVerifier,
        (Some(_), None) => PkceOutcome::MissingVerifier,
        (Some(challenge), Some(verifier)) => {
            let derived = match challenge.method {
                PkceMethod::Plain => verifier.to_owned(),
                PkceMethod::S256 => s256(verifier),
            };
            if derived == challenge.value {
                PkceOutcome::Verified
            } else {
                PkceOutcome::Mismatch
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn check_tells_every_combination_apart() {
        let s256_challenge = Challenge {
            value: s256("verifier"),
            method: PkceMethod::S256,
        };
        let plain = Challenge {
            value: "verifier".to_owned(),
            method: PkceMethod::Plain,
        };
        assert_eq!(
            check(Some(&s256_challenge), Some("verifier")),
            PkceOutcome::Verified
        );
        assert_eq!(check(Some(&plain), Some("verifier")), PkceOutcome::Verified);
        assert_eq!(
            check(Some(&s256_challenge), Some("other")),
            PkceOutcome::Mismatch
        );
        assert_eq!(check(Some(&plain), None), PkceOutcome::MissingVerifier);
        assert_eq!(
            check(None, Some("verifier")),
            PkceOutcome::UnexpectedVerifier
        );
        assert_eq!(check(None, None), PkceOutcome::NotUsed);
    }

    #[test]
    fn an_unknown_method_is_refused_and_none_means_plain() {
        assert_eq!(PkceMethod::parse(None), Some(PkceMethod::Plain));
        assert_eq!(PkceMethod::parse(Some("S256")), Some(PkceMethod::S256));
        assert_eq!(PkceMethod::parse(Some("s256")), None);
    }
}
