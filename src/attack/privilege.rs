//! Privilege claims escalated (`role: admin` unless the suite names its own in `claims:`) under the
//! old signature: only a server that reads claims without verifying them grants the escalation.

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    let mut names = Vec::with_capacity(inputs.privilege_claims.len());
    for (name, value) in inputs.privilege_claims {
        draft.claims.insert(name.clone(), value.clone());
        names.push(name.as_str());
    }
    let detail = names.join(", ");
    Ok(vec![Variant::jwt(
        JwtAttack::Privilege,
        Some(&detail),
        draft.with_old_signature(),
    )])
}
