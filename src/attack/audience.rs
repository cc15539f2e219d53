//! Audience and issuer, re-signed with the target's test key: a token for another API, or from
//! another issuer, must be refused even when its signature is good (RFC 8725 §3.8–3.9).

use serde_json::Value;

use super::time_claims::signed;
use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

pub const WRONG_AUDIENCE: &str = "https://authprobe.invalid/another-api";
pub const WRONG_ISSUER: &str = "https://authprobe.invalid/another-issuer";

pub(super) fn wrong_aud(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    draft
        .claims
        .insert("aud".to_owned(), Value::String(WRONG_AUDIENCE.to_owned()));
    signed(inputs, JwtAttack::WrongAud, draft)
}

pub(super) fn wrong_iss(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    draft
        .claims
        .insert("iss".to_owned(), Value::String(WRONG_ISSUER.to_owned()));
    signed(inputs, JwtAttack::WrongIss, draft)
}
