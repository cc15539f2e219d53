//! The fixed demo values of the reference target: its users, API key and HMAC key. They are not
//! secrets of anything real; suites read them through vars (`username`, `password`, `api_key`,
//! `jwt_secret`, ...) so that the same suites run against any server with other values.

use serde_json::Value;

/// A user the target knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub username: &'static str,
    pub password: &'static str,
    pub email: &'static str,
    pub full_name: &'static str,
}

pub const ALICE: DemoUser = DemoUser {
    username: "alice",
    password: "alice-demo-password",
    email: "alice@example.com",
    full_name: "Alice Liddell",
};

pub const BOB: DemoUser = DemoUser {
    username: "bob",
    password: "bob-demo-password",
    email: "bob@example.com",
    full_name: "Bob Builder",
};

pub const USERS: &[DemoUser] = &[ALICE, BOB];

/// The one API key `/protected-route` accepts.
pub const API_KEY: &str = "apk_demo_7f3c9a1e5b2d4f6a8c0e";

/// The HMAC key of HS256 tokens: the "test signing key" that lets suites mint expired tokens.
pub const JWT_SECRET: &str = "reference-target-demo-hs256-key-not-for-production";

/// The key [`crate::reference_target::Flaw::WeakHmacSecret`] signs with: the first entry of every
/// JWT secret wordlist.
pub const WEAK_JWT_SECRET: &str = "secret";

pub fn user(username: &str) -> Option<&'static DemoUser> {
    USERS.iter().find(|user| user.username == username)
}

/// Each value the bundled suites read: the var they keep it in, the environment variable they
/// read it from, and the demo's value.
const SUITE_VALUES: [(&str, &str, &str); 6] = [
    ("username", "AUTHPROBE_USERNAME", ALICE.username),
    ("password", "AUTHPROBE_PASSWORD", ALICE.password),
    ("other_username", "AUTHPROBE_OTHER_USERNAME", BOB.username),
    ("other_password", "AUTHPROBE_OTHER_PASSWORD", BOB.password),
    ("api_key", "AUTHPROBE_API_KEY", API_KEY),
    ("jwt_secret", "AUTHPROBE_JWT_SECRET", JWT_SECRET),
];

/// The demo accounts and keys as the environment variables the bundled suites read them from
/// (`env.AUTHPROBE_USERNAME` and the rest), for a run against this target.
pub fn environment() -> Vec<(String, String)> {
    SUITE_VALUES
        .iter()
        .map(|(_, variable, value)| ((*variable).to_owned(), (*value).to_owned()))
        .collect()
}

/// The values the bundled suites read, by var name, for a run against this target.
pub fn suite_vars() -> Vec<(String, Value)> {
    SUITE_VALUES
        .iter()
        .map(|(var, _, value)| ((*var).to_owned(), Value::String((*value).to_owned())))
        .collect()
}

/// The user whose password this is, compared in constant time.
pub(super) fn authenticate(username: &str, password: &str) -> Option<&'static DemoUser> {
    use subtle::ConstantTimeEq as _;
    let user = user(username)?;
    bool::from(user.password.as_bytes().ct_eq(password.as_bytes())).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_password_authenticates() {
        assert_eq!(authenticate("alice", ALICE.password), Some(&ALICE));
        assert_eq!(authenticate("alice", BOB.password), None);
        assert_eq!(authenticate("alice", ""), None);
        assert_eq!(authenticate("carol", "x"), None);
    }
}
