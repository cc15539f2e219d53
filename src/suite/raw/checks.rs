//! `check:` on a step, as serde reads it: one session or refresh check, each a fixed sequence of
//! requests the runner sends. Validated (one kind per step, templates, URLs) in
//! [`crate::suite::validate`].

use serde::Deserialize;

use super::RawRequest;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    #[serde(default)]
    pub refresh_rotation: Option<RawRefreshRotation>,
    #[serde(default)]
    pub session_fixation: Option<RawSessionFixation>,
    #[serde(default)]
    pub logout: Option<RawLogoutCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefreshRotation {
    /// The refresh endpoint.
    pub url: String,
    /// A refresh token nobody has used yet: the check spends it.
    pub token: String,
    /// The body field that carries the token, sent and read back (default `refresh_token`).
    #[serde(default)]
    pub field: Option<String>,
    /// Send the token form-encoded instead of as JSON.
    #[serde(default)]
    pub form: Option<bool>,
    /// More body fields sent beside the token (`grant_type: refresh_token`, `client_id`).
    #[serde(default)]
    pub fields: super::RawMap<serde_json::Value>,
    /// Headers sent with each refresh (client authentication: `Authorization: Basic …`).
    #[serde(default)]
    pub headers: super::RawMap<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSessionFixation {
    /// A request that hands out a session before login (such as the login page). Without it, a
    /// first login provides the session that the second login must replace.
    #[serde(default)]
    pub before: Option<RawRequest>,
    /// The login request; it must set the session cookie.
    pub login: RawRequest,
    /// A page only a signed-in session opens.
    pub protected: String,
    /// The session cookie's name (default `session`).
    #[serde(default)]
    pub cookie: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogoutCheck {
    pub login: RawRequest,
    pub logout: RawRequest,
    pub protected: String,
    #[serde(default)]
    pub cookie: Option<String>,
}
