//! The token exactly as issued with its signature removed, `h.p.` (CVE-2020-28042).

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge;

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let forged = forge::drop_signature(inputs.token)?;
    Ok(vec![Variant::jwt(JwtAttack::NullSignature, None, forged)])
}
