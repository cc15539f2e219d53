//! `authprobe mock` (the stand-ins on their own, for a staging server) and the shared stand-ins of
//! `authprobe run --google-addr/--github-addr`.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;

use super::AppError;
use crate::config::{MockConfig, StandInAddresses};
use crate::exit;
use crate::mock::{
    self, DEFAULT_TENANT, GithubConfig, GoogleConfig, RecordedCall, SharedStandIns, StandInOptions,
};

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
    Ok(())
}
