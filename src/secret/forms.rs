//! The shapes one secret takes on its way into a file: as is, base64 and base64url (with and without
//! padding), URL-encoded (with `+` or `%20` for spaces), and JSON-escaped.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Secrets shorter than this are not masked: masking `a` or `1` everywhere would shred a report
/// and protect nothing.
pub const MIN_SECRET_LEN: usize = 4;

/// Every form of `secret` worth searching for, longest first, without duplicates.
pub fn encoded_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    let form_encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    forms.push(form_encoded.replace('+', "%20"));
    forms.push(form_encoded);
    let json = serde_json::to_string(secret).unwrap_or_default();
    forms.push(json[1..json.len().saturating_sub(1).max(1)].to_owned());
    // A JSON-escaped URL-encoded form appears when a URL is embedded in a JSON body.
    forms.push(json[1..json.len().saturating_sub(1).max(1)].replace('/', "\\/"));
    forms.retain(|form| form.len() >= MIN_SECRET_LEN);
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_common_encodings() {
        let forms = encoded_forms("p@ss w/\"rd");
        for expected in [
            "p@ss w/\"rd",
            "cEBzcyB3LyJyZA==",
            "cEBzcyB3LyJyZA",
            "p%40ss+w%2F%22rd",
            "p%40ss%20w%2F%22rd",
            "p@ss w/\\\"rd",
        ] {
            assert!(
                forms.contains(&expected.to_owned()),
                "{expected} missing from {forms:?}"
            );
        }
    }
}
