//! Matchers whose operands must be numbers: `expect.status` (a status code, a class such as `4xx`,
//! or a matcher of codes) and `len` (a length). A word there can never match, so it is a mistake
//! to report before the run, not a check that fails on every run.

use serde_json::Value;

use super::Validator;
use crate::suite::diagnostic::DiagnosticKind;
use crate::suite::model::Matcher;
use crate::suite::span::NodePath;

/// What a status may be written as, for the hint.
const STATUS_FORMS: &str = "write a status code (`200`), a class as the whole value (`4xx`), or a matcher of codes (`one_of: [301, 302]`)";

impl Validator<'_> {
    /// `expect.status`: `200`, `"200"`, `4xx` (any code of the class), a template, or a matcher
    /// whose values are codes.
    pub(super) fn status_matcher(&mut self, value: &Value, path: &NodePath) -> Matcher {
        if let Some(class) = value.as_str().and_then(status_class) {
            let lowest = u64::from(class) * 100;
            return Matcher::All(vec![
                Matcher::Ge(lowest.into()),
                Matcher::Le((lowest + 99).into()),
            ]);
        }
        self.check_operands(value, path, is_status_code, "a status code", STATUS_FORMS);
        self.matcher(value, path)
    }

    /// The matcher inside `len:`, whose values are lengths.
    pub(super) fn length_matcher(&mut self, value: &Value, path: &NodePath) -> Matcher {
        self.check_operands(
            value,
            path,
            is_count,
            "a length",
            "write a whole number (`3`), or a matcher of lengths (`gt: 0`)",
        );
        self.matcher(value, path)
    }

    /// Reports each operand of `value` (itself, or the values of its `eq`, `ne` and `one_of`)
    /// that `fits` refuses. Templates are let through: what they render to is known at run time.
    /// Other matcher keys check their own operands.
    fn check_operands(
        &mut self,
        value: &Value,
        path: &NodePath,
        fits: fn(&Value) -> bool,
        what: &str,
        hint: &str,
    ) {
        let report = |validator: &mut Self, operand: &Value, operand_path: &NodePath| {
            if fits(operand) || is_template(operand) {
                return;
            }
            validator.push(
                DiagnosticKind::InvalidValue,
                validator.value_span(operand_path),
                format!("`{}` is not {what}", display(operand)),
                &format!("not {what}"),
                Some(hint.to_owned()),
            );
        };
        let Value::Object(map) = value else {
            report(self, value, path);
            return;
        };
        // `{}` (or a map of anything but matchers) would be compared as a JSON object: never a
        // code or a length. Unknown matcher names are reported by the matcher itself.
        if map.is_empty() {
            report(self, value, path);
            return;
        }
        for (key, inner) in map {
            let inner_path = path.key(key);
            match (key.as_str(), inner) {
                ("eq" | "ne", _) => report(self, inner, &inner_path),
                ("one_of", Value::Array(items)) => {
                    for (index, item) in items.iter().enumerate() {
                        report(self, item, &inner_path.index(index));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The class a `4xx`-style text names (4), if it names one.
fn status_class(text: &str) -> Option<u8> {
    match text.trim().as_bytes() {
        [digit @ b'1'..=b'5', b'x' | b'X', b'x' | b'X'] => Some(digit - b'0'),
        _ => None,
    }
}

/// A status code as a number or as text (`"200"`): three digits, 100 to 999.
fn is_status_code(value: &Value) -> bool {
    let code = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    };
    code.is_some_and(|code| (100..=999).contains(&code))
}

/// A length: a whole number, not negative, as a number or as text.
fn is_count(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_u64().is_some(),
        Value::String(text) => text.trim().parse::<u64>().is_ok(),
        _ => false,
    }
}

fn is_template(value: &Value) -> bool {
    value.as_str().is_some_and(|text| text.contains("{{"))
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_class_is_a_digit_from_1_to_5_and_two_xs() {
        assert_eq!(status_class("4xx"), Some(4));
        assert_eq!(status_class("2XX"), Some(2));
        assert_eq!(status_class("6xx"), None);
        assert_eq!(status_class("40x"), None);
        assert_eq!(status_class("4xxx"), None);
    }

    #[test]
    fn status_codes_are_three_digits_written_as_numbers_or_text() {
        assert!(is_status_code(&json!(200)));
        assert!(is_status_code(&json!("302")));
        assert!(!is_status_code(&json!(20)));
        assert!(!is_status_code(&json!(1000)));
        assert!(!is_status_code(&json!("abc")));
        assert!(!is_status_code(&json!(200.5)));
        assert!(!is_status_code(&json!(true)));
    }

    #[test]
    fn lengths_are_whole_numbers() {
        assert!(is_count(&json!(0)));
        assert!(is_count(&json!("3")));
        assert!(!is_count(&json!(-1)));
        assert!(!is_count(&json!("foo")));
        assert!(!is_count(&json!(1.5)));
    }
}
