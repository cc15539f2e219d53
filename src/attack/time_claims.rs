//! Time claims, re-signed with the target's test key so that only the time is wrong: expired ten
//! minutes ago (past the usual 60 s leeway), not valid for another ten minutes, no `exp` at all.

use serde_json::Value;

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

/// Far enough past any sane clock-skew leeway.
pub const SKEW_BEYOND_LEEWAY: u64 = 600;

pub(super) fn expired(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    let past = inputs.now.saturating_sub(SKEW_BEYOND_LEEWAY);
    draft.claims.insert("exp".to_owned(), Value::from(past));
    if draft.claims.contains_key("iat") {
        draft.claims.insert(
            "iat".to_owned(),
            Value::from(past.saturating_sub(SKEW_BEYOND_LEEWAY)),
        );
    }
    signed(inputs, JwtAttack::Expired, draft)
}

pub(super) fn nbf_future(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    draft.claims.insert(
        "nbf".to_owned(),
        Value::from(inputs.now + SKEW_BEYOND_LEEWAY),
    );
    signed(inputs, JwtAttack::NbfFuture, draft)
}

pub(super) fn no_exp(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    draft.claims.shift_remove("exp");
    signed(inputs, JwtAttack::NoExp, draft)
}

/// Signs `draft` with the suite's test key and makes the variant.
pub(super) fn signed(
    inputs: &JwtInputs<'_>,
    attack: JwtAttack,
    mut draft: Draft,
) -> Result<Vec<Variant>, String> {
    let key = inputs.signing_key.ok_or_else(|| {
        format!(
            "`{}` needs the target's signing key: set `key:`",
            attack.name()
        )
    })?;
    let token = super::sign_with_test_key(&mut draft, key)?;
    Ok(vec![Variant::jwt(attack, None, token)])
}
