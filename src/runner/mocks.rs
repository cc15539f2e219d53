//! The stand-ins of one suite: rendered from its `mocks:` section, started fresh on free loopback
//! ports (or registered as a tenant of the run's shared stand-ins), offered to templates as
//! `mocks.*`, and read back by `expect.mock_calls`. Dropping it stops the suite's own stand-ins, or
//! unregisters the suite from the shared ones.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};
use url::Url;

use crate::assert::Bindings;
use crate::mock::{
    self, Client, DEFAULT_GITHUB_CALLBACK_PATH, DEFAULT_GOOGLE_CALLBACK_PATH, DEFAULT_TENANT,
    GithubConfig, GithubEmail, GithubStandIn, GithubUser, GoogleConfig, GoogleStandIn, GoogleUser,
    Listen, RecordedCall, SharedStandIns, StandInOptions, TENANT_PARAM,
};
use crate::suite::{GithubSpec, GoogleSpec, MockClientSpec, Suite};
use crate::template::{Scope, Text};

/// A stand-in the suite started for itself, or the run's shared one.
enum Handle<T> {
    Own(T),
    Shared(Arc<SharedStandIns>),
}

#[derive(Default)]
pub(super) struct SuiteMocks {
    google: Option<Handle<GoogleStandIn>>,
    github: Option<Handle<GithubStandIn>>,
    /// `""` for the suite's own stand-ins; a unique id on shared ones.
    tenant: String,
    /// What templates see as `mocks`.
    scope: Map<String, Value>,
    /// Client secrets: masked in every artifact.
    secrets: Vec<String>,
}

/// Tenant ids are unique within the process: `google-login-3`.
static TENANTS: AtomicU64 = AtomicU64::new(1);

impl SuiteMocks {
    /// Renders the suite's `mocks:` against `scope` (target, env, `--var`s) and starts or registers
    /// its stand-ins.
    pub(super) async fn start(
        suite: &Suite,
        scope: &Scope,
        target: Option<&Url>,
        shared: Option<&Arc<SharedStandIns>>,
    ) -> Result<SuiteMocks, String> {
        let specs = &suite.mocks;
        // The default tenant: a stand-in of the suite's own serves it alone.
        let mut mocks = SuiteMocks::default();
        debug_assert_eq!(mocks.tenant, DEFAULT_TENANT);
        if specs.google.is_none() && specs.github.is_none() {
            return Ok(mocks);
        }
        let uses_shared = shared.is_some_and(|shared| {
            (specs.google.is_some() && shared.google.is_some())
                || (specs.github.is_some() && shared.github.is_some())
        });
        if uses_shared {
            mocks.tenant = format!(
                "{}-{}",
                slug(&suite.name),
                TENANTS.fetch_add(1, Ordering::Relaxed)
            );
        }
        let render = Renderer {
            suite,
            scope,
            target: target.map(|url| url.as_str().trim_end_matches('/').to_owned()),
        };
        if let Some(spec) = &specs.google {
            let config = render.google(spec)?;
            let handle = match shared.filter(|shared| shared.google.is_some()) {
                Some(shared) => Handle::Shared(Arc::clone(shared)),
                None => Handle::Own(
                    GoogleStandIn::start(&Listen::loopback(), StandInOptions::default())
                        .await
                        .map_err(|error| failure("google", &error))?,
                ),
            };
            let stand_in = google_of(&handle).ok_or("the shared google stand-in is gone")?;
            stand_in
                .register(&mocks.tenant, config.clone())
                .map_err(|error| failure("google", &error))?;
            mocks
                .secrets
                .extend(config.clients.iter().map(|client| client.secret.clone()));
            mocks.scope.insert(
                "google".to_owned(),
                mock::google_scope(stand_in.urls(), &config),
            );
            mocks.google = Some(handle);
        }
        if let Some(spec) = &specs.github {
            let config = render.github(spec)?;
            let handle = match shared.filter(|shared| shared.github.is_some()) {
                Some(shared) => Handle::Shared(Arc::clone(shared)),
                None => Handle::Own(
                    GithubStandIn::start(&Listen::loopback(), StandInOptions::default())
                        .await
                        .map_err(|error| failure("github", &error))?,
                ),
            };
            let stand_in = github_of(&handle).ok_or("the shared github stand-in is gone")?;
            stand_in.register(&mocks.tenant, config.clone());
            mocks
                .secrets
                .extend(config.clients.iter().map(|client| client.secret.clone()));
            mocks.scope.insert(
                "github".to_owned(),
                mock::github_scope(stand_in.urls(), &config),
            );
            mocks.github = Some(handle);
        }
        Ok(mocks)
    }

