//! The suites a stand-in serves at once, each with its own configuration, state and call log.
//!
//! A stand-in started for one suite has one tenant, the default (`""`), and every call is that
//! suite's. A stand-in on a fixed address serves several suites: authprobe, playing the browser,
//! adds `authprobe_suite=<id>` to each authorization request it opens there; the code issued then
//! ties the token call to that suite, and the access token ties the API calls. Calls nothing ties
//! to a suite (discovery, JWKS, a bogus token) go to the default tenant if there is one, to the only
//! tenant if there is one, and otherwise to the stand-in's own log.

use std::collections::HashMap;

use super::calls::RecordedCall;

/// The query parameter by which authprobe tells a shared stand-in which suite is signing in.
pub const TENANT_PARAM: &str = "authprobe_suite";

/// The query parameter by which a suite, playing the browser, picks which of its users signs in
/// (by email or sub for Google, by login for GitHub). Without it, the first user signs in.
pub const USER_PARAM: &str = "authprobe_user";

/// The tenant of a stand-in started for a single suite.
pub const DEFAULT_TENANT: &str = "";

/// How many calls a shared stand-in keeps when they belong to no suite.
const UNATTRIBUTED_LIMIT: usize = 1000;

#[derive(Debug)]
pub(crate) struct Tenants<T> {
    entries: HashMap<String, Entry<T>>,
    unattributed: Vec<RecordedCall>,
}

#[derive(Debug)]
struct Entry<T> {
    state: T,
    calls: Vec<RecordedCall>,
}

impl<T> Default for Tenants<T> {
    fn default() -> Self {
        Tenants {
            entries: HashMap::new(),
            unattributed: Vec::new(),
        }
    }
}

impl<T> Tenants<T> {
    /// Adds a tenant, replacing any of the same id (and its calls): a fresh start.
    pub fn insert(&mut self, id: &str, state: T) {
        self.entries.insert(
            id.to_owned(),
            Entry {
                state,
                calls: Vec::new(),
            },
        );
    }

    pub fn remove(&mut self, id: &str) {
        self.entries.remove(id);
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.entries.get(id).map(|entry| &entry.state)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.entries.get_mut(id).map(|entry| &mut entry.state)
    }

    pub fn states(&self) -> impl Iterator<Item = (&str, &T)> {
        self.entries
            .iter()
            .map(|(id, entry)| (id.as_str(), &entry.state))
    }

    /// The tenant a call belongs to: the one it names, if it names one (and it exists); else the
    /// default tenant; else the only tenant.
    pub fn resolve(&self, named: Option<&str>) -> Option<String> {
        if let Some(id) = named {
            return self.entries.contains_key(id).then(|| id.to_owned());
        }
        if self.entries.contains_key(DEFAULT_TENANT) {
            return Some(DEFAULT_TENANT.to_owned());
        }
        if self.entries.len() == 1 {
            return self.entries.keys().next().cloned();
        }
        None
    }

    pub fn record(&mut self, tenant: Option<&str>, call: RecordedCall) {
        match tenant.and_then(|id| self.entries.get_mut(id)) {
            Some(entry) => entry.calls.push(call),
            None => {
                if self.unattributed.len() >= UNATTRIBUTED_LIMIT {
                    self.unattributed.remove(0);
                }
                self.unattributed.push(call);
            }
        }
    }

    pub fn calls(&self, id: &str) -> Vec<RecordedCall> {
        self.entries
            .get(id)
            .map(|entry| entry.calls.clone())
            .unwrap_or_default()
    }

    pub fn unattributed(&self) -> Vec<RecordedCall> {
        self.unattributed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_tenant_wins_and_an_unknown_name_resolves_to_nobody() {
        let mut tenants = Tenants::default();
        tenants.insert("a", ());
        tenants.insert("b", ());
        assert_eq!(tenants.resolve(Some("b")).as_deref(), Some("b"));
        assert_eq!(tenants.resolve(Some("zzz")), None);
        assert_eq!(
            tenants.resolve(None),
            None,
            "two tenants and no default: nobody"
        );
    }

    #[test]
    fn an_unnamed_call_goes_to_the_default_or_the_only_tenant() {
        let mut tenants = Tenants::default();
        tenants.insert("only", ());
        assert_eq!(tenants.resolve(None).as_deref(), Some("only"));
        tenants.insert(DEFAULT_TENANT, ());
        assert_eq!(tenants.resolve(None).as_deref(), Some(DEFAULT_TENANT));
    }
}
