//! The claims edited, the old signature kept: `exp` pushed an hour later (or, without `exp`, a
//! claim added). Only a server that never verifies the signature accepts it.

use serde_json::Value;

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

/// The claim added when the token has no `exp` to move.
pub const ADDED_CLAIM: &str = "authprobe_tampered";

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    let detail = match draft.claims.get("exp").and_then(Value::as_u64) {
        Some(exp) => {
            draft
                .claims
                .insert("exp".to_owned(), Value::from(exp + 3600));
            "exp +1h"
        }
        None => {
            draft
                .claims
                .insert(ADDED_CLAIM.to_owned(), Value::Bool(true));
            "claim added"
        }
    };
    Ok(vec![Variant::jwt(
        JwtAttack::TamperedClaims,
        Some(detail),
        draft.with_old_signature(),
    )])
}
