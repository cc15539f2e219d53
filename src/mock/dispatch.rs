//! How every stand-in answers a call: tie it to a suite, fail it if that suite's faults say so,
//! otherwise let the provider handle it; then record the call for the suite and tell the observer.

use std::sync::{Mutex, PoisonError};

use wiremock::ResponseTemplate;

use super::calls::{CallFindings, RecordedCall};
use super::clock::Clock;
use super::config::Faults;
use super::endpoint::Endpoint;
use super::http::{Incoming, Reply};
use super::server::CallObserver;

/// What answering a call needs from a provider's state.
pub(super) trait StandInState {
    /// The suite (tenant) a call belongs to, from the grant or tag it carries.
    fn tenant_of(&self, endpoint: Endpoint, incoming: &Incoming) -> Option<String>;
    /// How a suite asked its stand-in to misbehave.
    fn faults(&self, tenant: &str) -> Option<&Faults>;
    /// Keeps a call for its suite (or as unattributed).
    fn record(&mut self, tenant: Option<&str>, call: RecordedCall);
}

/// Answers one call; `handle` gets the state, the call's suite and the current Unix time.
pub(super) fn answer<S: StandInState>(
    state: &Mutex<S>,
    clock: &dyn Clock,
    observer: Option<&CallObserver>,
    endpoint: Endpoint,
    incoming: &Incoming,
    handle: impl FnOnce(&mut S, Option<&str>, u64) -> (Reply, CallFindings),
) -> ResponseTemplate {
    let now = clock.unix_now();
    // A poisoned lock means a handler panicked; the state is still consistent enough to serve.
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    let tenant = state.tenant_of(endpoint, incoming);
    let faults = tenant
        .as_deref()
        .and_then(|id| state.faults(id))
        .cloned()
        .unwrap_or_default();
    let (reply, findings) = match faults.failure(endpoint) {
        Some(status) => (Reply::failure(status), CallFindings::default()),
        None => handle(&mut state, tenant.as_deref(), now),
    };
    let call = RecordedCall::received(endpoint, tenant.clone(), incoming, findings, reply.status);
    state.record(tenant.as_deref(), call.clone());
    drop(state);
    if let Some(observer) = observer {
        observer(&call);
    }
    reply.into_template(faults.delay(endpoint))
}
