//! `expect.cookies.<name>.policy`: a session cookie judged against a named preset in one check,
//! every broken rule listed. `owasp-strict` follows the OWASP Session Management Cheat Sheet and
//! WSTG-SESS-02: `HttpOnly`; `Secure` when the response came over https (browsers drop `Secure`
//! cookies set over plain http, so there it is not judged); `SameSite` `Strict` or `Lax`; no
//! `Domain`; and the `__Host-` and `__Secure-` prefix rules.

use super::{CheckResult, Observed};
use crate::suite::Span;

/// A named set of cookie rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookiePolicy {
    OwaspStrict,
}

impl CookiePolicy {
    pub const NAMES: &[&str] = &["owasp-strict"];

    pub fn from_name(name: &str) -> Option<CookiePolicy> {
        match name {
            "owasp-strict" => Some(CookiePolicy::OwaspStrict),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CookiePolicy::OwaspStrict => "owasp-strict",
        }
    }
}

pub(super) fn evaluate(
    name: &str,
    policy: CookiePolicy,
    observed: &Observed<'_>,
    span: Span,
) -> CheckResult {
    let over_https = observed.url.scheme() == "https";
    // Every one that sets it: a browser keeps two of a name for two paths, and a page under the
    // looser one reads it; of two for the same domain and path, the later replaces the earlier.
    // One that clears it (an empty value, or expired: PHP's `deleted; Max-Age=0`) is not a
    // session to protect.
    let mut cookies: Vec<cookie::Cookie<'_>> = Vec::new();
    for cookie in observed
        .response
        .set_cookies()
        .filter(|cookie| cookie.name() == name)
    {
        cookies.retain(|kept| (kept.domain(), kept.path()) != (cookie.domain(), cookie.path()));
        cookies.push(cookie);
    }
    cookies.retain(|cookie| !clears(cookie));
    let (passed, actual) = match cookies.as_slice() {
        [] => (false, "the cookie is not set".to_owned()),
        cookies => {
            let several = cookies.len() > 1;
            let broken: Vec<String> = cookies
                .iter()
                .filter_map(|cookie| {
                    let rules = match policy {
                        CookiePolicy::OwaspStrict => owasp_strict(cookie, over_https),
                    };
                    match (rules.is_empty(), several) {
                        (true, _) => None,
                        (false, false) => Some(rules.join("; ")),
                        (false, true) => Some(format!(
                            "the one with Path={}: {}",
                            cookie.path().unwrap_or("(none)"),
                            rules.join("; ")
                        )),
                    }
                })
                .collect();
            if broken.is_empty() {
                let secure = if over_https {
                    ""
                } else {
                    " (Secure not judged over http)"
                };
                (true, format!("every rule holds{secure}"))
            } else {
                (false, broken.join(" / "))
            }
        }
    };
    CheckResult {
        name: format!("cookie {name} policy {}", policy.name()),
        passed,
        expected: "HttpOnly; Secure over https; SameSite Strict or Lax; no Domain; __Host-/__Secure- rules".to_owned(),
        actual,
        line: span.line,
        diff: None,
    }
}

/// Whether a `Set-Cookie` deletes its cookie rather than setting it.
fn clears(cookie: &cookie::Cookie<'_>) -> bool {
    cookie.value().is_empty()
        || cookie
            .max_age()
            .is_some_and(|max_age| max_age.whole_seconds() <= 0)
        || cookie
            .expires_datetime()
            .is_some_and(|expires| expires <= cookie::time::OffsetDateTime::now_utc())
}

/// The rules of `owasp-strict` that `cookie` breaks, one phrase each.
fn owasp_strict(cookie: &cookie::Cookie<'_>, over_https: bool) -> Vec<String> {
    let mut broken = Vec::new();
    let secure = cookie.secure().unwrap_or(false);
    if !cookie.http_only().unwrap_or(false) {
        broken.push("no HttpOnly".to_owned());
    }
    if over_https && !secure {
        broken.push("no Secure over https".to_owned());
    }
    match cookie.same_site() {
        Some(cookie::SameSite::Strict | cookie::SameSite::Lax) => {}
        Some(cookie::SameSite::None) => broken.push("SameSite=None".to_owned()),
        None => broken.push("no SameSite".to_owned()),
    }
    if let Some(domain) = cookie.domain() {
        broken.push(format!("Domain={domain} widens it to subdomains"));
    }
    if cookie.name().starts_with("__Host-") {
        if !secure {
            broken.push("__Host- without Secure".to_owned());
        }
        if cookie.path() != Some("/") {
            broken.push("__Host- without Path=/".to_owned());
        }
    }
    if cookie.name().starts_with("__Secure-") && !secure {
        broken.push("__Secure- without Secure".to_owned());
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(header: &str, over_https: bool) -> Vec<String> {
        owasp_strict(
            &cookie::Cookie::parse(header).expect("a cookie"),
            over_https,
        )
    }

    #[test]
    fn every_cookie_of_the_name_is_judged_not_only_the_last() {
        let response = crate::http::Response::new(
            200,
            vec![
                ("set-cookie".to_owned(), "session=x; Path=/app".to_owned()),
                (
                    "set-cookie".to_owned(),
                    "session=x; Path=/; HttpOnly; SameSite=Lax".to_owned(),
                ),
                ("set-cookie".to_owned(), "old=; Max-Age=0".to_owned()),
                (
                    "set-cookie".to_owned(),
                    "session=deleted; Max-Age=0; Path=/old".to_owned(),
                ),
            ],
            Vec::new(),
        );
        let url = url::Url::parse("http://app.test/login").expect("a url");
        let observed = Observed {
            response: &response,
            url: &url,
            duration_ms: 0.0,
            mock_calls: crate::assert::MockCallsView {
                calls: &[],
                step_mark: 0,
            },
            jwks: &[],
        };
        let check = evaluate(
            "session",
            CookiePolicy::OwaspStrict,
            &observed,
            Span::default(),
        );
        assert!(!check.passed);
        assert_eq!(
            check.actual,
            "the one with Path=/app: no HttpOnly; no SameSite"
        );
    }

    #[test]
    fn a_hardened_cookie_breaks_no_rule() {
        assert!(
            broken(
                "__Host-session=a; HttpOnly; Secure; SameSite=Strict; Path=/",
                true
            )
            .is_empty()
        );
        assert!(broken("session=a; HttpOnly; SameSite=Lax; Path=/", false).is_empty());
    }

    #[test]
    fn each_broken_rule_is_named() {
        assert_eq!(
            broken("session=a; Domain=example.com; SameSite=None", true),
            [
                "no HttpOnly",
                "no Secure over https",
                "SameSite=None",
                "Domain=example.com widens it to subdomains"
            ]
        );
        assert_eq!(broken("session=a; HttpOnly", false), ["no SameSite"]);
        assert_eq!(
            broken("__Host-s=a; HttpOnly; SameSite=Lax; Path=/app", false),
            ["__Host- without Secure", "__Host- without Path=/"]
        );
        assert_eq!(
            broken("__Secure-s=a; HttpOnly; SameSite=Lax", false),
            ["__Secure- without Secure"]
        );
    }
}
