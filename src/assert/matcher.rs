//! Evaluating a [`Matcher`] against an observed value, and describing both for failure messages.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::Bindings;
use crate::suite::{Matcher, ValueType};
use crate::template::RenderError;

/// Whether `actual` (`None` when absent) satisfies `matcher`, and the expectation in words.
pub fn check(
    matcher: &Matcher,
    actual: Option<&Value>,
    bindings: &Bindings<'_>,
) -> Result<(bool, String), RenderError> {
    Ok(match matcher {
        Matcher::All(matchers) => {
            let mut passed = true;
            let mut expected = Vec::with_capacity(matchers.len());
            for inner in matchers {
                let (ok, text) = check(inner, actual, bindings)?;
                passed &= ok;
                expected.push(text);
            }
            (passed, expected.join(" and "))
        }
        Matcher::Eq(template) => {
            let value = bindings.render_json(template)?;
            (
                actual.is_some_and(|actual| loosely_equal(actual, &value)),
                show(&value),
            )
        }
        Matcher::Ne(template) => {
            let value = bindings.render_json(template)?;
            (
                !actual.is_some_and(|actual| loosely_equal(actual, &value)),
                format!("not {}", show(&value)),
            )
        }
        Matcher::Contains(template) => {
            let value = bindings.render_json(template)?;
            let passed = actual.is_some_and(|actual| contains(actual, &value));
            (passed, format!("contains {}", show(&value)))
        }
        Matcher::Matches(regex) => {
            let passed = actual.is_some_and(|actual| regex.is_match(&as_text(actual)));
            (passed, format!("matches /{}/", regex.as_str()))
        }
        Matcher::Exists(true) => (actual.is_some(), "present".to_owned()),
        Matcher::Exists(false) => (actual.is_none(), "absent".to_owned()),
        Matcher::Type(kind) => (
            actual.is_some_and(|actual| has_type(actual, *kind)),
            format!(
                "a{} {}",
                if kind.name().starts_with(['a', 'i', 'o']) {
                    "n"
                } else {
                    ""
                },
                kind.name()
            ),
        ),
        Matcher::Len(inner) => {
            let length = actual.and_then(length).map(Value::from);
            let (passed, text) = check(inner, length.as_ref(), bindings)?;
            (passed, format!("length {text}"))
        }
        Matcher::Gt(bound) => compare(actual, bound, ">", Ordering::is_gt),
        Matcher::Ge(bound) => compare(actual, bound, ">=", Ordering::is_ge),
        Matcher::Lt(bound) => compare(actual, bound, "<", Ordering::is_lt),
        Matcher::Le(bound) => compare(actual, bound, "<=", Ordering::is_le),
        Matcher::OneOf(options) => {
            let mut values = Vec::with_capacity(options.len());
            for option in options {
                values.push(bindings.render_json(option)?);
            }
            let passed = actual
                .is_some_and(|actual| values.iter().any(|value| loosely_equal(actual, value)));
            let list: Vec<String> = values.iter().map(show).collect();
            (passed, format!("one of [{}]", list.join(", ")))
        }
    })
}

/// How a value is shown in expected/actual lines: JSON, so that `"200"` and `200` differ visibly.
pub fn show(value: &Value) -> String {
    // Whole up to a bound: a long value is cut where it is shown, after masking (see
    // [`shorten`]), since a secret cut in two is no longer found. Past the bound (a 4 MB body),
    // only the far ends a cut keeps are kept, outside tokens, with the whole size.
    let text = value.to_string();
    if text.len() <= KEPT_LIMIT {
        return text;
    }
    format!(
        "{} ({} bytes)",
        cut_outside_tokens(&text, KEPT_LIMIT * 3 / 4, KEPT_LIMIT / 4),
        text.len()
    )
}

/// The most of a value a check keeps until it is masked and cut to be shown.
const KEPT_LIMIT: usize = 64 * 1024;

/// The longest expected or actual value the reports keep whole.
pub const REPORT_LIMIT: usize = 1000;

