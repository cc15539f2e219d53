//! Serving the target on a socket: bind (port 0 picks a free one), spawn, and shut down on request.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use super::config::TargetConfig;
use super::demo;

/// Why the target could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("failed to listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to read the bound address")]
    LocalAddr(#[source] std::io::Error),
    #[error("the reference target stopped with an error")]
    Serve(#[source] std::io::Error),
    #[error("the reference target's task failed")]
    Join(#[source] tokio::task::JoinError),
}

/// A target being served. Dropping it asks the server to stop; [`RunningTarget::shutdown`] also
/// waits until it has.
#[derive(Debug)]
pub struct RunningTarget {
    addr: SocketAddr,
    url: Url,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Binds `addr` (`127.0.0.1:0` for a free port) and serves the target there in a new task.
pub async fn start(
    mut config: TargetConfig,
    addr: SocketAddr,
) -> Result<RunningTarget, StartError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let bound = listener.local_addr().map_err(StartError::LocalAddr)?;
    let url = base_url(bound);
    config.public_url.get_or_insert_with(|| url.clone());
    let app = super::app(config);
    let (shutdown, stop) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop.await;
            })
            .await
    });
    Ok(RunningTarget {
        addr: bound,
        url,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

impl RunningTarget {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`: what `--target` would be.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The demo values the bundled suites read, by var name.
    pub fn suite_vars(&self) -> Vec<(String, serde_json::Value)> {
        demo::suite_vars()
    }

    /// Stops the server and waits for it: open connections finish their request first.
    pub async fn shutdown(mut self) -> Result<(), StartError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(StartError::Join)?
                .map_err(StartError::Serve),
            None => Ok(()),
        }
    }
}

impl Drop for RunningTarget {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The URL a client uses for a bound address: a wildcard address is reached through loopback.
fn base_url(bound: SocketAddr) -> Url {
    let ip = match bound.ip() {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    let host = SocketAddr::new(ip, bound.port());
    Url::parse(&format!("http://{host}/")).expect("an IP address and a port make a valid URL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_address_is_reached_through_loopback() {
        let any: SocketAddr = "0.0.0.0:8000".parse().expect("addr");
        assert_eq!(base_url(any).as_str(), "http://127.0.0.1:8000/");
        let v6: SocketAddr = "[::1]:9".parse().expect("addr");
        assert_eq!(base_url(v6).as_str(), "http://[::1]:9/");
    }
}
