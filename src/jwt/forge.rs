//! Forged variants of a captured JWT, for the negative steps of a suite: unsigned (`alg: none`),
//! signature dropped, claims edited under the old signature, re-signed with a chosen HMAC key.
//! Pure functions on the compact form; the fuller attack catalogue is a module of its own.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value};

/// The three parts of a compact JWT: header and claims decoded, signature as sent.
struct Parts {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signature: String,
}

fn split(token: &str) -> Result<Parts, String> {
    let decoded = super::decode(token)?;
    let (Value::Object(header), Value::Object(claims)) = (decoded.header, decoded.claims) else {
        return Err("not a JWT: the header and claims must be JSON objects".to_owned());
    };
    Ok(Parts {
        header,
        claims,
        signature: decoded.signature,
    })
}

fn encode(part: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(Value::Object(part.clone()).to_string())
}

/// The token with `alg` set to `alg` (`none`, `None`, `nOnE`…) and no signature: `h.p.`.
pub fn alg_none(token: &str, alg: &str) -> Result<String, String> {
    let mut parts = split(token)?;
    parts
        .header
        .insert("alg".to_owned(), Value::String(alg.to_owned()));
    Ok(format!(
        "{}.{}.",
        encode(&parts.header),
        encode(&parts.claims)
    ))
}

/// The token as it was, without its signature: `h.p.` (CVE-2020-28042).
pub fn drop_signature(token: &str) -> Result<String, String> {
    let parts = split(token)?;
    Ok(format!(
        "{}.{}.",
        encode(&parts.header),
        encode(&parts.claims)
    ))
}

/// The token with one claim set to `value`, under the old signature: a tampered token.
pub fn set_claim(token: &str, claim: &str, value: Value) -> Result<String, String> {
    let mut parts = split(token)?;
    parts.claims.insert(claim.to_owned(), value);
    Ok(format!(
        "{}.{}.{}",
        encode(&parts.header),
        encode(&parts.claims),
        parts.signature
    ))
}

/// The token's header (with `alg: HS256`) and claims, signed with the HMAC key `key`.
pub fn sign_hs256(token: &str, key: &str) -> Result<String, String> {
    let mut parts = split(token)?;
    parts
        .header
        .insert("alg".to_owned(), Value::String("HS256".to_owned()));
    let key = EncodingKey::from_secret(key.as_bytes())
        .map_err(|_| "an empty HMAC key cannot sign here".to_owned())?;
    let message = format!("{}.{}", encode(&parts.header), encode(&parts.claims));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256)
        .map_err(|error| format!("could not sign: {error}"))?;
    Ok(format!("{message}.{signature}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Header, Validation};
    use serde_json::json;

    fn token(key: &str) -> String {
        let claims = json!({ "sub": "alice", "exp": 4_000_000_000u64 });
        let key = EncodingKey::from_secret(key.as_bytes()).expect("key");
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs")
    }

    fn verifies(token: &str, key: &str) -> bool {
        let key = DecodingKey::from_secret(key.as_bytes()).expect("key");
        jsonwebtoken::decode::<Value>(token, &key, &Validation::new(Algorithm::HS256)).is_ok()
    }

    #[test]
    fn alg_none_keeps_the_claims_and_drops_the_signature() {
        let forged = alg_none(&token("k"), "nOnE").expect("forges");
        assert!(forged.ends_with('.'));
        let decoded = crate::jwt::decode(&forged).expect("decodes");
        assert_eq!(decoded.header["alg"], "nOnE");
        assert_eq!(decoded.header["typ"], "JWT");
        assert_eq!(decoded.claims["sub"], "alice");
        assert_eq!(decoded.signature, "");
    }

    #[test]
    fn a_dropped_signature_leaves_header_and_claims() {
        let original = token("k");
        let forged = drop_signature(&original).expect("forges");
        let prefix = original.rsplit_once('.').expect("three parts").0;
        assert_eq!(forged, format!("{prefix}."));
    }

    #[test]
    fn a_set_claim_keeps_the_old_signature_which_no_longer_verifies() {
        let original = token("k");
        let forged = set_claim(&original, "sub", json!("mallory")).expect("forges");
        assert_eq!(forged.rsplit('.').next(), original.rsplit('.').next());
        assert_eq!(
            crate::jwt::decode(&forged).expect("decodes").claims["sub"],
            "mallory"
        );
        assert!(verifies(&original, "k") && !verifies(&forged, "k"));
    }

    #[test]
    fn re_signing_with_a_key_verifies_with_that_key_only() {
        let tampered = set_claim(&token("k"), "sub", json!("mallory")).expect("forges");
        let resigned = sign_hs256(&tampered, "other").expect("signs");
        assert!(verifies(&resigned, "other"));
        assert!(!verifies(&resigned, "k"));
        assert!(sign_hs256(&tampered, "").is_err());
    }

    #[test]
    fn what_is_not_a_jwt_is_an_error() {
        assert!(alg_none("abc", "none").is_err());
        assert!(set_claim("a.b.c", "sub", json!(1)).is_err());
    }
}
