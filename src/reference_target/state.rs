//! What the running target remembers: login sessions and refresh-token families, both on the
//! server so that logout and revocation mean something.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::config::TargetConfig;
use super::flaw::FlawSet;
use super::keys::Keys;
use super::oauth::PendingLogin;
use super::session::Profile;

pub(super) struct AppState {
    pub config: TargetConfig,
    pub keys: Keys,
    /// Session id → the session.
    pub sessions: Locked<HashMap<String, Session>>,
    /// Family id → the family's state.
    pub families: Locked<HashMap<String, RefreshFamily>>,
    /// Flow cookie value → the OAuth login it started.
    pub flows: Locked<HashMap<String, PendingLogin>>,
    /// For the target's own calls to OAuth providers.
    pub http: reqwest::Client,
}

impl AppState {
    pub fn new(config: TargetConfig) -> AppState {
        let keys = Keys::new(
            config.jwt_algorithm,
            config.flaws.has(super::Flaw::WeakHmacSecret),
        );
        AppState {
            config,
            keys,
            sessions: Locked::default(),
            families: Locked::default(),
            flows: Locked::default(),
            http: provider_client(),
        }
    }

    pub fn flaws(&self) -> &FlawSet {
        &self.config.flaws
    }
}

/// The client for provider calls: no redirects followed, a bounded wait, a `User-Agent`.
fn provider_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .user_agent(super::oauth::USER_AGENT)
        .build()
        .unwrap_or_default()
}

/// A server-side login session.
#[derive(Debug, Clone)]
pub(super) struct Session {
    pub profile: Profile,
    pub expires: Instant,
}

/// The refresh tokens descended from one login: only the newest (`current`) may be used; using an
/// older one revokes them all (RFC 9700 §4.14.2).
#[derive(Debug, Clone)]
pub(super) struct RefreshFamily {
    pub username: String,
    pub current: String,
    pub revoked: bool,
}

/// A mutex whose poisoning is ignored: every update leaves its map consistent.
#[derive(Debug, Default)]
pub(super) struct Locked<T>(Mutex<T>);

impl<T> Locked<T> {
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `bytes` random bytes from the operating system, base64url-encoded.
pub(super) fn random_id(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// Seconds since the Unix epoch.
pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_long_and_distinct() {
        let a = random_id(32).expect("randomness");
        let b = random_id(32).expect("randomness");
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }
}
