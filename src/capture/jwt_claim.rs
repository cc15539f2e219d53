//! The `jwt_claim` modifier: decode the captured value as a JWT, without verifying it, and keep one
//! claim (`sub`, or a dotted path such as `realm_access.roles`).

use serde_json::Value;

use crate::jwt;

pub(super) fn capture(token: &Value, claim: &str) -> Result<Value, String> {
    let text = token.as_str().ok_or("a JWT claim needs a string token")?;
    let decoded = jwt::decode(text)?;
    let mut value = &decoded.claims;
    for segment in claim.split('.') {
        value = value
            .get(segment)
            .ok_or_else(|| format!("the token has no `{claim}` claim"))?;
    }
    Ok(value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn token(claims: &Value) -> Value {
        Value::String(format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        ))
    }

    #[test]
    fn reads_top_level_and_nested_claims() {
        let token = token(&json!({"sub": "alice", "realm": {"roles": ["admin"]}}));
        assert_eq!(capture(&token, "sub"), Ok(json!("alice")));
        assert_eq!(capture(&token, "realm.roles"), Ok(json!(["admin"])));
    }

    #[test]
    fn a_missing_claim_or_a_non_token_is_an_error() {
        assert!(
            capture(&token(&json!({})), "sub")
                .expect_err("no claim")
                .contains("no `sub` claim")
        );
        assert!(capture(&json!("plain"), "sub").is_err());
    }
}
