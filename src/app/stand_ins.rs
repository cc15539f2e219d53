//! `authprobe mock` (the stand-ins on their own, for a staging server), the shared stand-ins of
//! `authprobe run --google-addr/--github-addr`, and the stand-ins the built-in reference target
//! signs in with (`authprobe run` without `--target`, `authprobe demo`).

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use url::Url;

use super::AppError;
use crate::config::{MockConfig, StandInAddresses};
use crate::exit;
use crate::mock::{
    self, DEFAULT_GITHUB_CLIENT_ID, DEFAULT_GITHUB_CLIENT_SECRET, DEFAULT_GOOGLE_CLIENT_ID,
    DEFAULT_GOOGLE_CLIENT_SECRET, DEFAULT_TENANT, GithubConfig, GoogleConfig, Listen, RecordedCall,
    SharedStandIns, StandInOptions,
};
use crate::reference_target::{self, GithubClient, GoogleClient, RunningTarget, TargetConfig};

/// The built-in reference target, and the Google and GitHub stand-ins it signs users in with.
#[derive(Debug)]
pub struct LocalReference {
    pub target: RunningTarget,
    /// What the target was started with: the flaws given, OAuth pointed at the stand-ins.
    pub config: TargetConfig,
    /// For the runner: each suite with `mocks:` registers with them as a tenant.
    pub stand_ins: Arc<SharedStandIns>,
}

/// What `authprobe run` does without `--target`: starts both stand-ins (on `addresses` where
/// given, else on free loopback ports), then the reference target with `config` on a free loopback
/// port, its "Sign in with Google/GitHub" pointed at the stand-ins with their default clients.
pub async fn start_local_reference(
    config: TargetConfig,
    addresses: &StandInAddresses,
) -> Result<LocalReference, AppError> {
    let stand_ins = start_provider_stand_ins(addresses).await?;
    let config = signing_in_with(config, &stand_ins)?;
    let target = reference_target::start_local(config.clone()).await?;
    Ok(LocalReference {
        target,
        config,
        stand_ins,
    })
}

/// What `authprobe demo` serves: the reference target on `addr` and both stand-ins on free
/// loopback ports, with the default clients registered under the target's callbacks and Alice as
/// the one account, so that a browser can click through "Sign in with Google/GitHub".
pub async fn start_demo_reference(
    config: TargetConfig,
    addr: SocketAddr,
) -> Result<LocalReference, AppError> {
    let stand_ins = start_provider_stand_ins(&StandInAddresses::default()).await?;
    let config = signing_in_with(config, &stand_ins)?;
    let target = reference_target::start(config.clone(), addr).await?;
    let origin = target.url().as_str().trim_end_matches('/').to_owned();
    if let Some(google) = &stand_ins.google {
        google.register(DEFAULT_TENANT, GoogleConfig::with_defaults(Some(&origin)))?;
    }
    if let Some(github) = &stand_ins.github {
        github.register(DEFAULT_TENANT, GithubConfig::with_defaults(Some(&origin)));
    }
    Ok(LocalReference {
        target,
        config,
        stand_ins,
    })
}

/// Both stand-ins, each on its address or on a free loopback port.
async fn start_provider_stand_ins(
    addresses: &StandInAddresses,
) -> Result<Arc<SharedStandIns>, AppError> {
    let loopback = Listen::loopback();
    let stand_ins = SharedStandIns::start(
        Some(addresses.google.as_ref().unwrap_or(&loopback)),
        Some(addresses.github.as_ref().unwrap_or(&loopback)),
        StandInOptions::default(),
    )
    .await?;
    Ok(Arc::new(stand_ins))
}

/// `config` with Google and GitHub login configured against the stand-ins and their default
/// clients (the ones every suite's tenant registers unless it names its own).
fn signing_in_with(
    mut config: TargetConfig,
    stand_ins: &SharedStandIns,
) -> Result<TargetConfig, AppError> {
    if let Some(google) = &stand_ins.google {
        let urls = google.urls();
        config.google = Some(GoogleClient {
            authorize_url: stand_in_url(&urls.authorize_url)?,
            token_url: stand_in_url(&urls.token_url)?,
            jwks_url: stand_in_url(&urls.jwks_url)?,
            issuer: urls.issuer.clone(),
            client_id: DEFAULT_GOOGLE_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_GOOGLE_CLIENT_SECRET.to_owned(),
        });
    }
    if let Some(github) = &stand_ins.github {
        let urls = github.urls();
        config.github = Some(GithubClient {
            authorize_url: stand_in_url(&urls.authorize_url)?,
            token_url: stand_in_url(&urls.token_url)?,
            api_base_url: stand_in_url(&urls.api_url)?,
            client_id: DEFAULT_GITHUB_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_GITHUB_CLIENT_SECRET.to_owned(),
        });
    }
    Ok(config)
}

