//! The keys tokens are signed and verified with, and the JWKS that publishes the public half.

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

use super::config::JwtAlgorithm;
use super::demo;

/// A fixed RSA demo key: generating one at startup would cost seconds in a debug build.
const DEMO_RSA_PEM: &str = include_str!("demo_rsa.pem");
const DEMO_RSA_KID: &str = "reference-target-demo-rsa-1";

pub(super) struct Keys {
    pub algorithm: Algorithm,
    pub kid: Option<String>,
    pub encoding: EncodingKey,
    pub decoding: DecodingKey,
    /// What `/.well-known/jwks.json` serves: the demo RSA public key, also with HMAC (as a server
    /// that has both kinds of key does), so that key confusion can be tried against it.
    pub jwks: JwkSet,
    /// The demo RSA public key as SPKI PEM: the HMAC secret of [`Flaw::Hs256KeyConfusion`].
    ///
    /// [`Flaw::Hs256KeyConfusion`]: super::Flaw::Hs256KeyConfusion
    pub public_pem: String,
}

impl Keys {
    /// The keys for `algorithm`; `weak_secret` replaces the HMAC key (and forces HS256).
    pub fn new(algorithm: JwtAlgorithm, weak_secret: bool) -> Keys {
        if weak_secret {
            return Keys::hmac(demo::WEAK_JWT_SECRET);
        }
        match algorithm {
            JwtAlgorithm::Hs256 => Keys::hmac(demo::JWT_SECRET),
            JwtAlgorithm::Rs256 => Keys::rsa(),
        }
    }

    fn hmac(secret: &str) -> Keys {
        Keys {
            algorithm: Algorithm::HS256,
            kid: None,
            encoding: EncodingKey::from_secret(secret.as_bytes())
                .expect("a non-empty secret is an HMAC key"),
            decoding: DecodingKey::from_secret(secret.as_bytes())
                .expect("a non-empty secret is an HMAC key"),
            jwks: demo_rsa().2,
            public_pem: demo_public_pem(),
        }
    }

    fn rsa() -> Keys {
        let (encoding, kid, jwks) = demo_rsa();
        let decoding = jwks
            .keys
            .first()
            .and_then(|jwk| DecodingKey::from_jwk(jwk).ok())
            .expect("a JWK made from the key decodes");
        Keys {
            algorithm: Algorithm::RS256,
            kid: Some(kid),
            encoding,
            decoding,
            jwks,
            public_pem: demo_public_pem(),
        }
    }
}

/// The fixed RSA demo key: the signing key, its `kid`, and the JWKS that publishes it.
pub(super) fn demo_rsa() -> (EncodingKey, String, JwkSet) {
    let encoding = EncodingKey::from_rsa_pem(DEMO_RSA_PEM.as_bytes())
        .expect("the embedded demo key is a valid RSA PEM");
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256)
        .expect("an RSA key has public components");
    jwk.common.key_id = Some(DEMO_RSA_KID.to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    (
        encoding,
        DEMO_RSA_KID.to_owned(),
        JwkSet { keys: vec![jwk] },
    )
}

/// The demo RSA public key as SPKI PEM, the way it would sit in a file.
fn demo_public_pem() -> String {
    use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _, LineEnding};
    rsa::RsaPrivateKey::from_pkcs8_pem(DEMO_RSA_PEM)
        .expect("the embedded demo key is a valid PKCS#8 PEM")
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("an RSA public key encodes as PEM")
}
