//! Cross-token confusion: a refresh token or an ID token sent where an access token is expected
//! (RFC 8725 §3.11–3.12). Both are validly signed, often by the same key.

use super::{JwtAttack, JwtInputs, Variant};

pub(super) fn refresh_as_access(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let token = inputs
        .refresh_token
        .ok_or_else(|| "`refresh-as-access` needs `tokens: { refresh: ... }`".to_owned())?;
    Ok(vec![Variant::jwt(
        JwtAttack::RefreshAsAccess,
        None,
        token.to_owned(),
    )])
}

pub(super) fn id_token_as_access(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let token = inputs
        .id_token
        .ok_or_else(|| "`id-token-as-access` needs `tokens: { id: ... }`".to_owned())?;
    Ok(vec![Variant::jwt(
        JwtAttack::IdTokenAsAccess,
        None,
        token.to_owned(),
    )])
}
