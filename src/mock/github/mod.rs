//! The GitHub stand-in: an OAuth app's authorization and token endpoints (`github.com/login/oauth/…`)
//! and the two REST calls sign-in needs (`api.github.com/user` and `/user/emails`), on one server.
//!
//! Same shape as the Google stand-in: one wiremock mock per endpoint, a synchronous `Respond` that
//! locks the shared state, ties the call to a suite, applies its faults and scenario, records the
//! call and answers; URLs come from the configured base, never from the request.

mod api;
mod authorize;
mod state;
mod token;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::calls::{CallFindings, RecordedCall};
use super::clock::Clock;
use super::config::{Faults, GithubConfig};
use super::dispatch::{self, StandInState};
use super::endpoint::{Endpoint, Provider};
use super::http::{Incoming, Reply};
use super::server::{self, CallObserver, Listen, MockError, StandInOptions};
use super::tenants::TENANT_PARAM;
use state::GithubState;

const AUTHORIZE_PATH: &str = "/login/oauth/authorize";
const TOKEN_PATH: &str = "/login/oauth/access_token";
const USER_PATH: &str = "/user";
const EMAILS_PATH: &str = "/user/emails";

/// Where the stand-in's endpoints are, as announced to clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GithubUrls {
    /// The base URL, without a trailing slash: it plays both `github.com` and `api.github.com`.
    pub url: String,
    pub authorize_url: String,
    pub token_url: String,
    /// The REST API base, with the trailing slash authlib's `api_base_url` needs.
    pub api_url: String,
    pub user_url: String,
    pub emails_url: String,
}

impl GithubUrls {
    fn new(base: &str) -> Self {
        GithubUrls {
            url: base.to_owned(),
            authorize_url: format!("{base}{AUTHORIZE_PATH}"),
            token_url: format!("{base}{TOKEN_PATH}"),
            api_url: format!("{base}/"),
            user_url: format!("{base}{USER_PATH}"),
            emails_url: format!("{base}{EMAILS_PATH}"),
        }
    }
}

/// A running GitHub stand-in. Dropping it stops the server.
pub struct GithubStandIn {
    _server: MockServer,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for GithubStandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubStandIn")
            .field("url", &self.shared.urls.url)
            .finish()
    }
}

struct Shared {
    urls: GithubUrls,
    state: Mutex<GithubState>,
    clock: Arc<dyn Clock>,
    observer: Option<CallObserver>,
}

impl GithubStandIn {
    /// Starts the stand-in with no suites: register one before sending it a browser.
    pub async fn start(listen: &Listen, options: StandInOptions) -> Result<Self, MockError> {
        let (server, base) = server::start(Provider::Github, listen).await?;
        let shared = Arc::new(Shared {
            urls: GithubUrls::new(&base),
            state: Mutex::new(GithubState::default()),
            clock: options.clock,
            observer: options.observer,
        });
        let routes: &[(&str, &str, Endpoint)] = &[
            ("GET", AUTHORIZE_PATH, Endpoint::GithubAuthorize),
            ("POST", TOKEN_PATH, Endpoint::GithubToken),
            ("GET", USER_PATH, Endpoint::GithubUser),
            ("GET", EMAILS_PATH, Endpoint::GithubEmails),
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
                endpoint: Endpoint::GithubOther,
            })
            .with_priority(u8::MAX)
            .named("github.other")
            .mount(&server)
            .await;
        Ok(GithubStandIn {
            _server: server,
            shared,
        })
    }

    pub fn urls(&self) -> &GithubUrls {
        &self.shared.urls
    }

    /// Serves a suite under `tenant` with fresh state, replacing any suite of that id.
    pub fn register(&self, tenant: &str, config: GithubConfig) {
        self.shared.lock().tenants.insert(tenant, config);
    }

    /// Stops serving a suite; its codes and tokens stop working.
    pub fn unregister(&self, tenant: &str) {
        let mut state = self.shared.lock();
        state.tenants.remove(tenant);
        state.codes.retain(|_, code| code.tenant != tenant);
        state.tokens.retain(|_, token| token.tenant != tenant);
    }

    /// The codes and tokens issued to a suite so far: secrets, if a target shows them.
    pub fn issued(&self, tenant: &str) -> Vec<String> {
        let state = self.shared.lock();
        let codes = state
            .codes
            .iter()
            .filter(|(_, code)| code.tenant == tenant)
            .map(|(code, _)| code.clone());
        let tokens = state
            .tokens
            .iter()
            .filter(|(_, token)| token.tenant == tenant)
            .map(|(token, _)| token.clone());
        codes.chain(tokens).collect()
    }

    pub fn calls(&self, tenant: &str) -> Vec<RecordedCall> {
        self.shared.lock().tenants.calls(tenant)
    }

    pub fn unattributed_calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().tenants.unattributed()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, GithubState> {
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

impl StandInState for GithubState {
    fn tenant_of(&self, endpoint: Endpoint, incoming: &Incoming) -> Option<String> {
        tenant_of(self, endpoint, incoming)
    }

    fn faults(&self, tenant: &str) -> Option<&Faults> {
        self.tenants.get(tenant).map(|config| &config.faults)
    }

    fn record(&mut self, tenant: Option<&str>, call: RecordedCall) {
        self.tenants.record(tenant, call);
    }
}

pub(super) struct Context<'a> {
    pub urls: &'a GithubUrls,
    pub incoming: &'a Incoming,
    pub tenant: Option<&'a str>,
    pub now: u64,
}

fn handle(
    context: &Context<'_>,
    state: &mut GithubState,
    endpoint: Endpoint,
) -> (Reply, CallFindings) {
    match endpoint {
        Endpoint::GithubAuthorize => authorize::respond(context, state),
        Endpoint::GithubToken => token::respond(context, state),
        Endpoint::GithubUser => (api::user(context, state), CallFindings::default()),
        Endpoint::GithubEmails => (api::emails(context, state), CallFindings::default()),
        Endpoint::GithubOther
        | Endpoint::GoogleDiscovery
        | Endpoint::GoogleAuthorize
        | Endpoint::GoogleToken
        | Endpoint::GoogleUserinfo
        | Endpoint::GoogleJwks
        | Endpoint::GoogleRevoke
        | Endpoint::GoogleOther => (api::not_found(), CallFindings::default()),
    }
}

fn tenant_of(state: &GithubState, endpoint: Endpoint, incoming: &Incoming) -> Option<String> {
    let by_grant = match endpoint {
        Endpoint::GithubAuthorize => return state.tenants.resolve(incoming.param(TENANT_PARAM)),
        Endpoint::GithubToken => incoming
            .param("code")
            .and_then(|code| state.codes.get(code))
            .map(|code| code.tenant.clone()),
        Endpoint::GithubUser | Endpoint::GithubEmails => incoming
            .bearer(true)
            .and_then(|token| state.tokens.get(token))
            .map(|token| token.tenant.clone()),
        _ => None,
    };
    by_grant
        .or_else(|| state.tenants.resolve(None))
        .or_else(|| {
            let client_id = incoming
                .basic_credentials()
                .map(|basic| basic.decoded_user)
                .or_else(|| incoming.param("client_id").map(str::to_owned))?;
            state
                .tenants
                .states()
                .find(|(_, config)| config.clients.iter().any(|client| client.id == client_id))
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
