//! The YAML 1.2 core schema: what a scalar reads as (`true`, `~`, `0x1F`, `.inf`; `yes` and `010`
//! stay strings), and whether a core tag such as `!!int` fits the value it is written on. Both
//! the tree (which refuses a tag its value does not fit) and the deserializer read scalars here.

use super::node::{CoreTag, Scalar, ScalarStyle};

/// Why a tagged scalar does not read as its tag says: the tag and what it asks for.
pub(super) struct TagMismatch {
    pub tag: CoreTag,
    pub wanted: &'static str,
}

/// `None` when the scalar reads as what its tag says, or has no tag (or `!!str`) to say it; a value
/// left out (`key: !!int` and nothing) reads as null whatever its tag, as an untagged one does.
pub(super) fn tag_mismatch(scalar: &Scalar) -> Option<TagMismatch> {
    let tag = scalar.tag?;
    if scalar.text.is_empty() && scalar.style == ScalarStyle::Plain {
        return None;
    }
    let resolved = resolve(scalar);
    let integer = matches!(resolved, Resolved::Unsigned(_) | Resolved::Signed(_))
        // Too large for 64 bits, or written with a leading zero: still digits.
        || is_decimal_integer(&scalar.text);
    let (fits, wanted) = match tag {
        CoreTag::Str => return None,
        CoreTag::Int => (integer, "an integer"),
        CoreTag::Float => (
            integer || matches!(resolved, Resolved::Float(_)) || overflowing_float(&scalar.text),
            "a number",
        ),
        CoreTag::Bool => (matches!(resolved, Resolved::Bool(_)), "`true` or `false`"),
        CoreTag::Null => (
            matches!(resolved, Resolved::Null),
            "null (`~`, `null` or nothing)",
        ),
    };
    (!fits).then_some(TagMismatch { tag, wanted })
}

/// A plain scalar read by the core schema.
pub(super) enum Resolved<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(&'a str),
}

pub(super) fn resolve<'s>(scalar: &'s Scalar<'_>) -> Resolved<'s> {
    let text: &str = &scalar.text;
    let plain = scalar.style == ScalarStyle::Plain;
    match scalar.tag {
        Some(CoreTag::Str) => return Resolved::Str(text),
        None if !plain => return Resolved::Str(text),
        _ => {}
    }
    if text.is_empty() || matches!(text, "~" | "null" | "Null" | "NULL") {
        return Resolved::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        _ => {}
    }
    if let Some(unsigned) = parse_unsigned(text) {
        return Resolved::Unsigned(unsigned);
    }
    if let Some(signed) = parse_negative(text) {
        return Resolved::Signed(signed);
    }
    if is_decimal_integer(text) {
        // Too large for 64 bits: kept as written rather than rounded to a float.
        return Resolved::Str(text);
    }
    if !leading_zero_digits(text) {
        if let Some(float) = parse_float(text) {
            return Resolved::Float(float);
        }
    }
    Resolved::Str(text)
}

fn is_decimal_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `010` is a string in YAML 1.2, not octal and not ten.
fn leading_zero_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

fn radix_digits(text: &str) -> Option<(&str, u32)> {
    [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(prefix, radix)| Some((text.strip_prefix(prefix)?, radix)))
        .filter(|(digits, _)| !digits.starts_with(['+', '-']))
}

fn parse_unsigned(text: &str) -> Option<u64> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if let Some((digits, radix)) = radix_digits(unsigned) {
        return u64::from_str_radix(digits, radix).ok();
    }
    if unsigned.starts_with(['+', '-']) || leading_zero_digits(text) {
        return None;
    }
    unsigned.parse().ok()
}

fn parse_negative(text: &str) -> Option<i64> {
    let magnitude = text.strip_prefix('-')?;
    if let Some((digits, radix)) = radix_digits(magnitude) {
        return i64::from_str_radix(&format!("-{digits}"), radix).ok();
    }
    if leading_zero_digits(text) {
        return None;
    }
    text.parse().ok()
}

fn parse_float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned
        .parse::<f64>()
        .ok()
        .filter(|float| float.is_finite())
}

/// A float too large for 64 bits (`1e999`): still a number as written, though not one serde can
/// hold.
fn overflowing_float(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'e' | b'E' | b'+' | b'-'))
        && text.parse::<f64>().is_ok_and(f64::is_infinite)
}
