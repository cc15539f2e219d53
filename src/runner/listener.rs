//! authprobe's out-of-band listener: a loopback HTTP server that the `jku` and `x5u` attacks point
//! a token at. It serves the attacker's JWKS and certificate, and counts every request it gets: a
//! target that fetches from it has been talked into server-side requests, refused token or not.
//! It only sees targets that can reach 127.0.0.1, such as the reference target.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::attack::{ATTACKER_CERT_PEM, key_url_paths};

struct Served {
    jwks: String,
    hits: AtomicUsize,
}

/// A running listener; dropping it stops the server.
pub(super) struct Listener {
    url: Url,
    served: Arc<Served>,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// Starts a listener on a free loopback port serving `jwks` at the attacker's JWKS path.
    pub async fn start(jwks: &serde_json::Value) -> std::io::Result<Listener> {
        let socket =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let address = socket.local_addr()?;
        let url = Url::parse(&format!("http://{address}/"))
            .map_err(|error| std::io::Error::other(error.to_string()))?;
        let served = Arc::new(Served {
            jwks: jwks.to_string(),
            hits: AtomicUsize::new(0),
        });
        let app = Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&served));
        let task = tokio::spawn(async move {
            // The listener lives as long as the attack set; a serve error only means no fetch can
            // be observed, which the attacks' verdicts do not depend on.
            let _ = axum::serve(socket, app).await;
        });
        Ok(Listener { url, served, task })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Requests received so far, on any path.
    pub fn hits(&self) -> usize {
        self.served.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(State(served): State<Arc<Served>>, uri: Uri) -> Response {
    served.hits.fetch_add(1, Ordering::SeqCst);
    let (jwks_path, cert_path) = key_url_paths();
    if uri.path() == jwks_path {
        (
            [(header::CONTENT_TYPE, "application/json")],
            served.jwks.clone(),
        )
            .into_response()
    } else if uri.path() == cert_path {
        (
            [(header::CONTENT_TYPE, "application/x-pem-file")],
            ATTACKER_CERT_PEM,
        )
            .into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}