/// The longest the console shows.
pub const CONSOLE_LIMIT: usize = 200;

/// `text` cut to about `limit` bytes, keeping its start and its end and its size; for text that
/// is masked already.
pub fn shorten(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= limit {
        return std::borrow::Cow::Borrowed(text);
    }
    // Cut already (a report's value in a one-line summary): cut again, with the size it had.
    if let Some((cut, size)) = text
        .strip_suffix(" bytes)")
        .and_then(|rest| rest.rsplit_once(" ("))
        .filter(|(cut, size)| cut.contains('…') && size.bytes().all(|b| b.is_ascii_digit()))
    {
        return std::borrow::Cow::Owned(format!(
            "{} ({size} bytes)",
            cut_outside_tokens(cut, limit * 7 / 10, limit / 5)
        ));
    }
    std::borrow::Cow::Owned(format!(
        "{} ({} bytes)",
        cut_outside_tokens(text, limit * 7 / 10, limit / 5),
        text.len()
    ))
}

/// The first `head` and last `tail` bytes of `text` around a `…`, never cutting through a token:
/// what a cut leaves of an unmasked one stays readable. `text` itself when it is no longer than
/// that.
pub(crate) fn cut_outside_tokens(
    text: &str,
    head: usize,
    tail: usize,
) -> std::borrow::Cow<'_, str> {
    if text.len() <= head + tail {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut head = head;
    while head > 0 && is_token_byte(bytes[head - 1]) && is_token_byte(bytes[head]) {
        head -= 1;
    }
    let mut tail = text.len() - tail;
    while tail < text.len() && is_token_byte(bytes[tail - 1]) && is_token_byte(bytes[tail]) {
        tail += 1;
    }
    // Both cuts are next to an ASCII byte that is not a token's, or inside a run of multi-byte
    // characters: move them onto a character boundary.
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    std::borrow::Cow::Owned(format!("{}…{}", &text[..head], &text[tail..]))
}

/// A byte a token is written with: base64 and base64url, hex, and what opaque tokens use.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'+' | b'/' | b'=' | b'~')
}

pub fn show_actual(actual: Option<&Value>) -> String {
    actual.map_or_else(|| "absent".to_owned(), show)
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A number, or text that reads as one (a header value, a rendered template).
fn as_number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(number) => Some(number.clone()),
        Value::String(text) => {
            let text = text.trim();
            text.parse::<Number>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(Number::from_f64))
        }
        _ => None,
    }
}

/// Numbers by value, exactly: integers as integers (two 64-bit ids that differ in their last
/// digits differ, though they round to the same float), a float against an integer without
/// rounding either.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    match (as_integer(a), as_integer(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        (Some(a), None) => float_against_integer(b.as_f64()?, a).map(Ordering::reverse),
        (None, Some(b)) => float_against_integer(a.as_f64()?, b),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn as_integer(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

fn float_against_integer(float: f64, integer: i128) -> Option<Ordering> {
    if !float.is_finite() {
        return float.partial_cmp(&0.0);
    }
    // Any 64-bit integer is far inside i128, and so is the whole part of a float that could be
    // near one: beyond it, the float is larger or smaller whatever the integer.
    const LIMIT: f64 = 1e30;
    if float >= LIMIT {
        return Some(Ordering::Greater);
    }
    if float <= -LIMIT {
        return Some(Ordering::Less);
    }
    let whole = float.trunc();
    Some(
        (whole as i128)
            .cmp(&integer)
            .then_with(|| (float - whole).partial_cmp(&0.0).unwrap_or(Ordering::Equal)),
    )
}

/// Whether `value` is written out as `text`, compared piece by piece as it is written.
fn written_as(value: &Value, text: &str) -> bool {
    struct Compare<'a> {
        rest: &'a str,
    }
    impl std::fmt::Write for Compare<'_> {
        fn write_str(&mut self, piece: &str) -> std::fmt::Result {
            self.rest = self.rest.strip_prefix(piece).ok_or(std::fmt::Error)?;
            Ok(())
        }
    }
    let mut compare = Compare { rest: text };
    std::fmt::write(&mut compare, format_args!("{value}")).is_ok() && compare.rest.is_empty()
}

