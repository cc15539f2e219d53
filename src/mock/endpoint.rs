//! The providers and their endpoints, by the names suites use: `google.token`, `github.user`.

use std::fmt;

/// Which real service a stand-in plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Google,
    Github,
}

impl Provider {
    pub const ALL: &[Provider] = &[Provider::Google, Provider::Github];

    /// The key under `mocks:` and the first part of an endpoint name.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::Github => "github",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Provider::ALL
            .iter()
            .copied()
            .find(|provider| provider.name() == name)
    }

    /// The endpoints this provider serves, in the order the docs list them.
    pub fn endpoints(self) -> impl Iterator<Item = Endpoint> {
        Endpoint::ALL
            .iter()
            .copied()
            .filter(move |endpoint| endpoint.provider() == self)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One endpoint of a stand-in. `Other` is every path the provider does not serve: a target that
/// calls one is misconfigured, and suites can say `google.other: { count: 0 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    GoogleDiscovery,
    GoogleAuthorize,
    GoogleToken,
    GoogleUserinfo,
    GoogleJwks,
    GoogleRevoke,
    GoogleOther,
    GithubAuthorize,
    GithubToken,
    GithubUser,
    GithubEmails,
    GithubOther,
}

impl Endpoint {
    pub const ALL: &[Endpoint] = &[
        Endpoint::GoogleDiscovery,
        Endpoint::GoogleAuthorize,
        Endpoint::GoogleToken,
        Endpoint::GoogleUserinfo,
        Endpoint::GoogleJwks,
        Endpoint::GoogleRevoke,
        Endpoint::GoogleOther,
        Endpoint::GithubAuthorize,
        Endpoint::GithubToken,
        Endpoint::GithubUser,
        Endpoint::GithubEmails,
        Endpoint::GithubOther,
    ];

    pub fn provider(self) -> Provider {
        match self {
            Endpoint::GoogleDiscovery
            | Endpoint::GoogleAuthorize
            | Endpoint::GoogleToken
            | Endpoint::GoogleUserinfo
            | Endpoint::GoogleJwks
            | Endpoint::GoogleRevoke
            | Endpoint::GoogleOther => Provider::Google,
            Endpoint::GithubAuthorize
            | Endpoint::GithubToken
            | Endpoint::GithubUser
            | Endpoint::GithubEmails
            | Endpoint::GithubOther => Provider::Github,
        }
    }

    /// The name within its provider: `token`, as written under `slow:` and `fail:`.
    pub fn short_name(self) -> &'static str {
        match self {
            Endpoint::GoogleDiscovery => "discovery",
            Endpoint::GoogleAuthorize | Endpoint::GithubAuthorize => "authorize",
            Endpoint::GoogleToken | Endpoint::GithubToken => "token",
            Endpoint::GoogleUserinfo => "userinfo",
            Endpoint::GoogleJwks => "jwks",
            Endpoint::GoogleRevoke => "revoke",
            Endpoint::GithubUser => "user",
            Endpoint::GithubEmails => "emails",
            Endpoint::GoogleOther | Endpoint::GithubOther => "other",
        }
    }

    /// The full name: `google.token`, as written under `expect.mock_calls`.
    pub fn name(self) -> String {
        format!("{}.{}", self.provider().name(), self.short_name())
    }

    pub fn from_name(name: &str) -> Option<Self> {
        let (provider, short) = name.split_once('.')?;
        let provider = Provider::from_name(provider)?;
        provider
            .endpoints()
            .find(|endpoint| endpoint.short_name() == short)
    }

    /// Every full name, for suggestions and help texts.
    pub fn names() -> Vec<String> {
        Endpoint::ALL
            .iter()
            .map(|endpoint| endpoint.name())
            .collect()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.provider().name(), self.short_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_name_round_trips() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(&endpoint.name()), Some(*endpoint));
        }
        assert_eq!(Endpoint::from_name("google.user"), None);
        assert_eq!(Endpoint::from_name("token"), None);
    }
}
