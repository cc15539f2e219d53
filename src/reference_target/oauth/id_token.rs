//! Validating a Google ID token (OIDC Core §3.1.3.7): RS256 only, signed by a key of the provider's
//! JWKS, `iss` exactly the issuer, `aud` our client id (and `azp` with several audiences), not
//! expired, issued at a time, and carrying the nonce this login sent.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;

/// What this login expects of its ID token.
#[derive(Debug, Clone)]
pub(super) struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// `None` skips the nonce comparison (the skip-nonce-check flaw).
    pub nonce: Option<&'a str>,
    /// `false` skips the audience checks (the accept-wrong-aud flaw).
    pub check_audience: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct IdClaims {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    aud: Value,
}

/// Clock skew tolerated on `exp` and `iat`, in seconds.
const LEEWAY: u64 = 60;

pub(super) fn validate(
    token: &str,
    jwks: &JwkSet,
    expected: &Expected<'_>,
) -> Result<IdClaims, &'static str> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|_| "the ID token's header is not valid")?;
    if header.alg != Algorithm::RS256 {
        return Err("the ID token is not signed with RS256");
    }
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None if jwks.keys.len() == 1 => jwks.keys.first(),
        None => None,
    }
    .ok_or("the ID token's key is not in the provider's JWKS")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| "the provider's JWKS key is not usable")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = LEEWAY;
    validation.set_issuer(&[expected.issuer]);
    if expected.check_audience {
        validation.set_audience(&[expected.client_id]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
    } else {
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
    }
    let claims = jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
        .map_err(|_| "the ID token's signature, issuer, audience or expiry is wrong")?
        .claims;
    let several_audiences = claims
        .aud
        .as_array()
        .is_some_and(|audiences| audiences.len() > 1);
    if expected.check_audience
        && several_audiences
        && claims.azp.as_deref() != Some(expected.client_id)
    {
        return Err("the ID token has several audiences and we are not its `azp`");
    }
    if let Some(nonce) = expected.nonce {
        if claims.nonce.as_deref() != Some(nonce) {
            return Err("the ID token's nonce is not this login's");
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_target::keys::demo_rsa;
    use crate::reference_target::state::unix_now;
    use jsonwebtoken::Header;
    use serde_json::json;

    fn claims() -> Value {
        let now = unix_now();
        json!({
            "iss": "https://accounts.example", "aud": "client-1", "sub": "1001",
            "email": "alice@example.com", "email_verified": true,
            "iat": now, "exp": now + 3600, "nonce": "n-1",
        })
    }

    fn sign(claims: &Value) -> String {
        let (encoding, kid, _) = demo_rsa();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid);
        jsonwebtoken::encode(&header, claims, &encoding).expect("signs")
    }

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "https://accounts.example",
            client_id: "client-1",
            nonce: Some("n-1"),
            check_audience: true,
        }
    }

    fn with(field: &str, value: Value) -> Value {
        let mut claims = claims();
        claims[field] = value;
        claims
    }

    fn check(claims: &Value, expected: &Expected<'_>) -> Result<IdClaims, &'static str> {
        validate(&sign(claims), &demo_rsa().2, expected)
    }

    #[test]
    fn a_genuine_id_token_is_accepted() {
        let claims = check(&claims(), &expected()).expect("valid");
        assert_eq!(claims.sub, "1001");
        assert_eq!(claims.email_verified, Some(true));
    }

    #[test]
    fn wrong_issuer_audience_nonce_or_expiry_are_refused() {
        let past = json!(unix_now() - 3600);
        for (field, value) in [
            ("iss", json!("https://evil.example")),
            ("aud", json!("another-client")),
            ("nonce", json!("n-2")),
            ("exp", past),
        ] {
            assert!(
                check(&with(field, value.clone()), &expected()).is_err(),
                "{field} = {value}"
            );
        }
        let mut no_nonce = claims();
        no_nonce.as_object_mut().expect("an object").remove("nonce");
        assert!(check(&no_nonce, &expected()).is_err());
    }

    #[test]
    fn several_audiences_need_us_as_azp() {
        let shared = with("aud", json!(["client-1", "other"]));
        assert!(check(&shared, &expected()).is_err());
        let mut ours = shared;
        ours["azp"] = json!("client-1");
        assert!(check(&ours, &expected()).is_ok());
    }

    #[test]
    fn the_flaws_let_a_wrong_audience_or_nonce_through() {
        let lax = Expected {
            nonce: None,
            check_audience: false,
            ..expected()
        };
        assert!(check(&with("aud", json!("another-client")), &lax).is_ok());
        assert!(check(&with("nonce", json!("n-2")), &lax).is_ok());
        assert!(check(&with("iss", json!("https://evil.example")), &lax).is_err());
    }

    #[test]
    fn unsigned_hmac_and_foreign_key_tokens_are_refused() {
        let token = sign(&claims());
        let unsigned = crate::jwt::forge::alg_none(&token, "none").expect("forges");
        let hmac = crate::jwt::forge::sign_hs256(&token, "client-secret").expect("signs");
        let jwks = demo_rsa().2;
        assert!(validate(&unsigned, &jwks, &expected()).is_err());
        assert!(validate(&hmac, &jwks, &expected()).is_err());
        assert!(validate(&token, &JwkSet { keys: Vec::new() }, &expected()).is_err());
    }
}
