//! Near misses and misplacements of an API key: another key of the same shape, the key cut short,
//! extended, in flipped letter case, padded with spaces, and the right key moved into the query
//! string. Each catches a comparison bug (`startsWith`, `strncmp`, case-folding, trimming) or a key
//! read from where it leaks (URLs end up in logs).

use super::Sent;
use crate::suite::ApiKeyPlacement;

/// The query parameter the key is moved to, as FastAPI's `APIKeyQuery` and many others name it.
pub const QUERY_PARAMETER: &str = "api_key";

/// A key as long as `key`, of the same character classes, that is not `key`.
pub(super) fn wrong(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            '0'..='8' => char::from(c as u8 + 1),
            '9' => '0',
            'a'..='y' => char::from(c as u8 + 1),
            'z' => 'a',
            'A'..='Y' => char::from(c as u8 + 1),
            'Z' => 'A',
            other => other,
        })
        .collect()
}

/// The key without its last character: a prefix comparison accepts it.
pub(super) fn truncated(key: &str) -> Result<String, String> {
    let mut chars = key.chars();
    chars.next_back();
    let cut = chars.as_str();
    if cut.is_empty() {
        return Err("the key is too short to truncate".to_owned());
    }
    Ok(cut.to_owned())
}

/// The key with characters appended: `startsWith`-style comparison accepts it.
pub(super) fn extended(key: &str) -> String {
    format!("{key}0")
}

/// The key with every letter's case flipped.
pub(super) fn case_flipped(key: &str) -> Result<String, String> {
    if !key.chars().any(|c| c.is_ascii_alphabetic()) {
        return Err("the key has no letters whose case could flip".to_owned());
    }
    Ok(key
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect())
}

/// The key with a space before and after. HTTP strips them from header values, so the attack is
/// only meaningful where the key travels in the query string.
pub(super) fn whitespace_padded(key: &str, placement: &ApiKeyPlacement) -> Result<String, String> {
    match placement {
        ApiKeyPlacement::Query(_) => Ok(format!(" {key} ")),
        ApiKeyPlacement::Header(name) => Err(format!(
            "HTTP strips spaces around header values, so a padded `{name}` is the right key; `whitespace-padded` needs the key in the query"
        )),
    }
}

/// The right key, moved from its header into the `api_key` query parameter.
pub(super) fn in_query(key: &str, placement: &ApiKeyPlacement) -> Result<Sent, String> {
    match placement {
        ApiKeyPlacement::Header(_) => Ok(Sent::ApiKeyMoved {
            to: ApiKeyPlacement::Query(QUERY_PARAMETER.to_owned()),
            value: key.to_owned(),
        }),
        ApiKeyPlacement::Query(name) => Err(format!(
            "the step already sends the key in the query (`{name}`); `in-query` moves a header key there"
        )),
    }
}
