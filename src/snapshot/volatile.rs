//! Making a response stable from run to run: the values that change every time (JWT times,
//! signatures and key ids, timestamps, epoch numbers under time-like names, uuids, cookie
//! values, OAuth's random parameters and claims, and whatever a suite names by JSONPath) are
//! replaced by placeholders before a snapshot is stored or compared.
//!
//! Placeholders are bracketed words: `[time]`, `[timestamp]`, `[uuid]`, `[cookie]`, `[random]`,
//! `[signature]`, `[port]` (of a loopback address), `[key]` (a JWK's key material), `[redacted]`.
//! Secrets are masked separately, by [`crate::secret::Redactor`].

use std::sync::{Arc, LazyLock};

use regex::{Captures, Regex};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::jwt::{self, DecodedJwt};

/// Claims holding instants (seconds since the epoch).
const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time", "updated_at"];
/// Claims that are random on every issue (`family`: the refresh-token family of the built-in
/// reference target).
const RANDOM_CLAIMS: &[&str] = &["jti", "nonce", "at_hash", "c_hash", "sid", "family"];
/// Fields of any JSON body that are random on every issue, as the claims of the same names are
/// (a target that shows the claims it verified).
const RANDOM_FIELDS: &[&str] = &["jti", "nonce", "at_hash", "c_hash"];
/// A JWK's members that change when its key does: stand-ins make new keys on every run.
const KEY_MEMBERS: &[&str] = &["n", "x", "y", "x5c", "x5t", "x5t#S256", "kid"];

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // ISO 8601 / RFC 3339 date-times.
        r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b",
        // HTTP dates, as in `Date`, `Expires` and cookie `Expires=` (with spaces or dashes).
        r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*, \d{1,2}[ -][A-Z][a-z]{2}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT",
    ))
    .expect("a valid literal regex")
});

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
        .expect("a valid literal regex")
});

/// OAuth query parameters that are random per flow.
static RANDOM_PARAMETER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([?&#](?:state|nonce|code|code_challenge|code_verifier|session_state)=)[^&#\s]+")
        .expect("a valid literal regex")
});

/// A port of a loopback address, written plainly or percent-encoded (in a `redirect_uri`): the
/// built-in target and the stand-ins listen on a new one every run.
static LOOPBACK_PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(^|[^a-z0-9.\-]|%2F)(127\.0\.0\.1|localhost|\[::1\]|%5B%3A%3A1%5D)(:|%3A)[0-9]{1,5}\b",
    )
        .expect("a valid literal regex")
});

/// A JSON body made stable: JWT strings become their decoded form, times and ids placeholders,
/// then every match of the `redact` queries becomes `[redacted]`.
pub fn stabilize_json(value: &Value, redact: &[(String, Arc<JsonPath>)]) -> Value {
    let mut stable = stabilize_value(value, None);
    for (_, path) in redact {
        let pointers: Vec<String> = path
            .query_located(&stable)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        for pointer in pointers {
            if let Some(node) = stable.pointer_mut(&pointer) {
                *node = Value::String("[redacted]".to_owned());
            }
        }
    }
    stable
}