fn stand_in_url(text: &str) -> Result<Url, AppError> {
    Url::parse(text).map_err(|source| AppError::StandInUrl {
        url: text.to_owned(),
        source,
    })
}

/// Starts the stand-ins that have an address, for every suite of a run to share.
pub(super) fn start_shared(
    runtime: &tokio::runtime::Runtime,
    addresses: &StandInAddresses,
) -> Result<Option<Arc<SharedStandIns>>, AppError> {
    if addresses.google.is_none() && addresses.github.is_none() {
        return Ok(None);
    }
    let stand_ins = runtime.block_on(SharedStandIns::start(
        addresses.google.as_ref(),
        addresses.github.as_ref(),
        StandInOptions::default(),
    ))?;
    Ok(Some(Arc::new(stand_ins)))
}

/// `authprobe mock`: serves until Ctrl-C.
pub fn mock(config: &MockConfig, out: &mut (dyn Write + Send)) -> Result<u8, AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    runtime.block_on(serve_mock(config, out, async {
        let _ = tokio::signal::ctrl_c().await;
    }))?;
    Ok(exit::SUCCESS)
}

/// Starts the stand-ins with the default users and clients (callbacks under `--target`), prints
/// the settings a target needs as `NAME=value` lines, then one line per call until `stop`.
pub async fn serve_mock(
    config: &MockConfig,
    out: &mut (dyn Write + Send),
    stop: impl Future<Output = ()>,
) -> Result<(), AppError> {
    let (calls, mut received) = tokio::sync::mpsc::unbounded_channel::<String>();
    let options = StandInOptions {
        observer: Some(Arc::new(move |call: &RecordedCall| {
            let _ = calls.send(call.log_line());
        })),
        ..StandInOptions::default()
    };
    let stand_ins = SharedStandIns::start(
        config.stand_ins.google.as_ref(),
        config.stand_ins.github.as_ref(),
        options,
    )
    .await?;
    let target = config
        .target
        .as_ref()
        .map(|url| url.as_str().trim_end_matches('/').to_owned());
    let mut google_scope = None;
    let mut github_scope = None;
    if let Some(google) = &stand_ins.google {
        let settings = GoogleConfig::with_defaults(target.as_deref());
        google.register(DEFAULT_TENANT, settings.clone())?;
        google_scope = Some(mock::google_scope(google.urls(), &settings));
    }
    if let Some(github) = &stand_ins.github {
        let settings = GithubConfig::with_defaults(target.as_deref());
        github.register(DEFAULT_TENANT, settings.clone());
        github_scope = Some(mock::github_scope(github.urls(), &settings));
    }
    let _ = writeln!(out, "# authprobe stand-ins: give the target these settings");
    for line in mock::env_lines(google_scope.as_ref(), github_scope.as_ref()) {
        let _ = writeln!(out, "{line}");
    }
    match &target {
        Some(target) => {
            let _ = writeln!(
                out,
                "# registered callbacks: {target}{} and {target}{}",
                mock::DEFAULT_GOOGLE_CALLBACK_PATH,
                mock::DEFAULT_GITHUB_CALLBACK_PATH
            );
        }
        None => {
            let _ = writeln!(
                out,
                "# no callback is registered: pass --target URL of the app under test"
            );
        }
    }
    let unannounced = [&config.stand_ins.google, &config.stand_ins.github]
        .into_iter()
        .flatten()
        .any(|listen| listen.addr.ip().is_unspecified() && listen.public_url.is_none());
    if unannounced {
        let _ = writeln!(
            out,
            "# warning: listening on all interfaces but announcing 127.0.0.1; pass --public-url URL"
        );
    }
    let _ = writeln!(out, "# serving; every call is logged below (Ctrl-C stops)");
    let _ = out.flush();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            line = received.recv() => match line {
                Some(line) => {
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
                None => break,
            },
            () = &mut stop => break,
        }
    }
    let _ = writeln!(out, "# stopping");
    let _ = out.flush();
    Ok(())
}
