//! Finding JWTs inside larger text (a JSON body, a header, a URL), whole or with their signature
//! already masked, so that reports and snapshots can show what each token says.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::decode::{DecodedJwt, decode};

/// Three dot-separated base64url segments, the first a JSON object (`eyJ` is `{"`). The signature
/// may be empty (`alg: none`) or already replaced by a mask of `•`.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.(?:•+|[A-Za-z0-9_-]*)")
        .expect("a valid literal regex")
});

/// A JWT found in a text: where it is, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundJwt {
    /// Byte range of the token in the text searched.
    pub range: Range<usize>,
    pub decoded: DecodedJwt,
}

/// Every decodable JWT in `text`, in order. Candidates whose header or claims are not JSON are
/// skipped: base64 that merely starts with `eyJ` is not a token.
pub fn find_jwts(text: &str) -> Vec<FoundJwt> {
    if !text.contains("eyJ") {
        return Vec::new();
    }
    CANDIDATE
        .find_iter(text)
        .filter(|found| {
            let before = text[..found.start()].chars().next_back();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .filter_map(|found| {
            let decoded = decode(found.as_str()).ok()?;
            decoded.header.is_object().then_some(FoundJwt {
                range: found.range(),
                decoded,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    fn token(signature: &str) -> String {
        format!(
            "{}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(json!({"alg": "HS256"}).to_string()),
            URL_SAFE_NO_PAD.encode(json!({"sub": "alice"}).to_string())
        )
    }

    #[test]
    fn finds_tokens_inside_text_with_real_or_masked_signatures() {
        let text = format!(
            "a={} b=\"{}\" c=eyJub3Q.anwt.x",
            token("c2ln"),
            token("••••••")
        );
        let found = find_jwts(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].decoded.claims["sub"], "alice");
        assert_eq!(&text[found[1].range.clone()], token("••••••"));
        assert_eq!(found[1].decoded.signature, "••••••");
    }

    #[test]
    fn ignores_text_without_tokens() {
        assert!(find_jwts("plain text").is_empty());
        assert!(find_jwts("xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln").is_empty());
    }
}
