//! Validating the `mocks:` section, `expect.mock_calls`, and templates that read `mocks.*`.

use serde_json::Value;

use super::Validator;
use crate::mock::{CallField, Endpoint, Faults, Provider, Scenario, scope_keys};
use crate::suite::diagnostic::{DiagnosticKind, closest};
use crate::suite::model::*;
use crate::suite::raw::*;
use crate::suite::span::{NodePath, Span};
use crate::template::Reference;

/// Makes the call field of a named `query`, `form` or `headers` entry.
type FieldOf = fn(String) -> CallField;

impl Validator<'_> {
    /// Validates `mocks:`. Its templates can read `target`, `env` and `--var`s, not `mocks` itself
    /// nor suite vars (which may read `mocks`).
    pub(super) fn mocks(&mut self, raw: Option<RawMocks>, path: &NodePath) -> MockSpecs {
        let Some(raw) = raw else {
            self.mock_providers = Some(Vec::new());
            return MockSpecs::default();
        };
        let google = raw.google.map(|google| {
            let google_path = path.key("google");
            self.context = "mocks.google".to_owned();
            GoogleSpec {
                clients: self.mock_clients(google.clients, &google_path.key("clients")),
                users: google
                    .users
                    .and_then(|users| self.google_users(users, &google_path.key("users"))),
                scenario: self.scenario(
                    google.scenario.as_deref(),
                    Provider::Google,
                    &google_path.key("scenario"),
                ),
                faults: self.faults(&google.slow, &google.fail, Provider::Google, &google_path),
                span: self.key_span(&google_path),
            }
        });
        let github = raw.github.map(|github| {
            let github_path = path.key("github");
            self.context = "mocks.github".to_owned();
            GithubSpec {
                clients: self.mock_clients(github.clients, &github_path.key("clients")),
                users: github
                    .users
                    .and_then(|users| self.github_users(users, &github_path.key("users"))),
                scenario: self.scenario(
                    github.scenario.as_deref(),
                    Provider::Github,
                    &github_path.key("scenario"),
                ),
                faults: self.faults(&github.slow, &github.fail, Provider::Github, &github_path),
                span: self.key_span(&github_path),
            }
        });
        let specs = MockSpecs { google, github };
        self.mock_providers = Some(specs.providers());
        specs
    }

    fn mock_clients(
        &mut self,
        raw: Option<Vec<RawMockClient>>,
        path: &NodePath,
    ) -> Option<Vec<MockClientSpec>> {
        let raw = raw?;
        if raw.is_empty() {
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(path),
                "`clients` is empty",
                "no clients",
                Some(
                    "register at least one client, or leave `clients` out for the default one"
                        .to_owned(),
                ),
            );
            return None;
        }
        let mut clients = Vec::with_capacity(raw.len());
        for (index, client) in raw.into_iter().enumerate() {
            let client_path = path.index(index);
            if clients
                .iter()
                .any(|earlier: &MockClientSpec| earlier.id.source() == client.id)
            {
                self.push(
                    DiagnosticKind::DuplicateName,
                    self.value_span(&client_path.key("id")),
                    format!("two clients have the id `{}`", client.id),
                    "registered twice",
                    None,
                );
            }
            let redirect_uris = client.redirect_uris.map(|uris| {
                uris.iter()
                    .enumerate()
                    .map(|(uri_index, uri)| {
                        let uris_path = client_path.key("redirect_uris");
                        let uri_path = uris_path.index(uri_index);
                        if !uri.contains("{{") && url::Url::parse(uri).is_err() {
                            self.push(
                                DiagnosticKind::InvalidValue,
                                self.value_span(&uri_path),
                                format!("redirect URI `{uri}` is not an absolute URL"),
                                "not a URL",
                                Some(
                                    "write it in full, e.g. \"{{ target }}/auth/google/callback\""
                                        .to_owned(),
                                ),
                            );
                        }
                        self.text(uri, &uri_path)
                    })
                    .collect()
            });
            clients.push(MockClientSpec {
                id: self.text(&client.id, &client_path.key("id")),
                secret: self.text(&client.secret, &client_path.key("secret")),
                redirect_uris,
            });
        }
        Some(clients)
    }

    fn google_users(
        &mut self,
        raw: Vec<RawGoogleUser>,
        path: &NodePath,
    ) -> Option<Vec<GoogleUserSpec>> {
        if !self.some_users(raw.len(), path) {
            return None;
        }
        let mut users: Vec<GoogleUserSpec> = Vec::with_capacity(raw.len());
        for (index, user) in raw.into_iter().enumerate() {
            let user_path = path.index(index);
            if users.iter().any(|earlier| earlier.sub.source() == user.sub) {
                self.push(
                    DiagnosticKind::DuplicateName,
                    self.value_span(&user_path.key("sub")),
                    format!("two users have the sub `{}`", user.sub),
                    "used twice",
                    Some("`sub` identifies a Google account; give each user their own".to_owned()),
                );
            }
            let optional = |this: &mut Self, value: &Option<String>, key: &str| {
                value
                    .as_ref()
                    .map(|text| this.text(text, &user_path.key(key)))
            };
            let claims = user
                .claims
                .iter()
                .map(|(name, value)| {
                    (
                        name.clone(),
                        self.json_template(value, &user_path.key("claims").key(name)),
                    )
                })
                .collect();
            users.push(GoogleUserSpec {
                sub: self.text(&user.sub, &user_path.key("sub")),
                email: self.text(&user.email, &user_path.key("email")),
                email_verified: user.email_verified.unwrap_or(true),
                name: optional(self, &user.name, "name"),
                given_name: optional(self, &user.given_name, "given_name"),
                family_name: optional(self, &user.family_name, "family_name"),
                picture: optional(self, &user.picture, "picture"),
                hd: optional(self, &user.hd, "hd"),
                locale: optional(self, &user.locale, "locale"),
                claims,
            });
        }
        Some(users)
    }

    fn github_users(
        &mut self,
        raw: Vec<RawGithubUser>,
        path: &NodePath,
    ) -> Option<Vec<GithubUserSpec>> {
        if !self.some_users(raw.len(), path) {
            return None;
        }
        let mut users: Vec<GithubUserSpec> = Vec::with_capacity(raw.len());
        for (index, user) in raw.into_iter().enumerate() {
            let user_path = path.index(index);
            if users
                .iter()
                .any(|earlier| earlier.login.source() == user.login)
            {
                self.push(
                    DiagnosticKind::DuplicateName,
                    self.value_span(&user_path.key("login")),
                    format!("two users have the login `{}`", user.login),
                    "used twice",
                    None,
                );
            }
            let optional = |this: &mut Self, value: &Option<String>, key: &str| {
                value
                    .as_ref()
                    .map(|text| this.text(text, &user_path.key(key)))
            };
            let mut emails = Vec::with_capacity(user.emails.len());
            let emails_path = user_path.key("emails");
            for (email_index, email) in user.emails.iter().enumerate() {
                let email_path = emails_path.index(email_index);
                if let Some(visibility) = &email.visibility {
                    if visibility != "public" && visibility != "private" {
                        self.push(
                            DiagnosticKind::InvalidValue,
                            self.value_span(&email_path.key("visibility")),
                            format!("`visibility` is `public` or `private`, not `{visibility}`"),
                            "unknown visibility",
                            Some("leave it out for GitHub's `null` (noreply addresses)".to_owned()),
                        );
                    }
                }
                emails.push(GithubEmailSpec {
                    email: self.text(&email.email, &email_path.key("email")),
                    verified: email.verified.unwrap_or(true),
                    visibility: email.visibility.clone(),
                });
            }
            users.push(GithubUserSpec {
                login: self.text(&user.login, &user_path.key("login")),
                id: user.id,
                email: self.text(&user.email, &user_path.key("email")),
                name: optional(self, &user.name, "name"),
                public_email: user.public_email.unwrap_or(false),
                verified: user.verified.unwrap_or(true),
                emails,
                company: optional(self, &user.company, "company"),
                location: optional(self, &user.location, "location"),
                bio: optional(self, &user.bio, "bio"),
            });
        }
        Some(users)
    }

    fn some_users(&mut self, count: usize, path: &NodePath) -> bool {
        if count == 0 {
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(path),
                "`users` is empty",
                "nobody can sign in",
                Some("list at least one user, or leave `users` out for the default one".to_owned()),
            );
        }
        count > 0
    }

    fn scenario(
        &mut self,
        name: Option<&str>,
        provider: Provider,
        path: &NodePath,
    ) -> Option<Scenario> {
        let name = name?;
        let names = Scenario::names_for(provider);
        match Scenario::from_name(name) {
            Some(scenario) if scenario.applies_to(provider) => Some(scenario),
            Some(_) => {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.value_span(path),
                    format!("the {provider} stand-in cannot play `{name}`"),
                    "not a scenario of this provider",
                    Some(format!("{provider} plays {}", super::name_list(&names))),
                );
                None
            }
            None => {
                let help = closest(name, names.iter().copied())
                    .map(|near| format!("did you mean `{near}`?"))
                    .unwrap_or_else(|| format!("{provider} plays {}", super::name_list(&names)));
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.value_span(path),
                    format!("unknown scenario `{name}`"),
                    "unknown scenario",
                    Some(help),
                );
                None
            }
        }
    }

    fn faults(
        &mut self,
        slow: &RawMap<Value>,
        fail: &RawMap<Value>,
        provider: Provider,
        path: &NodePath,
    ) -> Faults {
        let mut faults = Faults::default();
        let slow_path = path.key("slow");
        for (name, value) in slow {
            let entry_path = slow_path.key(name);
            let Some(endpoint) = self.fault_endpoint(name, provider, &entry_path, "slow") else {
                continue;
            };
            if let Some(delay) = self.duration(value, &entry_path) {
                faults.delays.push((endpoint, delay));
            }
        }
        let fail_path = path.key("fail");
        for (name, value) in fail {
            let entry_path = fail_path.key(name);
            let Some(endpoint) = self.fault_endpoint(name, provider, &entry_path, "fail") else {
                continue;
            };
            match value.as_u64().filter(|status| (400..=599).contains(status)) {
                Some(status) => faults.failures.push((endpoint, status as u16)),
                None => self.push(
                    DiagnosticKind::InvalidValue,
                    self.value_span(&entry_path),
                    format!(
                        "`fail.{name}` must be an HTTP error status, not `{}`",
                        super::display_value(value)
                    ),
                    "not a 4xx or 5xx status",
                    Some("for example `fail: { token: 503 }`".to_owned()),
                ),
            }
        }
        faults
    }

    fn fault_endpoint(
        &mut self,
        name: &str,
        provider: Provider,
        path: &NodePath,
        section: &str,
    ) -> Option<Endpoint> {
        let names: Vec<&str> = provider
            .endpoints()
            .filter(|endpoint| endpoint.short_name() != "other")
            .map(Endpoint::short_name)
            .collect();
        let found = provider
            .endpoints()
            .find(|endpoint| endpoint.short_name() == name && name != "other");
        if found.is_none() {
            self.unknown_key(name, &names, path, section);
        }
        found
    }

    /// Validates `expect.mock_calls`, one assertion per check.
    pub(super) fn mock_calls_expect(
        &mut self,
        raw: &RawMap<RawMockCallsExpect>,
        path: &NodePath,
        out: &mut Vec<Assertion>,
    ) {
        for (name, expect) in raw {
            let entry_path = path.key(name);
            let Some(endpoint) = Endpoint::from_name(name) else {
                let names = Endpoint::names();
                let help = closest(name, names.iter().map(String::as_str))
                    .map(|near| format!("did you mean `{near}`?"))
                    .unwrap_or_else(|| {
                        format!(
                            "endpoints are {}",
                            super::name_list(&names.iter().map(String::as_str).collect::<Vec<_>>())
                        )
                    });
                self.push(
                    DiagnosticKind::UnknownKey,
                    self.key_span(&entry_path),
                    format!("unknown stand-in endpoint `{name}`"),
                    "unknown endpoint",
                    Some(help),
                );
                continue;
            };
            let provider = endpoint.provider();
            if !self
                .mock_providers
                .as_ref()
                .is_some_and(|declared| declared.contains(&provider))
            {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&entry_path),
                    format!("`{name}` is a call to the {provider} stand-in, which this suite does not declare"),
                    "no such stand-in",
                    Some(format!("declare it at the top of the suite: `mocks: {{ {provider}: {{}} }}`")),
                );
                continue;
            }
            let window = match expect.during.as_deref() {
                None | Some("step") => CallWindow::Step,
                Some("suite") => CallWindow::Suite,
                Some(other) => {
                    let help = closest(other, CallWindow::NAMES.iter().copied())
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| {
                            "`step` (calls while this step ran) or `suite` (all calls so far)"
                                .to_owned()
                        });
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.value_span(&entry_path.key("during")),
                        format!("`during` is `step` or `suite`, not `{other}`"),
                        "unknown window",
                        Some(help),
                    );
                    CallWindow::Step
                }
            };
            let mut checks: Vec<(Span, MockCallCheck)> = Vec::new();
            if let Some(count) = &expect.count {
                let count_path = entry_path.key("count");
                checks.push((
                    self.key_span(&count_path),
                    MockCallCheck::Count(self.matcher(count, &count_path)),
                ));
            }
            let single: [(&str, &Option<Value>, CallField); 7] = [
                ("method", &expect.method, CallField::Method),
                ("path", &expect.path, CallField::Path),
                ("client_id", &expect.client_id, CallField::ClientId),
                ("client_auth", &expect.client_auth, CallField::ClientAuth),
                (
                    "same_redirect_uri",
                    &expect.same_redirect_uri,
                    CallField::SameRedirectUri,
                ),
                ("pkce", &expect.pkce, CallField::Pkce),
                ("status", &expect.status, CallField::Status),
            ];
            for (key, value, field) in single {
                if let Some(value) = value {
                    let field_path = entry_path.key(key);
                    let matcher = self.matcher(value, &field_path);
                    checks.push((
                        self.key_span(&field_path),
                        MockCallCheck::Field { field, matcher },
                    ));
                }
            }
            let maps: [(&str, &RawMap<Value>, FieldOf); 3] = [
                ("query", &expect.query, CallField::Query),
                ("form", &expect.form, CallField::Form),
                ("headers", &expect.headers, |name: String| {
                    CallField::Header(name.to_ascii_lowercase())
                }),
            ];
            for (key, map, field) in maps {
                let map_path = entry_path.key(key);
                for (field_name, value) in map {
                    let field_path = map_path.key(field_name);
                    let matcher = self.matcher(value, &field_path);
                    checks.push((
                        self.key_span(&field_path),
                        MockCallCheck::Field {
                            field: field(field_name.clone()),
                            matcher,
                        },
                    ));
                }
            }
            if checks.is_empty() {
                self.push(
                    DiagnosticKind::MissingKey,
                    self.key_span(&entry_path),
                    format!("`mock_calls.{name}` checks nothing"),
                    "nothing to check",
                    Some("give `count`, or fields every call must have: `form`, `query`, `headers`, `client_auth`, `same_redirect_uri`, `pkce`, `status`".to_owned()),
                );
            }
            for (span, check) in checks {
                out.push(Assertion {
                    span,
                    kind: AssertionKind::MockCalls(MockCallsAssertion {
                        endpoint,
                        window,
                        check,
                    }),
                });
            }
        }
    }

    /// `mocks.google.token_url`: the stand-in must be declared, and the key must exist.
    pub(super) fn check_mock_reference(&mut self, reference: &Reference, path: &NodePath) {
        let span = self.value_span(path);
        let field = path.to_string();
        let Some(declared) = self.mock_providers.clone() else {
            self.push(
                DiagnosticKind::UndefinedVariable,
                span,
                format!("`mocks` cannot be read inside `mocks:` (`{field}`)"),
                "not defined yet",
                Some("the stand-ins' URLs exist once they start; the `mocks:` section can read `target`, `env` and --var values".to_owned()),
            );
            return;
        };
        let Some(member) = reference.member() else {
            return;
        };
        let Some(provider) =
            Provider::from_name(member).filter(|provider| declared.contains(provider))
        else {
            let names: Vec<&str> = declared.iter().map(|provider| provider.name()).collect();
            let help = if Provider::from_name(member).is_some() {
                format!("declare it at the top of the suite: `mocks: {{ {member}: {{}} }}`")
            } else if let Some(near) = closest(member, names.iter().copied()) {
                format!("did you mean `{near}`?")
            } else if names.is_empty() {
                "declare the stand-ins the suite needs under `mocks:` (google, github)".to_owned()
            } else {
                format!("this suite declares {}", super::name_list(&names))
            };
            self.push(
                DiagnosticKind::UndefinedVariable,
                span,
                format!(
                    "`mocks.{member}` is not a stand-in of this suite ({}, `{field}`)",
                    self.context
                ),
                "not declared",
                Some(help),
            );
            return;
        };
        let rest = reference.path.splitn(3, '.').nth(2).unwrap_or_default();
        let key = rest.split(['.', '[']).next().unwrap_or_default();
        let keys = scope_keys(provider);
        if !key.is_empty() && !keys.contains(&key) {
            let help = closest(key, keys.iter().copied())
                .map(|near| format!("did you mean `{near}`?"))
                .unwrap_or_else(|| format!("`mocks.{member}` has {}", super::name_list(keys)));
            self.push(
                DiagnosticKind::UndefinedVariable,
                span,
                format!(
                    "`mocks.{member}` has no `{key}` ({}, `{field}`)",
                    self.context
                ),
                "unknown key",
                Some(help),
            );
        }
    }
}
