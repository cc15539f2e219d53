//! Validating a step's `check:`: exactly one check kind, its requests, URLs and templates, and the
//! step keys a check step cannot have (it sends its own requests and judges them itself).

use super::Validator;
use crate::suite::diagnostic::DiagnosticKind;
use crate::suite::model::*;
use crate::suite::raw::*;
use crate::suite::span::NodePath;

/// The session cookie's name when `cookie:` is left out.
pub const DEFAULT_SESSION_COOKIE: &str = "session";

/// The body field that carries a refresh token when `field:` is left out (RFC 6749 §6).
pub const DEFAULT_REFRESH_FIELD: &str = "refresh_token";

impl Validator<'_> {
    pub(super) fn step_check(&mut self, raw: RawCheck, path: &NodePath) -> Option<StepCheck> {
        let span = self.key_span(path);
        let mut kinds = Vec::new();
        if let Some(raw) = raw.refresh_rotation {
            let at = path.key("refresh_rotation");
            kinds.push(("refresh_rotation", self.refresh_rotation(raw, &at)));
        }
        if let Some(raw) = raw.session_fixation {
            let at = path.key("session_fixation");
            let check = SessionFixationCheck {
                before: raw
                    .before
                    .map(|before| self.request(before, &at.key("before"))),
                login: self.request(raw.login, &at.key("login")),
                protected: self.check_page(&raw.protected, &at.key("protected")),
                cookie: raw
                    .cookie
                    .unwrap_or_else(|| DEFAULT_SESSION_COOKIE.to_owned()),
            };
            kinds.push((
                "session_fixation",
                StepCheckKind::SessionFixation(Box::new(check)),
            ));
        }
        if let Some(raw) = raw.logout {
            let at = path.key("logout");
            let check = LogoutCheck {
                login: self.request(raw.login, &at.key("login")),
                logout: self.request(raw.logout, &at.key("logout")),
                protected: self.check_page(&raw.protected, &at.key("protected")),
                cookie: raw
                    .cookie
                    .unwrap_or_else(|| DEFAULT_SESSION_COOKIE.to_owned()),
            };
            kinds.push(("logout", StepCheckKind::Logout(Box::new(check))));
        }
        match kinds.len() {
            0 => {
                self.push(
                    DiagnosticKind::MissingKey,
                    self.value_span(path),
                    "`check:` names no check",
                    "empty check",
                    Some(format!("one of {}", StepCheckKind::NAMES.join(", "))),
                );
                None
            }
            1 => kinds.pop().map(|(_, kind)| StepCheck { span, kind }),
            _ => {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&path.key(kinds[1].0)),
                    format!(
                        "a step runs one check, this one has `{}` and `{}`",
                        kinds[0].0, kinds[1].0
                    ),
                    "second check",
                    Some("put each check on its own step".to_owned()),
                );
                None
            }
        }
    }

    fn refresh_rotation(&mut self, raw: RawRefreshRotation, path: &NodePath) -> StepCheckKind {
        let url = self.check_page(&raw.url, &path.key("url"));
        let token = self.text(&raw.token, &path.key("token"));
        let field = raw
            .field
            .unwrap_or_else(|| DEFAULT_REFRESH_FIELD.to_owned());
        if field.is_empty() {
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(&path.key("field")),
                "`field` names the body field of the refresh token and cannot be empty",
                "empty",
                Some(format!("leave it out for `{DEFAULT_REFRESH_FIELD}`")),
            );
        }
        if raw.fields.iter().any(|(name, _)| *name == field) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key("fields").key(&field)),
                format!("`{field}` is the token's field: the check sends it"),
                "sent twice",
                Some("leave it out of `fields` (`field:` names it)".to_owned()),
            );
        }
        let fields = self.pairs(&raw.fields, &path.key("fields"));
        let headers = self.headers(&raw.headers, &path.key("headers"));
        StepCheckKind::RefreshRotation(RefreshRotationCheck {
            url,
            token,
            field,
            form: raw.form.unwrap_or(false),
            fields,
            headers,
        })
    }

    /// A URL a check sends to: a template, checked like a request URL.
    fn check_page(&mut self, url: &str, path: &NodePath) -> crate::template::Text {
        let span = self.value_span(path);
        let text = self.text(url, path);
        self.check_url(url, span);
        text
    }

    /// A check step sends its own requests and judges them itself: these step keys mean nothing
    /// on it, so each one is an error rather than silently ignored.
    pub(super) fn reject_keys_beside_check(&mut self, raw: &RawStep, path: &NodePath) {
        let present = [
            ("request", raw.request.is_some()),
            ("expect", raw.expect.is_some()),
            ("capture", !raw.capture.is_empty()),
            ("attacks", raw.attacks.is_some()),
            ("race", raw.race.is_some()),
            ("retry", raw.retry.is_some()),
            ("snapshot", raw.snapshot.is_some()),
            ("follow_redirects", raw.follow_redirects.is_some()),
        ];
        for (key, _) in present.iter().filter(|(_, present)| *present) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key(key)),
                format!("a `check:` step sends its own requests and has no `{key}`"),
                "not with `check`",
                Some("move this to a step of its own".to_owned()),
            );
        }
    }
}