fn stabilize_value(value: &Value, key: Option<&str>) -> Value {
    match value {
        Value::String(text) => {
            if let Some(found) = jwt::find_jwts(text).into_iter().next() {
                if found.range == (0..text.len()) {
                    return decoded_jwt(&found.decoded);
                }
            }
            if key.is_some_and(is_time_key) && text.parse::<f64>().is_ok_and(looks_like_epoch) {
                return Value::String("[time]".to_owned());
            }
            if key.is_some_and(|key| RANDOM_FIELDS.contains(&key)) {
                return Value::String("[random]".to_owned());
            }
            Value::String(stabilize_text(text))
        }
        Value::Number(number)
            if key.is_some_and(is_time_key) && number.as_f64().is_some_and(looks_like_epoch) =>
        {
            Value::String("[time]".to_owned())
        }
        // A list's items are what its name says: `login_times: [...]`.
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| stabilize_value(item, key))
                .collect(),
        ),
        Value::Object(map) => {
            let is_key = map.contains_key("kty");
            // The fields of `timestamps: { login, logout }` are what its name says.
            let of_times = key.filter(|key| is_time_key(key));
            Value::Object(
                map.iter()
                    .map(|(name, item)| {
                        let stable = if is_key && KEY_MEMBERS.contains(&name.as_str()) {
                            Value::String("[key]".to_owned())
                        } else {
                            stabilize_value(item, of_times.or(Some(name)))
                        };
                        (name.clone(), stable)
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// `{"jwt": {"header": …, "claims": …, "signature": "[signature]"}}`, with times and random
/// claims replaced.
fn decoded_jwt(decoded: &DecodedJwt) -> Value {
    let mut jwt = Map::new();
    jwt.insert("header".to_owned(), stable_header(&decoded.header));
    jwt.insert("claims".to_owned(), stable_claims(&decoded.claims));
    jwt.insert(
        "signature".to_owned(),
        Value::String("[signature]".to_owned()),
    );
    let mut wrapper = Map::new();
    wrapper.insert("jwt".to_owned(), Value::Object(jwt));
    Value::Object(wrapper)
}

/// A token's header, its `kid` as `[key]`: the key it names changes as a JWK's does.
fn stable_header(header: &Value) -> Value {
    let mut stable = stabilize_value(header, None);
    if let Some(kid) = stable.get_mut("kid").filter(|kid| !kid.is_null()) {
        *kid = Value::String("[key]".to_owned());
    }
    stable
}

fn stable_claims(claims: &Value) -> Value {
    let Value::Object(map) = claims else {
        return stabilize_value(claims, None);
    };
    Value::Object(
        map.iter()
            .map(|(name, value)| {
                let stable = if TIME_CLAIMS.contains(&name.as_str()) && !value.is_null() {
                    Value::String("[time]".to_owned())
                } else if RANDOM_CLAIMS.contains(&name.as_str()) && !value.is_null() {
                    Value::String("[random]".to_owned())
                } else {
                    stabilize_value(value, Some(name))
                };
                (name.clone(), stable)
            })
            .collect(),
    )
}

/// A header value or a text body made stable. Tokens embedded in text are shown inline as
/// `[jwt {header} {claims}]`.
pub fn stabilize_text(text: &str) -> String {
    let mut stable = String::with_capacity(text.len());
    let mut last = 0;
    for found in jwt::find_jwts(text) {
        stable.push_str(&text[last..found.range.start]);
        let header = stable_header(&found.decoded.header);
        let claims = stable_claims(&found.decoded.claims);
        stable.push_str(&format!("[jwt {header} {claims}]"));
        last = found.range.end;
    }
    stable.push_str(&text[last..]);
    let stable = TIMESTAMP.replace_all(&stable, "[timestamp]");
    let stable = UUID.replace_all(&stable, "[uuid]");
    let stable = LOOPBACK_PORT.replace_all(&stable, "$1$2$3[port]");
    RANDOM_PARAMETER
        .replace_all(&stable, |caps: &Captures<'_>| {
            format!("{}[random]", &caps[1])
        })
        .into_owned()
}

/// A response header made stable: a `Set-Cookie` keeps its name and attributes, not its value.
pub fn stabilize_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("set-cookie") {
        let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
        let cookie_name = pair.split_once('=').map_or(pair, |(name, _)| name).trim();
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(";{}", stabilize_text(attributes))
        };
        return format!("{cookie_name}=[cookie]{attributes}");
    }
    stabilize_text(value)
}

/// A name that says its number is an instant: a time claim, `*_at`, or a word of it (split at
/// `_`, `-` and case changes) such as `time`, `ts`, `ms`, `date`, `epoch`, `now`, `created`.
/// (Whether a number is near today's date is no test: a fixed value would be volatile on some
/// days and not on others.)
fn is_time_key(key: &str) -> bool {
    if TIME_CLAIMS.contains(&key) || key.ends_with("_at") {
        return true;
    }
    const TIME_WORDS: &[&str] = &[
        "time",
        "times",
        "timestamp",
        "timestamps",
        "ts",
        "ms",
        "millis",
        "secs",
        "seconds",
        "date",
        "dates",
        "epoch",
        "now",
        "at",
        "created",
        "updated",
        "modified",
        "issued",
        "expires",
        "expire",
        "expiry",
        "expiration",
        "exp",
        "iat",
        "nbf",
        "until",
        "since",
        "seen",
        "last",
    ];
    let mut word = String::new();
    let mut previous_lower = false;
    let mut found = false;
    for c in key.chars().chain(std::iter::once('_')) {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower);
        if boundary && !word.is_empty() {
            found |= TIME_WORDS.contains(&word.as_str());
            word.clear();
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase();
    }
    found
}

/// Seconds or milliseconds since the epoch between 2001 and 2286: not a count or a duration.
fn looks_like_epoch(number: f64) -> bool {
    (1e9..1e10).contains(&number) || (1e12..1e13).contains(&number)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    fn token(claims: &Value) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    #[test]
    fn a_jwt_string_becomes_its_header_and_claims_with_times_and_signature_masked() {
        let body = json!({"access_token": token(&json!({"sub": "alice", "exp": 1_900_000_000, "jti": "x1"})), "token_type": "bearer"});
        let stable = stabilize_json(&body, &[]);
        assert_eq!(
            stable,
            json!({
                "access_token": {"jwt": {
                    "header": {"alg": "HS256", "typ": "JWT"},
                    "claims": {"sub": "alice", "exp": "[time]", "jti": "[random]"},
                    "signature": "[signature]"
                }},
                "token_type": "bearer"
            })
        );
    }

    #[test]
    fn a_key_id_random_fields_in_plain_json_and_instants_under_time_words_become_placeholders() {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "kid": "c2d4cf7d"}).to_string());
        let claims = URL_SAFE_NO_PAD.encode(json!({"sub": "1"}).to_string());
        let id_token = format!("{header}.{claims}.c2lnbmF0dXJl");
        let body = json!({
            "id_token": id_token,
            "claims": {"nonce": "n-0S6_WzA2Mj", "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q", "sub": "1"},
            "name": {"family": "Lee", "given": "Ann"},
            "sid": "a-session-shown-as-is",
            "ms": 1_796_470_283_498_u64,
            "issuedAtMs": 1_796_470_288_055_u64,
            "lastSeen": 1_796_470_288.055_3,
            "ts": "1796470288",
            "accessTokenExp": 1_796_470_288_u64,
            "login_times": [1_796_470_288_u64, 1_796_470_299_u64],
            "timestamps": {"login": 1_796_470_288_u64, "logout": 1_796_470_299_u64},
            "count": 1_796_470_288_u64,
            "items": 1_796_470_288_u64,
        });
        let stable = stabilize_json(&body, &[]);
        assert_eq!(
            stable["id_token"]["jwt"]["header"],
            json!({"alg": "RS256", "kid": "[key]"})
        );
        assert_eq!(
            stable["claims"],
            json!({"nonce": "[random]", "at_hash": "[random]", "sub": "1"})
        );
        assert_eq!(stable["name"], json!({"family": "Lee", "given": "Ann"}));
        assert_eq!(stable["sid"], "a-session-shown-as-is");
        for field in ["ms", "issuedAtMs", "lastSeen", "ts", "accessTokenExp"] {
            assert_eq!(stable[field], "[time]", "{field}");
        }
        assert_eq!(stable["login_times"], json!(["[time]", "[time]"]));
        assert_eq!(
            stable["timestamps"],
            json!({"login": "[time]", "logout": "[time]"})
        );
        // An epoch-sized number under a name that is no time stays: a count, an id.
        assert_eq!(stable["count"], 1_796_470_288_u64);
        assert_eq!(stable["items"], 1_796_470_288_u64);
    }

    #[test]
    fn timestamps_uuids_and_epoch_fields_become_placeholders() {
        let body = json!({
            "id": "3f1c2a9e-8d7b-4c6a-9e5f-0a1b2c3d4e5f",
            "created_at": 1_733_000_000,
            "seen": "2026-12-04T20:00:00.123Z",
            "expires_in": 3600
        });
        assert_eq!(
            stabilize_json(&body, &[]),
            json!({"id": "[uuid]", "created_at": "[time]", "seen": "[timestamp]", "expires_in": 3600})
        );
    }

    #[test]
    fn jsonpath_redactions_replace_every_match() {
        let body = json!({"items": [{"n": 1, "k": "a"}, {"n": 2, "k": "b"}], "keep": true});
        let redact = vec![(
            "$.items[*].k".to_owned(),
            Arc::new(JsonPath::parse("$.items[*].k").expect("valid")),
        )];
        assert_eq!(
            stabilize_json(&body, &redact),
            json!({"items": [{"n": 1, "k": "[redacted]"}, {"n": 2, "k": "[redacted]"}], "keep": true})
        );
    }

    #[test]
    fn cookies_keep_their_name_and_attributes_but_not_their_value_or_expiry() {
        assert_eq!(
            stabilize_header(
                "set-cookie",
                "session=abc123; Expires=Thu, 01 Jan 2037 00:00:00 GMT; HttpOnly"
            ),
            "session=[cookie]; Expires=[timestamp]; HttpOnly"
        );
    }

    #[test]
    fn loopback_ports_are_replaced_plain_and_percent_encoded() {
        assert_eq!(
            stabilize_text(
                "http://127.0.0.1:41191/cb?redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcb&x=[::1]:9"
            ),
            "http://127.0.0.1:[port]/cb?redirect_uri=http%3A%2F%2Flocalhost%3A[port]%2Fcb&x=[::1]:[port]"
        );
        assert_eq!(
            stabilize_text("https://staging.example:8443/cb"),
            "https://staging.example:8443/cb",
            "a named host keeps its port"
        );
        assert_eq!(
            stabilize_text("http://mylocalhost:80/ http://10.127.0.0.1:81/"),
            "http://mylocalhost:80/ http://10.127.0.0.1:81/",
            "nor does one that merely ends like a loopback name"
        );
    }

    #[test]
    fn a_jwk_keeps_its_shape_but_not_its_key_material() {
        let jwks = json!({"keys": [{"kty": "RSA", "kid": "k-81f", "n": "0vx7", "e": "AQAB", "alg": "RS256"}]});
        assert_eq!(
            stabilize_json(&jwks, &[]),
            json!({"keys": [{"kty": "RSA", "kid": "[key]", "n": "[key]", "e": "AQAB", "alg": "RS256"}]})
        );
    }

    #[test]
    fn oauth_random_parameters_and_inline_tokens_are_replaced_in_text() {
        let location = format!(
            "https://idp.test/authorize?client_id=app&state=Zx81&nonce=n0&code_challenge=abc#id_token={}",
            token(&json!({"iat": 1}))
        );
        assert_eq!(
            stabilize_text(&location),
            "https://idp.test/authorize?client_id=app&state=[random]&nonce=[random]&code_challenge=[random]\
             #id_token=[jwt {\"alg\":\"HS256\",\"typ\":\"JWT\"} {\"iat\":\"[time]\"}]"
        );
    }
}
