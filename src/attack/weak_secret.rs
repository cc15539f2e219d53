//! The token re-signed as HS256 with each of the most common JWT secrets (the head of jwt_tool's
//! `jwt-common.txt` and wallarm/jwt-secrets): a server whose key is one of them accepts its own
//! kind of token from anyone.

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::{Draft, HmacAlg};

/// The secrets tried, most common first. Short on purpose: each one is a request and a check.
pub const WEAK_SECRETS: &[&str] = &[
    "secret",
    "password",
    "123456",
    "changeme",
    "your-256-bit-secret",
    "secretkey",
    "jwt_secret",
    "supersecret",
    "key",
    "test",
];

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let draft = Draft::from_token(inputs.token)?;
    Ok(WEAK_SECRETS
        .iter()
        .map(|secret| {
            let forged = draft.clone().sign_hmac(HmacAlg::Hs256, secret.as_bytes());
            Variant::jwt(JwtAttack::WeakSecrets, Some(secret), forged)
        })
        .collect())
}
