//! `attacks:` on a step and `expect.jwt`, as serde reads them. Attack names stay strings here, checked against the
//! catalogue (with suggestions) in validation.

use super::RawMap;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAttacks {
    #[serde(default)]
    pub jwt: Vec<String>,
    #[serde(default)]
    pub api_key: Vec<String>,
    #[serde(default)]
    pub no_credential: Option<bool>,
    #[serde(default)]
    pub expect: Option<RawAttackExpect>,
    /// The target's test signing key (HMAC secret or RSA private key PEM).
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub public_key: Option<RawPublicKey>,
    #[serde(default)]
    pub tokens: Option<RawAttackTokens>,
    /// Claims the `privilege` attack sets.
    #[serde(default)]
    pub claims: RawMap<Value>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAttackExpect {
    pub status: Value,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPublicKey {
    #[serde(default)]
    pub jwks: Option<String>,
    #[serde(default)]
    pub pem: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAttackTokens {
    #[serde(default)]
    pub refresh: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

/// `expect.jwt.<jsonpath>`: verify the token found there.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawJwtExpect {
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub pem: Option<String>,
    /// A JWKS URL, relative to the target or absolute.
    #[serde(default)]
    pub jwks: Option<String>,
    #[serde(default)]
    pub alg: Vec<String>,
    #[serde(default)]
    pub skew: Option<Value>,
}

/// `race:` on a step: send its request this many times at once.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRace {
    pub count: u32,
    #[serde(default)]
    pub max_success: Option<u32>,
    /// What a granted answer looks like, in `expect:`'s terms, when the default (a 2xx, or the
    /// redirect the step expects) cannot tell a grant from a refusal.
    #[serde(default)]
    pub success: Option<Box<super::RawExpect>>,
}