/// JSON equality, except that numbers compare by value and a string equals a scalar with the same
/// text: header values are strings, and a rendered template is a string.
fn loosely_equal(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b) == Some(Ordering::Equal),
        (Value::String(a), Value::Number(_) | Value::Bool(_)) => written_as(expected, a),
        (Value::Number(_) | Value::Bool(_), Value::String(b)) => written_as(actual, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| loosely_equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| loosely_equal(value, other)))
        }
        _ => actual == expected,
    }
}

fn contains(actual: &Value, needle: &Value) -> bool {
    match actual {
        Value::String(text) => text.contains(&as_text(needle)),
        Value::Array(items) => items.iter().any(|item| loosely_equal(item, needle)),
        Value::Object(map) => needle.as_str().is_some_and(|key| map.contains_key(key)),
        other => other.to_string().contains(&as_text(needle)),
    }
}

fn has_type(value: &Value, kind: ValueType) -> bool {
    match kind {
        ValueType::String => value.is_string(),
        ValueType::Number => value.is_number(),
        ValueType::Integer => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ValueType::Boolean => value.is_boolean(),
        ValueType::Array => value.is_array(),
        ValueType::Object => value.is_object(),
        ValueType::Null => value.is_null(),
    }
}

fn length(value: &Value) -> Option<usize> {
    match value {
        Value::String(text) => Some(text.chars().count()),
        Value::Array(items) => Some(items.len()),
        Value::Object(map) => Some(map.len()),
        _ => None,
    }
}

