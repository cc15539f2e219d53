//! Starting a stand-in's HTTP server: a dedicated wiremock server (never the pooled
//! `MockServer::start()`, whose ports are reused after drop) on an address we bind ourselves, and
//! the public base URL it announces.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use url::Url;
use wiremock::MockServer;

use super::calls::RecordedCall;
use super::clock::{Clock, SystemClock};
use super::endpoint::Provider;
use crate::jwt::KeyError;

/// Where a stand-in listens, and the URL by which the target reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub addr: SocketAddr,
    /// Announced in discovery, the issuer, the JWKS URL and every redirect. When `None`, the
    /// bound address (with `127.0.0.1` for an unspecified IP).
    pub public_url: Option<PublicUrl>,
}

/// The URL a stand-in announces when the target does not reach it at the address it listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicUrl {
    /// Exactly this base URL: a proxy or a port mapping in front of the stand-in.
    Exact(Url),
    /// This scheme, host and path, with the port the stand-in listens on: one `--public-url` for
    /// both stand-ins of a QA runner.
    Host(Url),
}

impl Listen {
    /// A free loopback port: what tests and per-suite stand-ins use.
    pub fn loopback() -> Self {
        Listen {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
        }
    }
}

/// Called with every call a stand-in receives, after it has answered (the `authprobe mock` log).
pub type CallObserver = Arc<dyn Fn(&RecordedCall) + Send + Sync>;

/// What every stand-in can be given besides its address.
#[derive(Clone)]
pub struct StandInOptions {
    pub clock: Arc<dyn Clock>,
    pub observer: Option<CallObserver>,
}

impl Default for StandInOptions {
    fn default() -> Self {
        StandInOptions {
            clock: Arc::new(SystemClock),
            observer: None,
        }
    }
}

impl std::fmt::Debug for StandInOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandInOptions")
            .field("clock", &self.clock)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// Why a stand-in could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("failed to listen on {addr} for the {provider} stand-in")]
    Bind {
        provider: Provider,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to make the {provider} stand-in's signing key")]
    Key {
        provider: Provider,
        #[source]
        source: KeyError,
    },
}

/// Binds `listen.addr` and starts a dedicated wiremock server on it, with request recording off
/// (stand-ins keep their own log). Returns the server and the base URL to announce (no trailing
/// slash).
pub(crate) async fn start(
    provider: Provider,
    listen: &Listen,
) -> Result<(MockServer, String), MockError> {
    let bind_error = |source| MockError::Bind {
        provider,
        addr: listen.addr,
        source,
    };
    let listener = TcpListener::bind(listen.addr).map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    let server = MockServer::builder()
        .listener(listener)
        .disable_request_recording()
        .start()
        .await;
    let base = match &listen.public_url {
        Some(PublicUrl::Exact(url)) => url.as_str().trim_end_matches('/').to_owned(),
        Some(PublicUrl::Host(url)) => {
            let mut with_port = url.clone();
            // Only URLs that cannot have a port (such as `data:`) refuse one; the CLI accepts http(s) only.
            let _ = with_port.set_port(Some(bound.port()));
            with_port.as_str().trim_end_matches('/').to_owned()
        }
        None => {
            let ip = if bound.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else if bound.is_ipv6() {
                format!("[{}]", bound.ip())
            } else {
                bound.ip().to_string()
            };
            format!("http://{ip}:{}", bound.port())
        }
    };
    Ok((server, base))
}
