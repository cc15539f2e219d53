//! `check:` on a step, validated: a session or refresh check the runner plays as a fixed sequence
//! of requests, each verdict its own named check (see [`crate::runner`]'s `check` module).

use super::RequestSpec;
use crate::suite::span::Span;
use crate::template::Text;

#[derive(Debug)]
pub struct StepCheck {
    /// Where `check:` was written.
    pub span: Span,
    pub kind: StepCheckKind,
}

#[derive(Debug)]
pub enum StepCheckKind {
    RefreshRotation(RefreshRotationCheck),
    SessionFixation(Box<SessionFixationCheck>),
    Logout(Box<LogoutCheck>),
}

impl StepCheckKind {
    /// The names `check:` accepts, as written in YAML.
    pub const NAMES: &[&str] = &["refresh_rotation", "session_fixation", "logout"];
}

#[derive(Debug)]
pub struct RefreshRotationCheck {
    pub url: Text,
    pub token: Text,
    pub field: String,
    pub form: bool,
    /// Body fields sent beside the token.
    pub fields: Vec<(String, Text)>,
    pub headers: Vec<(String, Text)>,
}

#[derive(Debug)]
pub struct SessionFixationCheck {
    /// Where the pre-login session comes from; `None`: a first login.
    pub before: Option<RequestSpec>,
    pub login: RequestSpec,
    pub protected: Text,
    pub cookie: String,
}

#[derive(Debug)]
pub struct LogoutCheck {
    pub login: RequestSpec,
    pub logout: RequestSpec,
    pub protected: Text,
    pub cookie: String,
}
