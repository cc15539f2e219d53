//! The flawed ways a verifier lets a token choose its own key, each behind a [`Flaw`]: the RSA
//! public key used as HMAC secret (key confusion), the `jwk` in the token's header, the key at its
//! `jku` (and a fetch of its `x5u`), and `kid` read as a file path. The secure target never
//! consults a token's header for its key; with none of these flaws on, nothing here runs.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::flaw::Flaw;
use super::state::AppState;
use crate::jwt::forge::{HmacAlg, hmac_signature};

/// What the flawed verifier fetched for a token before checking it.
#[derive(Debug, Default)]
pub(super) struct Fetched {
    pub jwks: Option<JwkSet>,
}

/// With [`Flaw::FetchJku`]: fetches the token's `jku` (kept as a JWKS) and `x5u` (fetched, then
/// ignored: fetching is the server-side request forgery).
pub(super) async fn fetch(state: &AppState, token: &str) -> Fetched {
    if !state.flaws().has(Flaw::FetchJku) {
        return Fetched::default();
    }
    let Some(header) = header(token) else {
        return Fetched::default();
    };
    if let Some(x5u) = header.get("x5u").and_then(Value::as_str) {
        let _ = state.http.get(x5u).send().await;
    }
    let Some(jku) = header.get("jku").and_then(Value::as_str) else {
        return Fetched::default();
    };
    let jwks = match state.http.get(jku).send().await {
        Ok(response) => response
            .bytes()
            .await
            .ok()
            .and_then(|body| serde_json::from_slice::<JwkSet>(&body).ok()),
        Err(_) => None,
    };
    Fetched { jwks }
}

/// True when one of the switched-on flaws accepts the token's signature from a key the token
/// chose.
pub(super) fn signature_trusted(state: &AppState, token: &str, fetched: &Fetched) -> bool {
    let flaws = state.flaws();
    let Some(header) = header(token) else {
        return false;
    };
    let Some((message, signature)) = token.rsplit_once('.') else {
        return false;
    };
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if flaws.has(Flaw::Hs256KeyConfusion)
        && alg == "HS256"
        && hmac_matches(state.keys.public_pem.as_bytes(), message, signature)
    {
        return true;
    }
    if flaws.has(Flaw::KidAsFilePath) && alg == "HS256" {
        if let Some(path) = header
            .get("kid")
            .and_then(Value::as_str)
            .filter(|kid| !kid.is_empty())
        {
            // The bug itself: the token names the file its key is read from.
            if let Ok(key) = std::fs::read(path) {
                if hmac_matches(&key, message, signature) {
                    return true;
                }
            }
        }
    }
    if flaws.has(Flaw::TrustEmbeddedJwk) && alg == "RS256" {
        let embedded = header
            .get("jwk")
            .and_then(|jwk| serde_json::from_value::<Jwk>(jwk.clone()).ok());
        if embedded.is_some_and(|jwk| rsa_matches(&jwk, message, signature)) {
            return true;
        }
    }
    if let Some(jwks) = &fetched.jwks {
        if alg == "RS256"
            && jwks
                .keys
                .iter()
                .any(|jwk| rsa_matches(jwk, message, signature))
        {
            return true;
        }
    }
    false
}

fn header(token: &str) -> Option<serde_json::Map<String, Value>> {
    let part = token.split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn hmac_matches(key: &[u8], message: &str, signature: &str) -> bool {
    let expected = URL_SAFE_NO_PAD.encode(hmac_signature(HmacAlg::Hs256, key, message.as_bytes()));
    expected == signature
}

fn rsa_matches(jwk: &Jwk, message: &str, signature: &str) -> bool {
    DecodingKey::from_jwk(jwk)
        .ok()
        .and_then(|key| {
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, Algorithm::RS256).ok()
        })
        .unwrap_or(false)
}