fn compare(
    actual: Option<&Value>,
    bound: &Number,
    symbol: &str,
    test: fn(Ordering) -> bool,
) -> (bool, String) {
    let passed = actual
        .and_then(as_number)
        .and_then(|number| compare_numbers(&number, bound))
        .is_some_and(test);
    (passed, format!("{symbol} {bound}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::JsonTemplate;

    fn literal(value: Value) -> JsonTemplate {
        JsonTemplate::Literal(value)
    }

    use crate::template::{Scope, TemplateBuilder};
    use serde_json::json;

    fn run(matcher: Matcher, actual: Option<Value>) -> (bool, String) {
        let templates = TemplateBuilder::default().finish().expect("empty set");
        let scope = Scope::default();
        let bindings = Bindings::new(&templates, &scope);
        check(&matcher, actual.as_ref(), &bindings).expect("no templates to fail")
    }

    #[test]
    fn a_long_value_is_cut_where_shown_keeping_its_start_and_end_but_no_part_of_a_token() {
        let token = "rt_".to_owned() + &"A1b2C3d4E5".repeat(30);
        // Whole until it is shown: masking finds a secret whole.
        assert_eq!(show(&json!(token)), format!("\"{token}\""));
        assert_eq!(shorten(&show(&json!(token)), 200), "\"…\" (305 bytes)");
        let jwt = format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.{}",
            "e".repeat(150),
            "s".repeat(60)
        );
        let shown = show(&json!({ "access_token": jwt, "token_type": "Bearer" }));
        let shown = shorten(&shown, 200);
        assert!(
            shown.starts_with("{\"access_token\":\"eyJhbGciOiJIUzI1NiJ9.…"),
            "{shown}"
        );
        assert!(
            shown.ends_with("\",\"token_type\":\"Bearer\"} (273 bytes)"),
            "{shown}"
        );
        let page = format!("<html><p>{}</p></html>", "word ".repeat(60));
        let shown = shorten(&page, 200);
        assert!(shown.starts_with("<html><p>word word "), "{shown}");
        assert!(shown.ends_with("word </p></html> (320 bytes)"), "{shown}");
        let accents = "é".repeat(150);
        assert!(shorten(&accents, 200).ends_with(" (300 bytes)"));
        assert_eq!(shorten("short", 200), "short");
        // Cut again for a one-line summary: the size it had, once.
        let long = "word ".repeat(400);
        let twice = shorten(&shorten(&long, 1000), 200).into_owned();
        assert!(twice.ends_with("word  (2000 bytes)"), "{twice}");
        assert_eq!(twice.matches("bytes)").count(), 1, "{twice}");
    }

    #[test]
    fn eq_compares_numbers_by_value_and_strings_with_scalars() {
        assert!(run(Matcher::Eq(literal(json!(200))), Some(json!(200.0))).0);
        assert!(run(Matcher::Eq(literal(json!(100))), Some(json!("100"))).0);
        assert!(run(Matcher::Eq(literal(json!("true"))), Some(json!(true))).0);
        // Only the whole text: not a prefix of it, nor more than it.
        assert!(!run(Matcher::Eq(literal(json!(100))), Some(json!("1000"))).0);
        assert!(!run(Matcher::Eq(literal(json!(100))), Some(json!("10"))).0);
        assert!(!run(Matcher::Eq(literal(json!("true "))), Some(json!(true))).0);
        assert!(!run(Matcher::Eq(literal(json!("alice"))), Some(json!("bob"))).0);
        assert!(!run(Matcher::Eq(literal(json!(1))), None).0);
        assert_eq!(run(Matcher::Eq(literal(json!("a"))), None).1, "\"a\"");
    }

    #[test]
    fn ne_passes_on_a_different_or_absent_value() {
        assert!(run(Matcher::Ne(literal(json!("a"))), Some(json!("b"))).0);
        assert!(run(Matcher::Ne(literal(json!("a"))), None).0);
        assert!(!run(Matcher::Ne(literal(json!("a"))), Some(json!("a"))).0);
    }

    #[test]
    fn contains_looks_in_strings_arrays_and_object_keys() {
        assert!(
            run(
                Matcher::Contains(literal(json!("json"))),
                Some(json!("application/json"))
            )
            .0
        );
        assert!(
            run(
                Matcher::Contains(literal(json!("admin"))),
                Some(json!(["user", "admin"]))
            )
            .0
        );
        assert!(
            run(
                Matcher::Contains(literal(json!("id"))),
                Some(json!({"id": 1}))
            )
            .0
        );
        assert!(
            !run(
                Matcher::Contains(literal(json!("root"))),
                Some(json!(["user"]))
            )
            .0
        );
    }

    #[test]
    fn matches_uses_the_regex() {
        let regex = regex::Regex::new("^[0-9a-f]{8}$").expect("regex");
        assert!(run(Matcher::Matches(regex.clone()), Some(json!("deadbeef"))).0);
        assert!(!run(Matcher::Matches(regex), Some(json!("nope"))).0);
    }

    #[test]
    fn exists_tells_present_from_absent() {
        assert!(run(Matcher::Exists(true), Some(json!(null))).0);
        assert!(!run(Matcher::Exists(true), None).0);
        assert!(run(Matcher::Exists(false), None).0);
        assert!(!run(Matcher::Exists(false), Some(json!(1))).0);
    }

    #[test]
    fn type_checks_the_json_type() {
        assert!(run(Matcher::Type(ValueType::Integer), Some(json!(3))).0);
        assert!(!run(Matcher::Type(ValueType::Integer), Some(json!(3.5))).0);
        assert!(run(Matcher::Type(ValueType::Object), Some(json!({}))).0);
        assert!(!run(Matcher::Type(ValueType::String), Some(json!(1))).0);
        assert_eq!(run(Matcher::Type(ValueType::Array), None).1, "an array");
    }

    #[test]
    fn len_applies_its_matcher_to_the_length() {
        let at_least_two = Matcher::Len(Box::new(Matcher::Ge(2.into())));
        assert!(run(at_least_two.clone(), Some(json!([1, 2]))).0);
        assert!(!run(at_least_two, Some(json!("a"))).0);
        assert!(
            run(
                Matcher::Len(Box::new(Matcher::Eq(literal(json!(3))))),
                Some(json!("abc"))
            )
            .0
        );
    }

    #[test]
    fn ordering_matchers_compare_numbers_and_numeric_strings() {
        assert!(run(Matcher::Gt(5.into()), Some(json!(6))).0);
        assert!(!run(Matcher::Gt(5.into()), Some(json!(5))).0);
        assert!(run(Matcher::Ge(5.into()), Some(json!(5))).0);
        assert!(run(Matcher::Lt(5.into()), Some(json!("4"))).0);
        assert!(!run(Matcher::Le(5.into()), Some(json!(6))).0);
        assert!(!run(Matcher::Lt(5.into()), Some(json!("x"))).0);
    }

    #[test]
    fn large_integers_compare_exactly_where_floats_would_round_them_together() {
        // Both round to the same f64.
        let id = json!(1_234_567_890_123_456_789_u64);
        let near = json!(1_234_567_890_123_456_700_u64);
        assert!(!run(Matcher::Eq(literal(id.clone())), Some(near.clone())).0);
        assert!(run(Matcher::Ne(literal(id.clone())), Some(near.clone())).0);
        assert!(
            !run(
                Matcher::OneOf(vec![literal(id.clone())]),
                Some(near.clone())
            )
            .0
        );
        assert!(run(Matcher::Eq(literal(id.clone())), Some(id.clone())).0);
        assert!(run(Matcher::Eq(literal(id)), Some(json!("1234567890123456789"))).0);
        assert!(
            !run(
                Matcher::Le(1_234_567_890_123_456_699_u64.into()),
                Some(near.clone())
            )
            .0
        );
        assert!(
            run(
                Matcher::Gt(1_234_567_890_123_456_699_u64.into()),
                Some(near)
            )
            .0
        );
        let two_53 = 9_007_199_254_740_992_i64;
        assert!(!run(Matcher::Eq(literal(json!(two_53 + 1))), Some(json!(two_53))).0);
        assert!(run(Matcher::Lt((-two_53).into()), Some(json!(-two_53 - 1))).0);
    }

    #[test]
    fn floats_and_integers_compare_by_value_without_rounding_either() {
        assert!(run(Matcher::Eq(literal(json!(200))), Some(json!(200.0))).0);
        assert!(run(Matcher::Gt(5.into()), Some(json!(5.5))).0);
        assert!(!run(Matcher::Le(5.into()), Some(json!(5.000_001))).0);
        assert!(run(Matcher::Lt((-5).into()), Some(json!(-5.5))).0);
        assert!(
            run(
                Matcher::Ge(serde_json::Number::from_f64(0.5).expect("finite")),
                Some(json!(1))
            )
            .0
        );
        assert!(
            run(
                Matcher::Lt(serde_json::Number::from_f64(0.5).expect("finite")),
                Some(json!("0.25"))
            )
            .0
        );
        assert!(run(Matcher::Gt(5.into()), Some(json!(1e300))).0);
        assert!(run(Matcher::Lt(5.into()), Some(json!(-1e300))).0);
        assert_eq!(run(Matcher::Gt(5.into()), Some(json!(6))).1, "> 5");
    }

    #[test]
    fn one_of_accepts_any_listed_value() {
        let matcher = Matcher::OneOf(vec![literal(json!(401)), literal(json!(403))]);
        assert!(run(matcher.clone(), Some(json!(403))).0);
        let (passed, expected) = run(matcher, Some(json!(200)));
        assert!(!passed);
        assert_eq!(expected, "one of [401, 403]");
    }

    #[test]
    fn all_requires_every_matcher() {
        let matcher = Matcher::All(vec![
            Matcher::Type(ValueType::String),
            Matcher::Len(Box::new(Matcher::Gt(3.into()))),
        ]);
        assert!(run(matcher.clone(), Some(json!("abcd"))).0);
        let (passed, expected) = run(matcher, Some(json!("ab")));
        assert!(!passed);
        assert_eq!(expected, "a string and length > 3");
    }
}
