//! RS256 ID tokens as Google issues them, and the ways a scenario spoils them.

use serde_json::{Map, Value, json};

use super::authorize::{EMAIL_SCOPE_URL, PROFILE_SCOPE_URL};
use super::state::ID_TOKEN_LIFETIME_SECONDS;
use crate::jwt::{at_hash, encode_signed, encode_unsigned, rs256_header};
use crate::mock::config::{GoogleUser, Scenario};
use crate::mock::keys::{self, KeyRole};

/// The `aud` of a `wrong-aud` token: a client that is not the one asking.
pub const FOREIGN_AUDIENCE: &str = "999999999999-someone-else.apps.googleusercontent.com";
/// The `iss` of a `wrong-iss` token.
pub const FOREIGN_ISSUER: &str = "https://accounts.evil.example";
/// The `nonce` of a `wrong-nonce` token.
pub const FOREIGN_NONCE: &str = "not-the-nonce-that-was-sent";

/// Everything an ID token says.
pub(super) struct IdTokenRequest<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub user: &'a GoogleUser,
    pub scopes: &'a [String],
    pub nonce: Option<&'a str>,
    pub access_token: &'a str,
    pub now: u64,
    pub scenario: Option<Scenario>,
    /// Sign with the rotated key.
    pub rotated: bool,
}

