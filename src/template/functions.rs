//! Helpers that suite templates can call: `uuid()`, `now()`, and encoding filters.
//!
//! tera's own `builtins` feature pulls in a date library, a random generator and more; these few
//! cover what auth suites need.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;
use tera::Tera;

pub(super) fn register(tera: &mut Tera) {
    tera.register_function("uuid", uuid);
    tera.register_function("now", now);
    tera.register_filter("base64_encode", base64_encode);
    tera.register_filter("base64url_encode", base64url_encode);
    tera.register_filter("base64_decode", base64_decode);
    tera.register_filter("urlencode", urlencode);
}

fn uuid(_: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(uuid::Uuid::new_v4().to_string()))
}

/// Seconds since the Unix epoch, optionally shifted: `now(offset=-3600)`.
fn now(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let offset = match args.get("offset") {
        None => 0,
        Some(value) => value
            .as_i64()
            .ok_or_else(|| tera::Error::msg("`now(offset=…)` takes a whole number of seconds"))?,
    };
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    Ok(Value::from(seconds + offset))
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn base64_encode(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(STANDARD.encode(as_text(value))))
}

fn base64url_encode(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    Ok(Value::String(URL_SAFE_NO_PAD.encode(as_text(value))))
}

fn base64_decode(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = as_text(value);
    let trimmed = text.trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(trimmed.replace('+', "-").replace('/', "_"))
        .map_err(|error| tera::Error::msg(format!("`base64_decode`: {error}")))?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

fn urlencode(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let encoded: String = url::form_urlencoded::byte_serialize(as_text(value).as_bytes()).collect();
    Ok(Value::String(encoded.replace('+', "%20")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> String {
        let mut tera = Tera::default();
        register(&mut tera);
        tera.render_str(source, &tera::Context::new()).expect("renders")
    }

    #[test]
    fn base64_filters_round_trip() {
        assert_eq!(render("{{ 'alice:pw' | base64_encode }}"), "YWxpY2U6cHc=");
        assert_eq!(render("{{ 'YWxpY2U6cHc=' | base64_decode }}"), "alice:pw");
        assert_eq!(render("{{ '??>' | base64url_encode }}"), "Pz8-");
    }

    #[test]
    fn urlencode_escapes_reserved_characters() {
        assert_eq!(render("{{ 'a b&c=d/é' | urlencode }}"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn now_shifts_by_the_offset() {
        let now: i64 = render("{{ now() }}").parse().expect("a number");
        let past: i64 = render("{{ now(offset=-60) }}").parse().expect("a number");
        assert!((now - past - 60).abs() <= 1);
    }

    #[test]
    fn uuid_is_random_and_well_formed() {
        let a = render("{{ uuid() }}");
        assert_eq!(a.len(), 36);
        assert_ne!(a, render("{{ uuid() }}"));
    }
}
