//! A step's validated `attacks:` and `expect.jwt`. `attacks:`: which variants of its credential to send, what a refusal looks
//! like, and the inputs some attacks need. Run by `src/runner/attacks.rs`.

use std::time::Duration;

use super::{JsonTemplate, Matcher, Span};
use crate::attack::{ApiKeyAttack, CredentialSite, JwtAttack};
use crate::template::Text;

#[derive(Debug)]
pub struct AttackSet {
    /// Where `attacks:` is written: the line of the controls and of summary checks.
    pub span: Span,
    /// Where the step sends the credential the attacks replace.
    pub site: CredentialSite,
    pub jwt: Vec<(JwtAttack, Span)>,
    pub api_key: Vec<(ApiKeyAttack, Span)>,
    /// The `no_credential: true` line, when asked for.
    pub no_credential: Option<Span>,
    /// What every variant's status must be: 401 unless `expect.status` says otherwise.
    pub expect_status: Matcher,
    pub signing_key: Option<Text>,
    pub public_key: Option<PublicKeySource>,
    pub refresh_token: Option<Text>,
    pub id_token: Option<Text>,
    /// `claims:` for the privilege attack; `role: admin` when empty.
    pub claims: Vec<(String, JsonTemplate)>,
}

#[derive(Debug)]
pub enum PublicKeySource {
    /// A JWKS URL, relative to the target or absolute.
    Jwks(Text),
    Pem(Text),
}

/// How `expect.jwt` verifies a token.
#[derive(Debug)]
pub struct JwtCheck {
    /// `None`: only the algorithm and the time claims are checked.
    pub key: Option<JwtKey>,
    /// Algorithms allowed; empty allows any but `none`.
    pub algorithms: Vec<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    pub skew: Duration,
}

#[derive(Debug)]
pub enum JwtKey {
    Secret(Text),
    /// A public key (RSA or EC) in PEM.
    Pem(Text),
    /// A JWKS URL; the key is the one the token's `kid` names (any, without a `kid`).
    Jwks(Text),
}

/// `race:`: the step's request sent `count` times at once; at most `max_success` answers may be
/// granted (a refresh token used concurrently, a one-time code, a coupon).
#[derive(Debug)]
pub struct Race {
    pub span: Span,
    pub count: u32,
    pub max_success: u32,
    /// `race.success`: an answer is granted when it passes all of these. Without them, a 2xx or
    /// the redirect the step expects is (see `runner::race`).
    pub success: Option<Vec<super::Assertion>>,
}
