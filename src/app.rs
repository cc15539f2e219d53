//! What each command does, from resolved settings to an exit code: load, run, mask, report, scan.
//! Knows nothing of clap (that is [`crate::cli`]) and prints only through the writers it is given.

use std::io::Write;
use std::sync::Arc;

use crate::config::{DemoConfig, RunConfig, SuiteSelection};
use crate::exit;
use crate::reference_target::{self, TargetConfig};
use crate::report::{self, ConsoleListener};
use crate::runner::{self, RunEvent, RunListener, RunOptions, StepResult};
use crate::secret;
use crate::snapshot;
use crate::suite::{self, Diagnostic, DiagnosticKind, LoadOptions, Suite};

mod jwt_tool;
mod stand_ins;
pub use jwt_tool::{ForgeCommand, JwtCommand, VerifyKey, jwt};
pub use stand_ins::{
    LocalReference, mock, serve_mock, start_demo_reference, start_local_reference,
};

/// A failure that ends the command before or outside the run, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{} suite error{} found; nothing was run", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Suites(Vec<Diagnostic>),
    #[error(transparent)]
    Discover(#[from] suite::DiscoverError),
    #[error(transparent)]
    EnvFile(#[from] crate::env_file::EnvFileError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Run(#[from] runner::RunError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
    #[error("failed to start the async runtime")]
    Runtime(#[source] std::io::Error),
    #[error(transparent)]
    Target(#[from] reference_target::StartError),
    #[error(transparent)]
    Mock(#[from] crate::mock::MockError),
    #[error("a stand-in announced an invalid URL `{url}`")]
    StandInUrl {
        url: String,
        #[source]
        source: url::ParseError,
    },
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Suites(_)
            | AppError::Discover(_)
            | AppError::EnvFile(_)
            | AppError::Usage(_) => exit::USAGE,
            AppError::Run(_)
            | AppError::Report(_)
            | AppError::Runtime(_)
            | AppError::Target(_)
            | AppError::Mock(_)
            | AppError::StandInUrl { .. } => exit::RUNTIME,
        }
    }
}

/// Loads every selected suite; all files are read so that every mistake is reported at once.
pub fn load(selection: &SuiteSelection) -> Result<Vec<Suite>, AppError> {
    let options = LoadOptions {
        cli_vars: selection
            .vars
            .iter()
            .map(|(name, _)| name.clone())
            .collect(),
        env: selection.env.clone(),
    };
    let files = suite::discover(&selection.paths)?;
    let mut suites = Vec::with_capacity(files.len());
    let mut diagnostics = Vec::new();
    for file in &files {
        match suite::load_file(file, &options) {
            Ok(suite) => suites.push(suite),
            // A suite that reads an environment variable this machine lacks (a staging secret)
            // is no mistake when the tags leave it out.
            Err(found)
                if found.iter().all(|diagnostic| {
                    diagnostic.kind == DiagnosticKind::UnsetEnvironmentVariable
                }) && suite::declared_tags(file).is_some_and(|tags| !selection.wants(&tags)) => {}
            Err(mut found) => {
                // In the order of the text, not the order they were checked in.
                found.sort_by_key(|diagnostic| diagnostic.span.offset);
                diagnostics.extend(found);
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(AppError::Suites(diagnostics));
    }
    Ok(suites)
}

/// The loaded suites that `--tag`/`--skip-tag` select; none is a usage error that names the tags
/// there are.
fn select(selection: &SuiteSelection, suites: Vec<Suite>) -> Result<Vec<Suite>, AppError> {
    if suites.iter().any(|suite| selection.wants(&suite.tags)) {
        return Ok(suites
            .into_iter()
            .filter(|suite| selection.wants(&suite.tags))
            .collect());
    }
    let mut known: Vec<&str> = suites
        .iter()
        .flat_map(|suite| suite.tags.iter().map(String::as_str))
        .collect();
    known.sort_unstable_by_key(|tag| tag.to_ascii_lowercase());
    known.dedup_by(|tag, kept| tag.eq_ignore_ascii_case(kept));
    let known = if known.is_empty() {
        "none of the suites has tags".to_owned()
    } else {
        format!("their tags: {}", known.join(", "))
    };
    Err(AppError::Usage(format!(
        "no suite matches the --tag/--skip-tag filters ({known})"
    )))
}

/// A warning for each `--var` that no selected suite reads or declares: most often a typo, which
/// would otherwise leave the suite's own value in place without a word.
fn unused_vars(selection: &SuiteSelection, suites: &[Suite]) -> Vec<String> {
    // The variables the suites declare or read: a `--var` among them is used.
    let known: Vec<&str> = suites
        .iter()
        .flat_map(|suite| {
            suite
                .vars
                .iter()
                .map(|(var, _)| var.as_str())
                .chain(suite.templates.variables_read().iter().map(String::as_str))
        })
        .collect();
    selection
        .vars
        .iter()
        .filter(|(name, _)| !known.contains(&name.as_str()))
        .map(|(name, _)| {
            let hint = suite::closest(name, known.iter().copied())
                .map(|near| format!(" (did you mean `{near}`?)"))
                .unwrap_or_default();
            format!("warning: --var `{name}` is not read by any suite selected{hint}")
        })
        .collect()
}

/// `authprobe validate`: load and check, run nothing.
pub fn validate(
    selection: &SuiteSelection,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, AppError> {
    let suites = select(selection, load(selection)?)?;
    for warning in unused_vars(selection, &suites) {
        let _ = writeln!(err, "{warning}");
    }
    let steps: usize = suites.iter().map(|suite| suite.steps.len()).sum();
    let _ = writeln!(
        out,
        "{} suite{} with {steps} step{} {} valid",
        suites.len(),
        if suites.len() == 1 { "" } else { "s" },
        if steps == 1 { "" } else { "s" },
        if suites.len() == 1 { "is" } else { "are" }
    );
    Ok(exit::SUCCESS)
}

/// `authprobe list`: suites, their tags and steps.
pub fn list(selection: &SuiteSelection, out: &mut dyn Write) -> Result<u8, AppError> {
    let suites = select(selection, load(selection)?)?;
    for suite in &suites {
        let tags = if suite.tags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", suite.tags.join(", "))
        };
        let _ = writeln!(
            out,
            "{}{tags}  ({})",
            suite.name,
            suite.source.display_name()
        );
        if let Some(description) = &suite.description {
            for line in description.trim().lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        for step in &suite.steps {
            let identity = step
                .identity
                .as_ref()
                .map_or(String::new(), |name| format!(" (as {name})"));
            let _ = writeln!(
                out,
                "  {:<7} {}{identity}  line {}",
                step.request
                    .as_ref()
                    .map_or("CHECK", |request| request.method.as_str()),
                step.name,
                step.span.line
            );
        }
    }
    Ok(exit::SUCCESS)
}

/// `authprobe run`: the main job. Without a target, the built-in reference target is started on a
/// free loopback port, and its demo credentials are the `AUTHPROBE_*` environment variables the
/// bundled suites read (over the environment's own, which are for your server). A suite's own
/// vars, and `--var`, are left as they are.
pub fn run(
    config: &RunConfig,
    out: &mut (dyn Write + Send),
    err: &mut dyn Write,
) -> Result<u8, AppError> {
    let mut selection = config.selection.clone();
    if config.target.is_none() {
        let mut env = (*selection.env).clone();
        env.extend(reference_target::demo::environment());
        selection.env = Arc::new(env);
    }
    let suites = select(&config.selection, load(&selection)?)?;
    for warning in unused_vars(&config.selection, &suites) {
        let _ = writeln!(err, "{warning}");
    }
    if config.blank_target_variable {
        let _ = writeln!(
            err,
            "warning: AUTHPROBE_TARGET is set but empty: the suites run against the built-in \
             reference target, not your server"
        );
    }
    if !config.reports.is_empty() {
        report::check_report_dir(&config.report_dir, &config.reports)?;
    }
    let mut options = RunOptions {
        target: config.target.clone(),
        vars: selection.vars.clone(),
        env: selection.env.clone(),
        timeout: config.timeout,
        fail_fast: config.fail_fast,
        client: crate::http::ClientOptions {
            insecure: config.insecure,
            ca_certs: config.ca_certs.clone(),
            max_body_bytes: config.max_body_bytes,
        },
        stand_ins: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    let reference = match &config.target {
        Some(_) => {
            options.stand_ins = stand_ins::start_shared(&runtime, &config.stand_ins)?;
            None
        }
        None => {
            // The reference target signs in with stand-ins that every suite's `mocks:` shares.
            let target_config = TargetConfig::with_flaws(config.flaws.clone());
            let local =
                runtime.block_on(start_local_reference(target_config, &config.stand_ins))?;
            let _ = writeln!(
                out,
                "reference target: {} (flaws: {})",
                local.target.url(),
                config.flaws
            );
            options.target = Some(local.target.url().clone());
            options.stand_ins = Some(Arc::clone(&local.stand_ins));
            Some(local.target)
        }
    };
    let mut listener = FinishingListener {
        console: ConsoleListener::new(&mut *out),
        draft_json: config.reports.contains(&report::ReportFormat::Json),
        draft_html: config.reports.contains(&report::ReportFormat::Html),
        suite: None,
        next_step: 0,
    };
    let mut result = runtime.block_on(async {
        let (stop, cancel) = tokio::sync::watch::channel(false);
        let interrupt = tokio::spawn(async move {
            stop_requested().await;
            let _ = stop.send(true);
        });
        let result = runner::run(&suites, &options, &mut listener, cancel).await;
        interrupt.abort();
        result
    })?;
    // The console was shown every step the result holds and learnt their secrets as they came.
    let redactor = listener.console.into_redactor();
    if let Some(target) = reference {
        runtime.block_on(target.shutdown())?;
    }

    redactor.mask_run(&mut result);
    let mut snapshots = snapshot::check_run(&suites, &mut result, &redactor, &config.snapshots);
    if !config.selection.tags.is_empty() || !config.selection.skip_tags.is_empty() {
        // A suite left out by a tag may share a folder (its file's name) with one that ran.
        snapshots.stale.clear();
    }
    let _ = report::write_snapshot_notes(out, &snapshots);
    // The outcome is shown before the reports are written: it must not be lost if they cannot be.
    let _ = report::write_summary(out, &result);
    let mut written =
        report::write_reports(&result, &config.report_dir, &config.reports, &redactor)?;
    for file in &written {
        let _ = writeln!(out, "report: {}", file.display());
    }
    let (removed, kept) = if config.reports.is_empty() {
        Default::default()
    } else {
        report::remove_stale_reports(&config.report_dir, &config.reports)
    };
    for file in &removed {
        let _ = writeln!(out, "removed {}: an earlier run's report", file.display());
    }
    for (file, error) in &kept {
        let _ = writeln!(
            err,
            "warning: {} is an earlier run's report and could not be removed: {error}",
            file.display()
        );
    }
    written.extend(snapshots.written);
    let leaks = secret::scan_files(&written, redactor.secrets());
    for leak in &leaks {
        // Never the secret itself: where, and how long what was found is.
        let short = if leak.length <= SHORT_SECRET {
            format!(
                " ({} characters: a secret that short may be text the report writes itself, \
                 such as a date or a word of its page)",
                leak.length
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            err,
            "error: a secret survived masking in {}:{}{short}",
            leak.file.display(),
            leak.line
        );
    }
    if !leaks.is_empty() {
        // The summary above was written before the files were scanned.
        let _ = writeln!(
            err,
            "a file the run wrote holds a secret (named above): the run fails for it; do not \
             publish those files"
        );
    }
    let code = if result.interrupted {
        exit::INTERRUPTED
    } else if result.summary.all_passed() && leaks.is_empty() {
        exit::SUCCESS
    } else {
        exit::CHECK_FAILED
    };
    // The process ends with this command: freeing a large run allocation by allocation would
    // take a millisecond that the operating system, taking the whole heap back at exit, does not.
    std::mem::forget((result, suites));
    Ok(code)
}

/// Found text this short, a leak may be the report's own words.
const SHORT_SECRET: usize = 6;

/// Ctrl-C, or SIGTERM (what CI sends a cancelled job). Once a handler is in place, a signal no
/// longer ends the process: one that comes while the reports are written waits for them.
async fn stop_requested() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    () = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}

/// The console, and the end of the run's work on each step done during the run, while a later
/// step's request is on the wire (see [`RunListener::step_reported`]): the step masked with the
/// secrets learnt so far, and drafted for `results.json` and the HTML report when they are wanted.
struct FinishingListener<W: Write + Send> {
    console: ConsoleListener<W>,
    draft_json: bool,
    draft_html: bool,
    /// The suite being run: its place in the run and its file.
    suite: Option<(usize, String)>,
    /// The place in its suite of the next step reported.
    next_step: usize,
}

impl<W: Write + Send> RunListener for FinishingListener<W> {
    fn on_event(&mut self, event: RunEvent<'_>) {
        if let RunEvent::SuiteStarted { file, .. } = event {
            let index = self.suite.as_ref().map_or(0, |(index, _)| index + 1);
            self.suite = Some((index, file.to_owned()));
            self.next_step = 0;
        }
        self.console.on_event(event);
    }

    fn step_reported(&mut self, step: &mut StepResult) {
        let index = self.next_step;
        self.next_step += 1;
        let redactor = self.console.redactor();
        // The reports' drafts are of the step masked: none without it.
        if !redactor.mask_step_early(step) {
            return;
        }
        if self.draft_json {
            step.drafts.json = report::draft_step(step);
        }
        if !self.draft_html {
            return;
        }
        if let Some((suite, file)) = &self.suite {
            step.drafts.html = Some(report::draft_step_html(*suite, index, file, step, redactor));
        }
    }
}

/// `authprobe demo`: serve the reference target until Ctrl-C.
pub fn demo(config: &DemoConfig, out: &mut dyn Write) -> Result<u8, AppError> {
    let target_config = TargetConfig {
        flaws: config.flaws.clone(),
        jwt_algorithm: config.jwt_algorithm,
        ..TargetConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(AppError::Runtime)?;
    runtime.block_on(async {
        let LocalReference {
            target,
            stand_ins,
            config: served,
        } = start_demo_reference(target_config, config.addr).await?;
        let _ = write!(out, "{}", reference_target::banner(target.url(), &served));
        let _ = out.flush();
        let _ = tokio::signal::ctrl_c().await;
        target.shutdown().await?;
        drop(stand_ins);
        let _ = writeln!(out, "stopped");
        Ok(exit::SUCCESS)
    })
}

/// Renders suite diagnostics the way the CLI prints them.
pub fn render_diagnostics(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut rendered = String::new();
    for diagnostic in diagnostics {
        let _ = handler.render_report(&mut rendered, diagnostic);
        rendered.push('\n');
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::StepStatus;

    #[test]
    fn the_steps_of_a_passing_run_that_declares_a_secret_are_masked_and_drafted_as_they_come() {
        let mut out = Vec::new();
        let mut listener = FinishingListener {
            console: ConsoleListener::new(&mut out),
            draft_json: true,
            draft_html: true,
            suite: None,
            next_step: 0,
        };
        listener.on_event(RunEvent::SuiteStarted {
            name: "a suite",
            file: "suites/a.yaml",
            steps: 3,
        });
        let mut steps: Vec<StepResult> = (0..3)
            .map(|n| {
                let mut step = StepResult::skipped(&format!("step {n}"), n + 1, "");
                step.status = StepStatus::Passed;
                step.error = Some(format!("holds declared-password-{n}"));
                step.secrets = vec!["declared-password-0".to_owned()];
                step
            })
            .collect();
        for step in &mut steps {
            listener.on_event(RunEvent::StepFinished {
                suite: "a suite",
                step,
            });
            listener.step_reported(step);
        }
        for step in &steps {
            assert!(step.drafts.masked.is_some(), "{} not masked", step.name);
            assert!(step.drafts.json.is_some() && step.drafts.html.is_some());
        }
        assert_eq!(steps[0].error.as_deref(), Some("holds ••••••"));
    }
}
