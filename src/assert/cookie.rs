//! `expect.cookies`: cookies the response sets, with their attributes (HttpOnly, Secure, SameSite,
//! Path, Domain, Max-Age, Expires). When a response sets the same cookie twice, the last one counts,
//! as in a browser.

use serde_json::Value;

use super::{Bindings, CheckResult, Observed, verdict};
use crate::suite::{CookieAttribute, Matcher, Span};

pub(super) fn evaluate(
    name: &str,
    attribute: CookieAttribute,
    matcher: &Matcher,
    observed: &Observed<'_>,
    bindings: &Bindings<'_>,
    span: Span,
) -> CheckResult {
    let cookie = observed
        .response
        .set_cookies()
        .filter(|cookie| cookie.name() == name)
        .last();
    let check_name = match attribute {
        CookieAttribute::Exists => format!("cookie {name}"),
        other => format!("cookie {name} {}", other.label()),
    };
    let actual = match (&cookie, attribute) {
        (found, CookieAttribute::Exists) => found
            .as_ref()
            .map(|cookie| Value::String(cookie.value().to_owned())),
        (None, _) => {
            let mut result = verdict(check_name, matcher, None, bindings, span);
            result.actual = "the cookie is not set".to_owned();
            return result;
        }
        (Some(cookie), CookieAttribute::Value) => Some(Value::String(cookie.value().to_owned())),
        (Some(cookie), CookieAttribute::HttpOnly) => {
            Some(Value::Bool(cookie.http_only().unwrap_or(false)))
        }
        (Some(cookie), CookieAttribute::Secure) => {
            Some(Value::Bool(cookie.secure().unwrap_or(false)))
        }
        (Some(cookie), CookieAttribute::SameSite) => cookie
            .same_site()
            .map(|policy| Value::String(policy.to_string().to_ascii_lowercase())),
        (Some(cookie), CookieAttribute::Path) => {
            cookie.path().map(|path| Value::String(path.to_owned()))
        }
        (Some(cookie), CookieAttribute::Domain) => cookie
            .domain()
            .map(|domain| Value::String(domain.to_owned())),
        (Some(cookie), CookieAttribute::MaxAge) => {
            cookie.max_age().map(|age| Value::from(age.whole_seconds()))
        }
        (Some(_), CookieAttribute::Expires) => {
            raw_attribute(observed, name, "expires").map(Value::String)
        }
    };
    verdict(check_name, matcher, actual.as_ref(), bindings, span)
}

/// An attribute as the server wrote it, for those whose parsed form loses the text.
fn raw_attribute(observed: &Observed<'_>, name: &str, attribute: &str) -> Option<String> {
    let header = observed
        .response
        .headers_named("set-cookie")
        .filter(|value| {
            value
                .split('=')
                .next()
                .is_some_and(|cookie| cookie.trim() == name)
        })
        .last()?;
    header.split(';').skip(1).find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(attribute)
            .then(|| value.trim().to_owned())
    })
}