    /// The `mocks` variable of templates.
    pub(super) fn scope(&self) -> Value {
        Value::Object(self.scope.clone())
    }

    /// Every call tied to this suite, in the order received.
    pub(super) fn calls(&self) -> Vec<RecordedCall> {
        let mut calls = Vec::new();
        if let Some(google) = self.google.as_ref().and_then(google_of) {
            calls.extend(google.calls(&self.tenant));
        }
        if let Some(github) = self.github.as_ref().and_then(github_of) {
            calls.extend(github.calls(&self.tenant));
        }
        calls.sort_by_key(|call| call.sequence);
        calls
    }

    /// The clients' secrets, and the codes and tokens the stand-ins issued to this suite so far.
    pub(super) fn secrets(&self) -> Vec<String> {
        let mut secrets = self.secrets.clone();
        if let Some(google) = self.google.as_ref().and_then(google_of) {
            secrets.extend(google.issued(&self.tenant));
        }
        if let Some(github) = self.github.as_ref().and_then(github_of) {
            secrets.extend(github.issued(&self.tenant));
        }
        secrets
    }

    /// On shared stand-ins, tags a request for an authorization endpoint with the suite's tenant id:
    /// authprobe is the browser, so it tells the stand-in which suite is signing in.
    pub(super) fn tag(&self, url: &mut Url) {
        if self.tenant.is_empty() {
            return;
        }
        let mut endpoints = Vec::with_capacity(2);
        if let Some(Handle::Shared(shared)) = &self.google {
            endpoints.extend(
                shared
                    .google
                    .as_ref()
                    .map(|google| google.urls().authorize_url.clone()),
            );
        }
        if let Some(Handle::Shared(shared)) = &self.github {
            endpoints.extend(
                shared
                    .github
                    .as_ref()
                    .map(|github| github.urls().authorize_url.clone()),
            );
        }
        let is_authorize = endpoints.iter().any(|endpoint| {
            Url::parse(endpoint).is_ok_and(|endpoint| {
                endpoint.origin() == url.origin() && endpoint.path() == url.path()
            })
        });
        if is_authorize && !url.query_pairs().any(|(name, _)| name == TENANT_PARAM) {
            url.query_pairs_mut()
                .append_pair(TENANT_PARAM, &self.tenant);
        }
    }
}

impl Drop for SuiteMocks {
    fn drop(&mut self) {
        if let Some(Handle::Shared(shared)) = &self.google {
            if let Some(google) = &shared.google {
                google.unregister(&self.tenant);
            }
        }
        if let Some(Handle::Shared(shared)) = &self.github {
            if let Some(github) = &shared.github {
                github.unregister(&self.tenant);
            }
        }
    }
}

fn google_of(handle: &Handle<GoogleStandIn>) -> Option<&GoogleStandIn> {
    match handle {
        Handle::Own(google) => Some(google),
        Handle::Shared(shared) => shared.google.as_ref(),
    }
}

fn github_of(handle: &Handle<GithubStandIn>) -> Option<&GithubStandIn> {
    match handle {
        Handle::Own(github) => Some(github),
        Handle::Shared(shared) => shared.github.as_ref(),
    }
}

fn failure(provider: &str, error: &dyn std::error::Error) -> String {
    let mut message = format!("could not start the {provider} stand-in: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

/// Lowercase letters and digits of a suite name, dashes between words: a readable tenant id.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let slug = words.join("-");
    let slug: String = slug.chars().take(40).collect();
    if slug.is_empty() {
        "suite".to_owned()
    } else {
        slug
    }
}

/// Renders the suite's mock specs into stand-in configuration.
struct Renderer<'a> {
    suite: &'a Suite,
    scope: &'a Scope,
    target: Option<String>,
}

