//! The Google stand-in: OpenID Connect discovery, the authorization endpoint, the token endpoint
//! (codes and refresh tokens), RS256 ID tokens, the JWKS, userinfo and revocation, on one server
//! that takes the place of Google's five hosts.
//!
//! Each endpoint is a wiremock mock whose synchronous `Respond` locks the shared state, works out
//! which suite (tenant) the call belongs to, applies that suite's faults and scenario, records the
//! call and answers. Every URL it announces is built from its configured base, never from the
//! request (wiremock reports every request as `http://localhost/…`).

mod authorize;
mod discovery;
mod id_token;
mod jwks;
mod revoke;
mod state;
mod token;
mod userinfo;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::calls::{CallFindings, RecordedCall};
use super::clock::Clock;
use super::config::{Faults, GoogleConfig, Scenario};
use super::dispatch::{self, StandInState};
use super::endpoint::{Endpoint, Provider};
use super::http::{Incoming, Reply};
use super::keys::{self, KeyRole};
use super::server::{self, CallObserver, Listen, MockError, StandInOptions};
use super::tenants::TENANT_PARAM;
use state::{GoogleState, GoogleTenant};

const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
const AUTHORIZE_PATH: &str = "/o/oauth2/v2/auth";
const TOKEN_PATH: &str = "/token";
const USERINFO_PATH: &str = "/v1/userinfo";
const USERINFO_V3_PATH: &str = "/oauth2/v3/userinfo";
/// The legacy userinfo, with `id` and `verified_email`.
const USERINFO_V2_PATH: &str = "/oauth2/v2/userinfo";
const JWKS_PATH: &str = "/oauth2/v3/certs";
const REVOKE_PATH: &str = "/revoke";

/// Where the stand-in's endpoints are, as announced to clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoogleUrls {
    /// The base URL, without a trailing slash.
    pub url: String,
    /// The `iss` of ID tokens and of the discovery document: the base URL itself.
    pub issuer: String,
    pub discovery_url: String,
    pub authorize_url: String,
    pub token_url: String,
    pub userinfo_url: String,
    pub jwks_url: String,
    pub revoke_url: String,
}

impl GoogleUrls {
    fn new(base: &str) -> Self {
        GoogleUrls {
            url: base.to_owned(),
            issuer: base.to_owned(),
            discovery_url: format!("{base}{DISCOVERY_PATH}"),
            authorize_url: format!("{base}{AUTHORIZE_PATH}"),
            token_url: format!("{base}{TOKEN_PATH}"),
            userinfo_url: format!("{base}{USERINFO_PATH}"),
            jwks_url: format!("{base}{JWKS_PATH}"),
            revoke_url: format!("{base}{REVOKE_PATH}"),
        }
    }
}

/// A running Google stand-in. Dropping it stops the server.
pub struct GoogleStandIn {
    // Held for its Drop, which shuts the server down.
    _server: MockServer,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for GoogleStandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleStandIn")
            .field("url", &self.shared.urls.url)
            .finish()
    }
}

struct Shared {
    urls: GoogleUrls,
    state: Mutex<GoogleState>,
    clock: Arc<dyn Clock>,
    observer: Option<CallObserver>,
}

