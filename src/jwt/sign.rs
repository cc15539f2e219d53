//! Encoding JWTs: RS256 with a key, or unsigned (`alg: none`), from any header and claims. Forged
//! tokens (wrong key under a known `kid`, no signature) are built with the same functions: a
//! signature is just bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::keys::RsaSigningKey;

/// The standard RS256 header: `{"alg":"RS256","kid":…,"typ":"JWT"}`.
pub fn rs256_header(kid: &str) -> Value {
    json!({ "alg": "RS256", "kid": kid, "typ": "JWT" })
}

/// `header.claims.signature`, signed by `key` whatever the header says (so a header can claim
/// another key's `kid`).
pub fn encode_signed(header: &Value, claims: &Value, key: &RsaSigningKey) -> String {
    let signing_input = signing_input(header, claims);
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// `header.claims.` with an empty signature, as `alg: none` tokens are.
pub fn encode_unsigned(header: &Value, claims: &Value) -> String {
    format!("{}.", signing_input(header, claims))
}

fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// An ID token's `at_hash` for an RS256 token: base64url of the left half of SHA-256 of the
/// access token (OpenID Connect Core 3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::decode;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier as _;

    #[test]
    fn a_signed_token_decodes_and_verifies_with_the_public_key() {
        let key = RsaSigningKey::generate(1024).expect("key");
        let token = encode_signed(&rs256_header(key.kid()), &json!({"sub": "1"}), &key);
        let decoded = decode(&token).expect("decodes");
        assert_eq!(decoded.header["kid"], key.kid());
        assert_eq!(decoded.claims["sub"], "1");

        let (input, signature) = token.rsplit_once('.').expect("three parts");
        let signature = Signature::try_from(
            URL_SAFE_NO_PAD
                .decode(signature)
                .expect("base64")
                .as_slice(),
        )
        .expect("sig");
        VerifyingKey::<Sha256>::new(key.public_key().clone())
            .verify(input.as_bytes(), &signature)
            .expect("the signature verifies");
    }

    #[test]
    fn an_unsigned_token_has_an_empty_signature() {
        let token = encode_unsigned(&json!({"alg": "none"}), &json!({"sub": "1"}));
        assert!(token.ends_with('.'));
        assert_eq!(decode(&token).expect("decodes").signature, "");
    }

    #[test]
    fn at_hash_matches_the_openid_connect_example() {
        // OpenID Connect Core, appendix A.3: access token and its at_hash.
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
