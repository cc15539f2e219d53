//! Decoding a compact JWT into its header and claims, without checking the signature: a capture
//! reads a claim, a report shows what a token says.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: Value,
    pub claims: Value,
    /// The third segment as sent (possibly empty, as with `alg: none`).
    pub signature: String,
}

/// Decodes `token`, or says which part is malformed.
pub fn decode(token: &str) -> Result<DecodedJwt, String> {
    let token = token.trim();
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token);
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a JWT: expected three dot-separated parts".to_owned());
    };
    Ok(DecodedJwt {
        header: segment(header, "header")?,
        claims: segment(claims, "claims")?,
        signature: signature.to_owned(),
    })
}

fn segment(encoded: &str, name: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|_| format!("not a JWT: the {name} is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| format!("not a JWT: the {name} is not JSON"))
}

/// A cheap test used before trying to decode: three base64url segments, the first a JSON object.
pub fn looks_like_jwt(text: &str) -> bool {
    text.starts_with("eyJ")
        && text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// The instant a time claim (`exp`, `iat`, `nbf`, ...) names, in seconds since the epoch, as an
/// RFC 3339 date; `None` past the year 9999, which RFC 3339 cannot write (a token may claim any
/// number).
pub fn claim_date(seconds: u64) -> Option<String> {
    use std::fmt::Write as _;
    let instant = std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(seconds))?;
    let mut date = String::new();
    write!(date, "{}", humantime::format_rfc3339_seconds(instant)).ok()?;
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    #[test]
    fn decodes_header_and_claims() {
        let token = format!(
            "{}.{}.c2ln",
            encode(&json!({"alg": "HS256", "typ": "JWT"})),
            encode(&json!({"sub": "alice", "exp": 1}))
        );
        let decoded = decode(&token).expect("decodes");
        assert_eq!(decoded.header["alg"], "HS256");
        assert_eq!(decoded.claims["sub"], "alice");
        assert_eq!(decoded.signature, "c2ln");
        assert!(looks_like_jwt(&token));
    }

    #[test]
    fn accepts_a_bearer_prefix_and_an_empty_signature() {
        let token = format!(
            "Bearer {}.{}.",
            encode(&json!({"alg": "none"})),
            encode(&json!({}))
        );
        assert_eq!(decode(&token).expect("decodes").signature, "");
    }

    #[test]
    fn rejects_what_is_not_a_jwt() {
        assert!(decode("abc").expect_err("one part").contains("three"));
        let error = decode("a.b.c").expect_err("not base64url JSON");
        assert!(error.contains("base64url") || error.contains("JSON"));
        assert!(!looks_like_jwt("hello.world.x"));
    }

    #[test]
    fn a_claim_date_is_written_up_to_the_year_9999_and_left_out_past_it() {
        assert_eq!(claim_date(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            claim_date(253_402_300_799).as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert_eq!(claim_date(253_402_300_800), None);
        assert_eq!(claim_date(u64::MAX), None);
    }
}