impl Renderer<'_> {
    fn text(&self, text: &Text, field: &str) -> Result<String, String> {
        text.render(&self.suite.templates, self.scope)
            .map(|rendered| rendered.into_owned())
            .map_err(|error| format!("could not render `{field}`: {error}"))
    }

    fn optional(&self, text: &Option<Text>, field: &str) -> Result<Option<String>, String> {
        text.as_ref().map(|text| self.text(text, field)).transpose()
    }

    fn clients(
        &self,
        specs: &[MockClientSpec],
        provider: &str,
        callback: &str,
    ) -> Result<Vec<Client>, String> {
        specs
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let field = |name: &str| format!("mocks.{provider}.clients[{index}].{name}");
                let redirect_uris = match &spec.redirect_uris {
                    Some(uris) => uris
                        .iter()
                        .map(|uri| self.text(uri, &field("redirect_uris")))
                        .collect::<Result<_, _>>()?,
                    None => self.default_redirect(callback),
                };
                Ok(Client {
                    id: self.text(&spec.id, &field("id"))?,
                    secret: self.text(&spec.secret, &field("secret"))?,
                    redirect_uris,
                })
            })
            .collect()
    }

    fn default_redirect(&self, callback: &str) -> Vec<String> {
        self.target
            .iter()
            .map(|target| format!("{target}{callback}"))
            .collect()
    }

    fn google(&self, spec: &GoogleSpec) -> Result<GoogleConfig, String> {
        let mut config = GoogleConfig::with_defaults(self.target.as_deref());
        if let Some(clients) = &spec.clients {
            config.clients = self.clients(clients, "google", DEFAULT_GOOGLE_CALLBACK_PATH)?;
        }
        if let Some(users) = &spec.users {
            let bindings = Bindings::new(&self.suite.templates, self.scope);
            config.users = users
                .iter()
                .enumerate()
                .map(|(index, user)| {
                    let field = |name: &str| format!("mocks.google.users[{index}].{name}");
                    let mut extra_claims = Map::new();
                    for (name, claim) in &user.claims {
                        let value = bindings.render_json(claim).map_err(|error| {
                            format!("could not render `{}`: {error}", field(name))
                        })?;
                        extra_claims.insert(name.clone(), value);
                    }
                    Ok(GoogleUser {
                        sub: self.text(&user.sub, &field("sub"))?,
                        email: self.text(&user.email, &field("email"))?,
                        email_verified: user.email_verified,
                        name: self.optional(&user.name, &field("name"))?,
                        given_name: self.optional(&user.given_name, &field("given_name"))?,
                        family_name: self.optional(&user.family_name, &field("family_name"))?,
                        picture: self.optional(&user.picture, &field("picture"))?,
                        hd: self.optional(&user.hd, &field("hd"))?,
                        locale: self.optional(&user.locale, &field("locale"))?,
                        extra_claims,
                    })
                })
                .collect::<Result<_, String>>()?;
        }
        config.scenario = spec.scenario;
        config.faults = spec.faults.clone();
        Ok(config)
    }

    fn github(&self, spec: &GithubSpec) -> Result<GithubConfig, String> {
        let mut config = GithubConfig::with_defaults(self.target.as_deref());
        if let Some(clients) = &spec.clients {
            config.clients = self.clients(clients, "github", DEFAULT_GITHUB_CALLBACK_PATH)?;
        }
        if let Some(users) = &spec.users {
            config.users = users
                .iter()
                .enumerate()
                .map(|(index, user)| {
                    let field = |name: &str| format!("mocks.github.users[{index}].{name}");
                    let other_emails = user
                        .emails
                        .iter()
                        .map(|email| {
                            Ok(GithubEmail {
                                email: self.text(&email.email, &field("emails"))?,
                                verified: email.verified,
                                visibility: email.visibility.clone(),
                            })
                        })
                        .collect::<Result<_, String>>()?;
                    Ok(GithubUser {
                        login: self.text(&user.login, &field("login"))?,
                        id: user.id,
                        name: self.optional(&user.name, &field("name"))?,
                        email: self.text(&user.email, &field("email"))?,
                        email_public: user.public_email,
                        email_verified: user.verified,
                        other_emails,
                        company: self.optional(&user.company, &field("company"))?,
                        location: self.optional(&user.location, &field("location"))?,
                        bio: self.optional(&user.bio, &field("bio"))?,
                    })
                })
                .collect::<Result<_, String>>()?;
        }
        config.scenario = spec.scenario;
        config.faults = spec.faults.clone();
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lowercase_words() {
        assert_eq!(
            slug("Google login: PKCE & nonce"),
            "google-login-pkce-nonce"
        );
        assert_eq!(slug("¡¿?!"), "suite");
    }
}