impl GoogleStandIn {
    /// Starts the stand-in with no suites: register one before sending it a browser.
    pub async fn start(listen: &Listen, options: StandInOptions) -> Result<Self, MockError> {
        keys::ensure(KeyRole::Current).map_err(|source| MockError::Key {
            provider: Provider::Google,
            source,
        })?;
        let (server, base) = server::start(Provider::Google, listen).await?;
        let shared = Arc::new(Shared {
            urls: GoogleUrls::new(&base),
            state: Mutex::new(GoogleState::default()),
            clock: options.clock,
            observer: options.observer,
        });
        let routes: &[(&str, &str, Endpoint)] = &[
            ("GET", DISCOVERY_PATH, Endpoint::GoogleDiscovery),
            ("GET", AUTHORIZE_PATH, Endpoint::GoogleAuthorize),
            ("POST", AUTHORIZE_PATH, Endpoint::GoogleAuthorize),
            ("POST", TOKEN_PATH, Endpoint::GoogleToken),
            ("GET", USERINFO_PATH, Endpoint::GoogleUserinfo),
            ("POST", USERINFO_PATH, Endpoint::GoogleUserinfo),
            ("GET", USERINFO_V3_PATH, Endpoint::GoogleUserinfo),
            ("GET", USERINFO_V2_PATH, Endpoint::GoogleUserinfo),
            ("GET", JWKS_PATH, Endpoint::GoogleJwks),
            ("POST", REVOKE_PATH, Endpoint::GoogleRevoke),
        ];
        for (verb, route, endpoint) in routes {
            Mock::given(method(*verb))
                .and(path(*route))
                .respond_with(Responder {
                    shared: Arc::clone(&shared),
                    endpoint: *endpoint,
                })
                .named(endpoint.name())
                .mount(&server)
                .await;
        }
        Mock::given(any())
            .respond_with(Responder {
                shared: Arc::clone(&shared),
                endpoint: Endpoint::GoogleOther,
            })
            .with_priority(u8::MAX)
            .named("google.other")
            .mount(&server)
            .await;
        Ok(GoogleStandIn {
            _server: server,
            shared,
        })
    }

    pub fn urls(&self) -> &GoogleUrls {
        &self.shared.urls
    }

    /// Serves a suite under `tenant` with fresh state, replacing any suite of that id. Makes the
    /// keys its scenario needs first, so that no request waits for one.
    pub fn register(&self, tenant: &str, config: GoogleConfig) -> Result<(), MockError> {
        let role = match config.scenario {
            Some(Scenario::KeyRotation) => Some(KeyRole::Next),
            Some(Scenario::BadSignature | Scenario::UnknownKid) => Some(KeyRole::Rogue),
            _ => None,
        };
        if let Some(role) = role {
            keys::ensure(role).map_err(|source| MockError::Key {
                provider: Provider::Google,
                source,
            })?;
        }
        self.shared
            .lock()
            .tenants
            .insert(tenant, GoogleTenant::new(config));
        Ok(())
    }

    /// Stops serving a suite; its codes and tokens stop working.
    pub fn unregister(&self, tenant: &str) {
        let mut state = self.shared.lock();
        state.tenants.remove(tenant);
        state.codes.retain(|_, grant| grant.tenant != tenant);
        state
            .access_tokens
            .retain(|_, grant| grant.tenant != tenant);
        state
            .refresh_tokens
            .retain(|_, grant| grant.tenant != tenant);
    }

    /// The codes and tokens issued to a suite so far: secrets, if a target shows them.
    pub fn issued(&self, tenant: &str) -> Vec<String> {
        let state = self.shared.lock();
        let codes = state
            .codes
            .iter()
            .filter(|(_, grant)| grant.tenant == tenant);
        let tokens = state
            .access_tokens
            .iter()
            .chain(&state.refresh_tokens)
            .filter(|(_, grant)| grant.tenant == tenant);
        codes
            .map(|(code, _)| code.clone())
            .chain(tokens.map(|(token, _)| token.clone()))
            .collect()
    }

    /// The calls tied to a suite, in the order received.
    pub fn calls(&self, tenant: &str) -> Vec<RecordedCall> {
        self.shared.lock().tenants.calls(tenant)
    }

    /// Calls that no suite could be tied to.
    pub fn unattributed_calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().tenants.unattributed()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, GoogleState> {
        // A poisoned lock means a handler panicked; the state is still consistent enough to serve.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn answer(&self, endpoint: Endpoint, incoming: &Incoming) -> ResponseTemplate {
        dispatch::answer(
            &self.state,
            &*self.clock,
            self.observer.as_ref(),
            endpoint,
            incoming,
            |state, tenant, now| {
                let context = Context {
                    urls: &self.urls,
                    incoming,
                    tenant,
                    now,
                };
                handle(&context, state, endpoint)
            },
        )
    }
}

