//! `expect.jwt`: a token found in the body by JSONPath, verified: its algorithm against an
//! allow-list (never `none`), its signature with a secret or public key, and its time claims
//! (`exp` present and not past, `nbf` and `iat` not ahead) within a clock skew. One check, every
//! problem listed.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use serde_json_path::JsonPath;

use super::json::query_value;
use super::{Bindings, CheckResult, Observed};
use crate::suite::{JsonTemplate, JwtCheck, JwtKey, Span};

pub(super) fn evaluate(
    path: &JsonPath,
    query: &str,
    check: &JwtCheck,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let expected = describe(check);
    let result = |passed: bool, actual: String| CheckResult {
        name: format!("jwt {query}"),
        passed,
        expected: expected.clone(),
        actual,
        line: span.line,
        diff: None,
    };
    let token = observed
        .response
        .json()
        .and_then(|document| query_value(path, document));
    let Some(Value::String(token)) = token else {
        return result(false, "no token (a string) at this path".to_owned());
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    match problems(&token, check, bindings, observed.jwks, now) {
        Ok(problems) if problems.is_empty() => result(true, "every rule holds".to_owned()),
        Ok(problems) => result(false, problems.join("; ")),
        Err(reason) => result(false, reason),
    }
}

fn describe(check: &JwtCheck) -> String {
    let mut parts = Vec::new();
    if check.algorithms.is_empty() {
        parts.push("alg not none".to_owned());
    } else {
        parts.push(format!("alg one of {}", check.algorithms.join(", ")));
    }
    match &check.key {
        Some(JwtKey::Secret(_)) => parts.push("signature verifies with the secret".to_owned()),
        Some(JwtKey::Pem(_)) => parts.push("signature verifies with the public key".to_owned()),
        Some(JwtKey::Jwks(_)) => parts.push("signature verifies with a key of the JWKS".to_owned()),
        None => {}
    }
    parts.push(format!(
        "exp present; exp, nbf, iat within {}s",
        check.skew.as_secs()
    ));
    parts.join("; ")
}

/// Every rule `token` breaks, or why it could not be read.
pub(crate) fn problems(
    token: &str,
    check: &JwtCheck,
    bindings: &Bindings<'_>,
    jwks: &[(String, Result<Value, String>)],
    now: u64,
) -> Result<Vec<String>, String> {
    let decoded = crate::jwt::decode(token)?;
    let mut problems = Vec::new();
    let alg = decoded
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let algorithm = alg.parse::<Algorithm>().ok();
    if algorithm.is_none() {
        problems.push(format!("alg `{alg}` is not a signing algorithm"));
    } else if !check.algorithms.is_empty() && !check.algorithms.contains(&alg) {
        problems.push(format!("alg `{alg}` is not allowed"));
    }
    if let (Some(key), Some(algorithm)) = (&check.key, algorithm) {
        let render = |text: &crate::template::Text| {
            bindings
                .render_json(&JsonTemplate::Text(text.clone()))
                .map(|value| value.as_str().unwrap_or_default().to_owned())
                .map_err(|error| format!("could not render the key: {}", error.message))
        };
        let kid = decoded.header.get("kid").and_then(Value::as_str);
        let decoding = match key {
            JwtKey::Jwks(url) => {
                let url = render(url)?;
                let document = jwks
                    .iter()
                    .find(|(fetched, _)| *fetched == url)
                    .map(|(_, document)| document.clone())
                    .unwrap_or_else(|| Err(format!("the JWKS at {url} was not fetched")))?;
                key_from_jwks(&document, kid)?
            }
            JwtKey::Secret(secret) => DecodingKey::from_secret(render(secret)?.as_bytes())
                .map_err(|_| "the secret is empty".to_owned())?,
            JwtKey::Pem(pem) => {
                let pem = render(pem)?;
                DecodingKey::from_rsa_pem(pem.as_bytes())
                    .or_else(|_| DecodingKey::from_ec_pem(pem.as_bytes()))
                    .map_err(|_| "the key is not an RSA or EC public key in PEM".to_owned())?
            }
        };
        let (message, signature) = token.trim().rsplit_once('.').unwrap_or_default();
        let verified =
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &decoding, algorithm)
                .unwrap_or(false);
        if !verified {
            problems.push(format!("the {alg} signature does not verify with the key"));
        }
    }
    let skew = check.skew.as_secs();
    let claim = |name: &str| decoded.claims.get(name).and_then(Value::as_u64);
    match claim("exp") {
        None => problems.push("no exp".to_owned()),
        Some(exp) if exp.saturating_add(skew) < now => {
            problems.push(format!("expired {}s ago", now - exp));
        }
        Some(_) => {}
    }
    if let Some(nbf) = claim("nbf").filter(|nbf| *nbf > now.saturating_add(skew)) {
        problems.push(format!("nbf is {}s ahead", nbf - now));
    }
    if let Some(iat) = claim("iat").filter(|iat| *iat > now.saturating_add(skew)) {
        problems.push(format!("iat is {}s ahead", iat - now));
    }
    Ok(problems)
}

/// The key of `jwks` that `kid` names, or its only key when the token names none.
fn key_from_jwks(jwks: &Value, kid: Option<&str>) -> Result<DecodingKey, String> {
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_value(jwks.clone()).map_err(|_| "the JWKS is not a JWK set".to_owned())?;
    let jwk = match kid {
        Some(kid) => set
            .find(kid)
            .ok_or_else(|| format!("the JWKS has no key `{kid}`"))?,
        None if set.keys.len() == 1 => &set.keys[0],
        None => return Err("the token names no `kid` and the JWKS has several keys".to_owned()),
    };
    DecodingKey::from_jwk(jwk).map_err(|_| "the JWKS key is not usable".to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::template::{Scope, TemplateBuilder};

    #[test]
    fn time_claims_at_the_end_of_u64_do_not_overflow_the_skew() {
        use base64::Engine as _;
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let token = format!(
            "{}.{}.sig",
            encode(r#"{"alg":"HS256"}"#),
            encode(&format!(
                r#"{{"exp":{max},"nbf":{max},"iat":{max}}}"#,
                max = u64::MAX
            ))
        );
        let check = JwtCheck {
            key: None,
            algorithms: Vec::new(),
            skew: Duration::from_secs(u64::MAX / 2),
        };
        let templates = TemplateBuilder::default().finish().expect("empty set");
        let scope = Scope::default();
        let found = problems(
            &token,
            &check,
            &Bindings::new(&templates, &scope),
            &[],
            1_800_000_000,
        )
        .expect("a token");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("nbf is "), "{found:?}");
        assert!(found[1].starts_with("iat is "), "{found:?}");
    }
}
