//! The target's RSA public key in the byte forms a confused verifier may hold it as HMAC key:
//! SPKI PEM with and without its final newline, with CRLF line ends, PKCS#1 PEM, SPKI DER (the
//! WSTG notes the bytes must match exactly). Read from a JWKS document or a PEM.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::RsaPublicKey;
use rsa::pkcs1::{DecodeRsaPublicKey as _, EncodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePublicKey as _, EncodePublicKey as _, LineEnding};
use serde_json::Value;

/// One byte form of a public key, with the label its check is named by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyForm {
    pub label: String,
    pub bytes: Vec<u8>,
}

/// The forms of every RSA key in a JWKS document (`{"keys": [...]}`).
pub fn forms_from_jwks(jwks: &Value) -> Result<Vec<PublicKeyForm>, String> {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| "not a JWKS: no `keys` array".to_owned())?;
    let rsa: Vec<(Option<&str>, RsaPublicKey)> = keys
        .iter()
        .filter(|key| key.get("kty").and_then(Value::as_str) == Some("RSA"))
        .map(|key| Ok((key.get("kid").and_then(Value::as_str), rsa_from_jwk(key)?)))
        .collect::<Result<_, String>>()?;
    if rsa.is_empty() {
        return Err("the JWKS lists no RSA key".to_owned());
    }
    let several = rsa.len() > 1;
    let mut forms = Vec::new();
    for (kid, key) in rsa {
        let prefix = match kid {
            Some(kid) if several => format!("{kid}: "),
            _ => String::new(),
        };
        forms.extend(forms_of(&key, &prefix)?);
    }
    Ok(forms)
}

/// The forms of a PEM public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`), the text as given
/// first when it is none of the standard forms.
pub fn forms_from_pem(pem: &str) -> Result<Vec<PublicKeyForm>, String> {
    let key = RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| {
            "not an RSA public key in PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`)".to_owned()
        })?;
    let mut forms = forms_of(&key, "")?;
    if !forms.iter().any(|form| form.bytes == pem.as_bytes()) {
        forms.insert(
            0,
            PublicKeyForm {
                label: "pem as given".to_owned(),
                bytes: pem.as_bytes().to_vec(),
            },
        );
    }
    Ok(forms)
}

fn rsa_from_jwk(jwk: &Value) -> Result<RsaPublicKey, String> {
    let component = |name: &str| -> Result<rsa::BigUint, String> {
        let text = jwk
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("an RSA JWK without `{name}`"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| format!("the JWK's `{name}` is not base64url"))?;
        Ok(rsa::BigUint::from_bytes_be(&bytes))
    };
    RsaPublicKey::new(component("n")?, component("e")?)
        .map_err(|error| format!("not a usable RSA key: {error}"))
}

fn forms_of(key: &RsaPublicKey, prefix: &str) -> Result<Vec<PublicKeyForm>, String> {
    let encode_error = |error: &dyn std::fmt::Display| format!("the key does not encode: {error}");
    let spki = key
        .to_public_key_pem(LineEnding::LF)
        .map_err(|error| encode_error(&error))?;
    let spki_crlf = key
        .to_public_key_pem(LineEnding::CRLF)
        .map_err(|error| encode_error(&error))?;
    let pkcs1 = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|error| encode_error(&error))?;
    let der = key
        .to_public_key_der()
        .map_err(|error| encode_error(&error))?;
    let form = |label: &str, bytes: Vec<u8>| PublicKeyForm {
        label: format!("{prefix}{label}"),
        bytes,
    };
    Ok(vec![
        form("spki pem", spki.as_bytes().to_vec()),
        form(
            "spki pem without final newline",
            spki.trim_end().as_bytes().to_vec(),
        ),
        form("spki pem crlf", spki_crlf.as_bytes().to_vec()),
        form("pkcs1 pem", pkcs1.as_bytes().to_vec()),
        form("spki der", der.as_bytes().to_vec()),
    ])
}
