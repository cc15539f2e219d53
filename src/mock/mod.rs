//! Google and GitHub stand-ins, built on wiremock, faithful enough that real OAuth client libraries
//! (authlib, oauth2-rs, openidconnect-rs) work against them with nothing changed but base URLs,
//! and controllable: per suite, who signs in, which clients are registered, which [`Scenario`] the
//! provider plays and which endpoints are slow or failing. Every call is recorded
//! ([`RecordedCall`]) so that suites can check what the target sent the provider.
//!
//! The behaviour follows `shared/reference/oauth-providers.md`, and so do the wiremock rules:
//! dedicated servers (`MockServer::builder()`), never the pooled `MockServer::start()`; URLs from
//! configuration, never from the request; no verification on drop (no expectations are mounted);
//! state in a `Mutex` inside synchronous `Respond`s; no panics on anything a request or a suite can
//! contain.
//!
//! ```no_run
//! # async fn example() -> Result<(), authprobe::mock::MockError> {
//! use authprobe::mock::{GoogleConfig, GoogleStandIn, Listen, StandInOptions, DEFAULT_TENANT};
//!
//! let google = GoogleStandIn::start(&Listen::loopback(), StandInOptions::default()).await?;
//! google.register(DEFAULT_TENANT, GoogleConfig::with_defaults(Some("http://127.0.0.1:8000")))?;
//! println!("discovery: {}", google.urls().discovery_url);
//! # Ok(()) }
//! ```

mod calls;
mod client_auth;
mod clock;
mod config;
mod dispatch;
mod endpoint;
mod github;
mod google;
mod http;
mod keys;
mod pkce;
mod scope;
mod server;
mod shared;
mod tenants;

pub use calls::{
    CallField, CallFindings, ClientAuth, PkceOutcome, RecordedCall, is_secret_name, mark,
};
pub use clock::{Clock, ShiftedClock, SystemClock};
pub use config::*;
pub use endpoint::{Endpoint, Provider};
pub use github::{GithubStandIn, GithubUrls};
pub use google::{GoogleStandIn, GoogleUrls};
pub use pkce::s256 as pkce_s256_challenge;
pub use scope::{
    GITHUB_SCOPE_KEYS, GOOGLE_SCOPE_KEYS, env_lines, github_scope, google_scope, scope_keys,
};
pub use server::{CallObserver, Listen, MockError, PublicUrl, StandInOptions};
pub use shared::SharedStandIns;
pub use tenants::{DEFAULT_TENANT, TENANT_PARAM, USER_PARAM};
