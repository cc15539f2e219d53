//! Helpers that suite templates can call: `uuid()`, `now()`, encoding filters, and filters that
//! forge variants of a captured JWT for negative steps (`jwt_alg_none`, `jwt_drop_signature`,
//! `jwt_set`, `jwt_sign`).
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
    tera.register_filter("jwt_alg_none", jwt_alg_none);
    tera.register_filter("jwt_drop_signature", jwt_drop_signature);
    tera.register_filter("jwt_set", jwt_set);
    tera.register_filter("jwt_sign", jwt_sign);
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

fn jwt_input<'a>(value: &'a Value, filter: &str) -> tera::Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("`{filter}` takes a JWT string")))
}

fn jwt_failure(filter: &str) -> impl Fn(String) -> tera::Error + '_ {
    move |message| tera::Error::msg(format!("`{filter}`: {message}"))
}

/// `{{ token | jwt_alg_none }}`, `{{ token | jwt_alg_none(alg="nOnE") }}`: unsigned, `alg` replaced.
fn jwt_alg_none(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let alg = match args.get("alg") {
        None => "none",
        Some(alg) => alg
            .as_str()
            .ok_or_else(|| tera::Error::msg("`jwt_alg_none(alg=…)` takes a string"))?,
    };
    crate::jwt::forge::alg_none(jwt_input(value, "jwt_alg_none")?, alg)
        .map(Value::String)
        .map_err(jwt_failure("jwt_alg_none"))
}

/// `{{ token | jwt_drop_signature }}`: header and claims kept, signature empty.
fn jwt_drop_signature(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    crate::jwt::forge::drop_signature(jwt_input(value, "jwt_drop_signature")?)
        .map(Value::String)
        .map_err(jwt_failure("jwt_drop_signature"))
}

/// `{{ token | jwt_set(claim="sub", value="mallory") }}`: one claim changed, old signature kept.
fn jwt_set(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let claim = args
        .get("claim")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("`jwt_set` needs `claim=\"name\"`"))?;
    let new_value = args
        .get("value")
        .ok_or_else(|| tera::Error::msg("`jwt_set` needs `value=…`"))?;
    crate::jwt::forge::set_claim(jwt_input(value, "jwt_set")?, claim, new_value.clone())
        .map(Value::String)
        .map_err(jwt_failure("jwt_set"))
}

/// `{{ token | jwt_sign(key=secret) }}`: header (as HS256) and claims re-signed with `key`.
fn jwt_sign(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let key = args
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("`jwt_sign` needs `key=\"…\"`, the HMAC key"))?;
    crate::jwt::forge::sign_hs256(jwt_input(value, "jwt_sign")?, key)
        .map(Value::String)
        .map_err(jwt_failure("jwt_sign"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> String {
        let mut tera = Tera::default();
        register(&mut tera);
        tera.render_str(source, &tera::Context::new())
            .expect("renders")
    }

    #[test]
    fn base64_filters_round_trip() {
        assert_eq!(render("{{ 'alice:pw' | base64_encode }}"), "YWxpY2U6cHc=");
        assert_eq!(render("{{ 'YWxpY2U6cHc=' | base64_decode }}"), "alice:pw");
        assert_eq!(render("{{ '??>' | base64url_encode }}"), "Pz8-");
    }

    #[test]
    fn urlencode_escapes_reserved_characters() {
        assert_eq!(
            render("{{ 'a b&c=d/é' | urlencode }}"),
            "a%20b%26c%3Dd%2F%C3%A9"
        );
    }

    #[test]
    fn now_shifts_by_the_offset() {
        let now: i64 = render("{{ now() }}").parse().expect("a number");
        let past: i64 = render("{{ now(offset=-60) }}").parse().expect("a number");
        assert!((now - past - 60).abs() <= 1);
    }

    #[test]
    fn jwt_filters_chain_and_take_function_results_as_arguments() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"alice","exp":1}"#);
        let token = format!("{header}.{claims}.c2ln");
        let mut tera = Tera::default();
        register(&mut tera);
        let mut context = tera::Context::new();
        context.insert("token", &token);
        let mut render = |source: &str| tera.render_str(source, &context).expect("renders");

        let expired = render(
            "{{ token | jwt_set(claim='exp', value=now(offset=-600)) | jwt_sign(key='k') }}",
        );
        let decoded = crate::jwt::decode(&expired).expect("a JWT");
        assert!(decoded.claims["exp"].as_i64().expect("a number") > 1_000_000_000);
        assert_ne!(decoded.signature, "c2ln");

        let unsigned = render("{{ token | jwt_alg_none(alg='NONE') }}");
        assert_eq!(
            crate::jwt::decode(&unsigned).expect("a JWT").header["alg"],
            "NONE"
        );
        assert!(render("{{ token | jwt_drop_signature }}").ends_with('.'));
    }

    #[test]
    fn a_jwt_filter_on_a_non_token_says_which_filter_failed() {
        let mut tera = Tera::default();
        register(&mut tera);
        let error = tera
            .render_str("{{ 'abc' | jwt_sign(key='k') }}", &tera::Context::new())
            .expect_err("fails");
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            message = inner.to_string();
            source = inner.source();
        }
        assert!(message.starts_with("`jwt_sign`: not a JWT"), "{message}");
    }

    #[test]
    fn uuid_is_random_and_well_formed() {
        let a = render("{{ uuid() }}");
        assert_eq!(a.len(), 36);
        assert_ne!(a, render("{{ uuid() }}"));
    }
}