impl StandInState for GoogleState {
    fn tenant_of(&self, endpoint: Endpoint, incoming: &Incoming) -> Option<String> {
        tenant_of(self, endpoint, incoming)
    }

    fn faults(&self, tenant: &str) -> Option<&Faults> {
        self.tenants.get(tenant).map(|tenant| &tenant.config.faults)
    }

    fn record(&mut self, tenant: Option<&str>, call: RecordedCall) {
        self.tenants.record(tenant, call);
    }
}

/// What a handler needs besides the state.
pub(super) struct Context<'a> {
    pub urls: &'a GoogleUrls,
    pub incoming: &'a Incoming,
    /// The suite the call belongs to, if one could be found.
    pub tenant: Option<&'a str>,
    pub now: u64,
}

fn handle(
    context: &Context<'_>,
    state: &mut GoogleState,
    endpoint: Endpoint,
) -> (Reply, CallFindings) {
    match endpoint {
        Endpoint::GoogleDiscovery => (discovery::respond(context.urls), CallFindings::default()),
        Endpoint::GoogleAuthorize => authorize::respond(context, state),
        Endpoint::GoogleToken => token::respond(context, state),
        Endpoint::GoogleUserinfo => (userinfo::respond(context, state), CallFindings::default()),
        Endpoint::GoogleJwks => (jwks::respond(state), CallFindings::default()),
        Endpoint::GoogleRevoke => (revoke::respond(context, state), CallFindings::default()),
        Endpoint::GoogleOther
        | Endpoint::GithubAuthorize
        | Endpoint::GithubToken
        | Endpoint::GithubUser
        | Endpoint::GithubEmails
        | Endpoint::GithubOther => (not_found(), CallFindings::default()),
    }
}

/// Google's front end answers unknown paths with a 404 HTML page.
fn not_found() -> Reply {
    Reply::html(
        404,
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 404 (Not Found)!!1</title>\
         <p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL was not found on this server. \
         <ins>That’s all we know.</ins></html>"
            .to_owned(),
    )
}

/// The suite a call belongs to: named by the authorization request, or tied by its code or token.
fn tenant_of(state: &GoogleState, endpoint: Endpoint, incoming: &Incoming) -> Option<String> {
    let by_grant = match endpoint {
        Endpoint::GoogleAuthorize => return state.tenants.resolve(incoming.param(TENANT_PARAM)),
        Endpoint::GoogleToken => incoming
            .param("code")
            .and_then(|code| state.codes.get(code))
            .map(|grant| grant.tenant.clone())
            .or_else(|| {
                incoming
                    .param("refresh_token")
                    .and_then(|token| state.refresh_tokens.get(token))
                    .map(|grant| grant.tenant.clone())
            }),
        Endpoint::GoogleUserinfo => userinfo::access_token(incoming)
            .and_then(|token| state.access_tokens.get(token))
            .map(|grant| grant.tenant.clone()),
        Endpoint::GoogleRevoke => incoming.param("token").and_then(|token| {
            state
                .access_tokens
                .get(token)
                .or_else(|| state.refresh_tokens.get(token))
                .map(|grant| grant.tenant.clone())
        }),
        _ => None,
    };
    by_grant
        .or_else(|| state.tenants.resolve(None))
        .or_else(|| {
            // A token request with a bogus code: the suite that registered its client.
            let client_id = incoming
                .basic_credentials()
                .map(|basic| basic.decoded_user)
                .or_else(|| incoming.param("client_id").map(str::to_owned))?;
            state
                .tenants
                .states()
                .find(|(_, tenant)| {
                    tenant
                        .config
                        .clients
                        .iter()
                        .any(|client| client.id == client_id)
                })
                .map(|(id, _)| id.to_owned())
        })
}

struct Responder {
    shared: Arc<Shared>,
    endpoint: Endpoint,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.shared.answer(self.endpoint, &Incoming::read(request))
    }
}