/// The compact token, or why it could not be signed (a key is missing: a bug, reported as a 500).
pub(super) fn issue(request: &IdTokenRequest<'_>) -> Result<String, &'static str> {
    let claims = claims(request);
    let scenario = request.scenario;
    if scenario == Some(Scenario::AlgNone) {
        return Ok(encode_unsigned(
            &json!({ "alg": "none", "typ": "JWT" }),
            &claims,
        ));
    }
    let current = keys::get(KeyRole::Current).ok_or("the current signing key is missing")?;
    let token = match scenario {
        Some(Scenario::BadSignature) => {
            let rogue = keys::get(KeyRole::Rogue).ok_or("the rogue signing key is missing")?;
            encode_signed(&rs256_header(current.kid()), &claims, rogue)
        }
        Some(Scenario::UnknownKid) => {
            let rogue = keys::get(KeyRole::Rogue).ok_or("the rogue signing key is missing")?;
            encode_signed(&rs256_header(rogue.kid()), &claims, rogue)
        }
        _ if request.rotated => {
            let next = keys::get(KeyRole::Next).ok_or("the rotated signing key is missing")?;
            encode_signed(&rs256_header(next.kid()), &claims, next)
        }
        _ => encode_signed(&rs256_header(current.kid()), &claims, current),
    };
    Ok(token)
}

fn claims(request: &IdTokenRequest<'_>) -> Value {
    let scenario = request.scenario;
    let user = request.user;
    let has = |scope: &str, url: &str| {
        request
            .scopes
            .iter()
            .any(|granted| granted == scope || granted == url)
    };
    let mut claims = Map::new();
    let issuer = if scenario == Some(Scenario::WrongIss) {
        FOREIGN_ISSUER
    } else {
        request.issuer
    };
    claims.insert("iss".to_owned(), json!(issuer));
    if scenario == Some(Scenario::WrongAud) {
        // No azp: authlib compares aud only through azp, so a wrong-aud test must leave it out.
        claims.insert("aud".to_owned(), json!(FOREIGN_AUDIENCE));
    } else {
        claims.insert("azp".to_owned(), json!(request.client_id));
        claims.insert("aud".to_owned(), json!(request.client_id));
    }
    claims.insert("sub".to_owned(), json!(user.sub));
    if let Some(hd) = &user.hd {
        claims.insert("hd".to_owned(), json!(hd));
    }
    if has("email", EMAIL_SCOPE_URL) {
        claims.insert("email".to_owned(), json!(user.email));
        claims.insert("email_verified".to_owned(), json!(user.email_verified));
    }
    claims.insert("at_hash".to_owned(), json!(at_hash(request.access_token)));
    match (scenario, request.nonce) {
        (Some(Scenario::MissingNonce), _) => {}
        (Some(Scenario::WrongNonce), _) => {
            claims.insert("nonce".to_owned(), json!(FOREIGN_NONCE));
        }
        (_, Some(nonce)) => {
            claims.insert("nonce".to_owned(), json!(nonce));
        }
        (_, None) => {}
    }
    if has("profile", PROFILE_SCOPE_URL) {
        for (name, value) in [
            ("name", &user.name),
            ("picture", &user.picture),
            ("given_name", &user.given_name),
            ("family_name", &user.family_name),
            ("locale", &user.locale),
        ] {
            if let Some(value) = value {
                claims.insert(name.to_owned(), json!(value));
            }
        }
    }
    for (name, value) in &user.extra_claims {
        claims.insert(name.clone(), value.clone());
    }
    let (iat, exp) = if scenario == Some(Scenario::Expired) {
        // An hour past expiry: beyond authlib's 120 s leeway and any sane skew.
        let iat = request.now.saturating_sub(2 * ID_TOKEN_LIFETIME_SECONDS);
        (iat, iat + ID_TOKEN_LIFETIME_SECONDS)
    } else {
        (request.now, request.now + ID_TOKEN_LIFETIME_SECONDS)
    };
    claims.insert("iat".to_owned(), json!(iat));
    claims.insert("exp".to_owned(), json!(exp));
    Value::Object(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::decode;

    fn alice_with_email_scope() -> (GoogleUser, Vec<String>) {
        (
            GoogleUser::alice(),
            vec![
                "email".to_owned(),
                EMAIL_SCOPE_URL.to_owned(),
                "openid".to_owned(),
            ],
        )
    }

    fn claims_for(scenario: Option<Scenario>, nonce: Option<&str>) -> Value {
        let (user, scopes) = alice_with_email_scope();
        claims(&IdTokenRequest {
            issuer: "http://127.0.0.1:1",
            client_id: "web",
            user: &user,
            scopes: &scopes,
            nonce,
            access_token: "ya29.token",
            now: 1_700_000_000,
            scenario,
            rotated: false,
        })
    }

    #[test]
    fn honest_claims_name_the_client_issuer_nonce_and_email() {
        let claims = claims_for(None, Some("n-0S6_WzA2Mj"));
        assert_eq!(claims["iss"], "http://127.0.0.1:1");
        assert_eq!(claims["aud"], "web");
        assert_eq!(claims["azp"], "web");
        assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
        assert_eq!(claims["email_verified"], true);
        assert_eq!(claims["exp"], 1_700_003_600);
        assert!(claims.get("name").is_none(), "no profile scope, no name");
    }

    #[test]
    fn scenarios_spoil_exactly_one_thing() {
        let wrong_aud = claims_for(Some(Scenario::WrongAud), None);
        assert_eq!(wrong_aud["aud"], FOREIGN_AUDIENCE);
        assert!(wrong_aud.get("azp").is_none());
        assert_eq!(
            claims_for(Some(Scenario::WrongIss), None)["iss"],
            FOREIGN_ISSUER
        );
        assert_eq!(
            claims_for(Some(Scenario::WrongNonce), Some("n"))["nonce"],
            FOREIGN_NONCE
        );
        assert!(
            claims_for(Some(Scenario::MissingNonce), Some("n"))
                .get("nonce")
                .is_none()
        );
        let expired = claims_for(Some(Scenario::Expired), None);
        assert!(expired["exp"].as_u64() < Some(1_700_000_000 - 3000));
    }

    #[test]
    fn alg_none_tokens_are_unsigned() {
        let (user, scopes) = alice_with_email_scope();
        let token = issue(&IdTokenRequest {
            issuer: "http://x",
            client_id: "web",
            user: &user,
            scopes: &scopes,
            nonce: None,
            access_token: "t",
            now: 1,
            scenario: Some(Scenario::AlgNone),
            rotated: false,
        })
        .expect("no key needed");
        let decoded = decode(&token).expect("decodes");
        assert_eq!(decoded.header["alg"], "none");
        assert_eq!(decoded.signature, "");
    }
}
