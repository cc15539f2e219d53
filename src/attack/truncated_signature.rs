//! The token as issued with the last four characters of its signature cut off: a server that
//! decodes instead of verifying, or compares only a prefix, accepts it.

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge;

/// How many signature characters are cut, as jwt_tool's "broken signature" check does.
pub const CUT: usize = 4;

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let forged = forge::truncate_signature(inputs.token, CUT)?;
    Ok(vec![Variant::jwt(
        JwtAttack::TruncatedSignature,
        None,
        forged,
    )])
}
