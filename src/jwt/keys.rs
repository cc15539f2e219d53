//! RSA signing keys for RS256: generation, the key id (`kid`) a JWKS publishes them under, and
//! their public half as a JWK.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::SigningKey;
use rsa::rand_core::OsRng;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// Why a key could not be made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("failed to generate a {bits}-bit RSA key")]
    Generate {
        bits: usize,
        #[source]
        source: rsa::Error,
    },
}

/// An RSA private key with the key id it is published under.
#[derive(Clone)]
pub struct RsaSigningKey {
    kid: String,
    public: RsaPublicKey,
    signer: SigningKey<Sha256>,
}

impl std::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key, not even in a debug dump.
        f.debug_struct("RsaSigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl RsaSigningKey {
    /// A fresh key from the operating system's random source. 2048 bits is what Google uses.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        let private = RsaPrivateKey::new(&mut OsRng, bits)
            .map_err(|source| KeyError::Generate { bits, source })?;
        Ok(Self::from_private(private))
    }

    pub fn from_private(private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        let kid = key_id(&public);
        RsaSigningKey {
            kid,
            public,
            signer: SigningKey::<Sha256>::new(private),
        }
    }

    /// 40 hex digits, like Google's, derived from the modulus so that a key keeps its id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message` (the RS256 algorithm).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.signer.sign(message).to_vec()
    }

    /// The public key as a JWK, as Google's JWKS lists it.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
        })
    }
}

fn key_id(public: &RsaPublicKey) -> String {
    let digest = Sha256::digest(public.n().to_bytes_be());
    digest[..20]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_has_a_forty_hex_digit_id_and_a_public_jwk() {
        let key = RsaSigningKey::generate(1024).expect("key");
        assert_eq!(key.kid().len(), 40);
        assert!(key.kid().chars().all(|c| c.is_ascii_hexdigit()));
        let jwk = key.jwk();
        assert_eq!(jwk["kid"], key.kid());
        assert_eq!(jwk["e"], "AQAB");
        assert!(
            jwk.get("d").is_none(),
            "the private exponent must never be published"
        );
    }
}
