//! The Google stand-in's RSA keys: made once per process and shared by every stand-in, because
//! generating a 2048-bit key takes a noticeable moment.
//!
//! - `current` signs ID tokens and is always in the JWKS; its `kid` never changes within a process.
//! - `next` replaces it in the `key-rotation` scenario, and is published from then on.
//! - `rogue` is never published: it signs the `bad-signature` and `unknown-kid` tokens.

use std::sync::OnceLock;

use crate::jwt::{KeyError, RsaSigningKey};

/// Google's key size.
const BITS: usize = 2048;

static CURRENT: OnceLock<RsaSigningKey> = OnceLock::new();
static NEXT: OnceLock<RsaSigningKey> = OnceLock::new();
static ROGUE: OnceLock<RsaSigningKey> = OnceLock::new();

/// Which of the three keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    Current,
    Next,
    Rogue,
}

impl KeyRole {
    fn cell(self) -> &'static OnceLock<RsaSigningKey> {
        match self {
            KeyRole::Current => &CURRENT,
            KeyRole::Next => &NEXT,
            KeyRole::Rogue => &ROGUE,
        }
    }
}

/// The key, generating it on first use. Call this outside a stand-in's request handler (when a
/// stand-in starts or a suite registers) so that no request waits for a key.
pub fn ensure(role: KeyRole) -> Result<&'static RsaSigningKey, KeyError> {
    let cell = role.cell();
    if let Some(key) = cell.get() {
        return Ok(key);
    }
    let key = RsaSigningKey::generate(BITS)?;
    // Two threads may race to generate; the first stored wins and the other key is dropped.
    Ok(cell.get_or_init(|| key))
}

/// The key if it was already made.
pub fn get(role: KeyRole) -> Option<&'static RsaSigningKey> {
    role.cell().get()
}
