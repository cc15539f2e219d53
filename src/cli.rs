//! The command line: clap's types, and their conversion into [`crate::config`] settings. The only
//! module that knows clap.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::{self, AppError};
use crate::config::{DemoConfig, MockConfig, RunConfig, StandInAddresses, SuiteSelection};
use crate::reference_target::{Flaw, JwtAlgorithm};
use crate::report::ReportFormat;
use crate::{env_file, exit, suite};

#[derive(Debug, Parser)]
#[command(name = "authprobe", version, about, after_help = exit::HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once per process: boxing would save nothing"
)]
enum Command {
    /// Run suites against a target and write reports.
    #[command(after_help = exit::HELP)]
    Run(RunArgs),
    /// Load and check suites; run nothing.
    #[command(after_help = exit::VALIDATE_HELP)]
    Validate(SuiteArgs),
    /// List suites, their tags and steps.
    List(SuiteArgs),
    /// Serve the built-in reference target until Ctrl-C, optionally with flaws switched on.
    Demo(DemoArgs),
    /// Serve the Google and GitHub stand-ins for a staging server (on the addresses given, else on
    /// free loopback ports), print the settings to give it, and log every call they receive
    /// (Ctrl-C stops).
    Mock(MockArgs),
    /// Decode, verify or forge a JWT with the toolkit suites use.
    #[command(subcommand)]
    Jwt(JwtArgs),
}

#[derive(Debug, Subcommand)]
enum JwtArgs {
    /// Print a token's header and claims; the signature is not checked.
    Decode {
        /// The token, or `-` to read it from standard input.
        token: String,
    },
    /// Check a token's signature, algorithm and time claims: exit 0 when valid, 1 when not.
    Verify {
        /// The token, or `-` to read it from standard input.
        token: String,
        /// The HMAC secret (HS256/384/512); or give --pem.
        #[arg(long, conflicts_with = "pem", allow_hyphen_values = true)]
        secret: Option<String>,
        /// A file with the RSA or EC public key in PEM.
        #[arg(long, value_name = "FILE")]
        pem: Option<PathBuf>,
        /// An algorithm the token may use (repeatable); default: any the key is for.
        #[arg(long = "alg", value_name = "ALG")]
        algorithms: Vec<String>,
        /// Clock skew allowed on `exp` and `nbf`: `60s`, `2m`.
        #[arg(long, default_value = "60s", value_parser = parse_leeway)]
        leeway: u64,
    },
    /// Print the tokens an attack sends, one `name<TAB>token` a line.
    Forge {
        /// The token, or `-` to read it from standard input.
        token: String,
        /// The attack, as named under `attacks.jwt` (alg-none, weak-secrets, expired, ...).
        #[arg(long)]
        attack: String,
        /// The target's test signing key, for attacks that re-sign (expired, wrong-aud, ...).
        #[arg(long, allow_hyphen_values = true)]
        key: Option<String>,
        /// A file with the target's RSA public key in PEM, for key-confusion.
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
        /// For jku and x5u: a server you watch for the target's fetch; the forged headers point at
        /// `<URL>/authprobe/jwks.json` and `<URL>/authprobe/cert.pem`.
        #[arg(long, value_name = "URL")]
        listener: Option<url::Url>,
        /// For refresh-as-access: the refresh token, sent as if it were an access token.
        #[arg(long, value_name = "TOKEN")]
        refresh_token: Option<String>,
        /// For id-token-as-access: the ID token, sent as if it were an access token.
        #[arg(long, value_name = "TOKEN")]
        id_token: Option<String>,
    },
}

#[derive(Debug, Args)]
struct StandInArgs {
    /// Serve the Google stand-in on this address (e.g. 0.0.0.0:8081), shared by every suite.
    #[arg(long, value_name = "ADDR")]
    google_addr: Option<SocketAddr>,
    /// Serve the GitHub stand-in on this address, shared by every suite.
    #[arg(long, value_name = "ADDR")]
    github_addr: Option<SocketAddr>,
    /// Scheme and host by which the target reaches the stand-ins (each keeps its port); every URL
    /// they announce (discovery, issuer, JWKS, redirects) uses it.
    #[arg(long, value_name = "URL")]
    public_url: Option<url::Url>,
    /// The Google stand-in's whole base URL as the target reaches it (a proxy, a port mapping).
    #[arg(long, value_name = "URL")]
    google_public_url: Option<url::Url>,
    /// The GitHub stand-in's whole base URL as the target reaches it.
    #[arg(long, value_name = "URL")]
    github_public_url: Option<url::Url>,
}

#[derive(Debug, Args)]
struct MockArgs {
    #[command(flatten)]
    stand_ins: StandInArgs,
    /// The app under test: its /auth/google/callback and /auth/github/callback are registered.
    #[arg(long, value_name = "URL", value_parser = parse_target)]
    target: Option<TargetUrl>,
}

#[derive(Debug, Args)]
struct SuiteArgs {
    /// Suite files or folders (searched for *.yaml and *.yml).
    #[arg(default_value = "suites")]
    paths: Vec<PathBuf>,
    /// Set a variable, overriding the suite's own value (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read NAME=value lines that templates see as `env.NAME` (they override the environment).
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,
    /// Only suites with this tag (repeatable: any of them).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Leave out suites with this tag (repeatable).
    #[arg(long = "skip-tag", value_name = "TAG")]
    skip_tags: Vec<String>,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    suites: SuiteArgs,
    /// Base URL that relative step URLs resolve against. Without it, the built-in reference target
    /// is started on a free loopback port and the suites run against it.
    #[arg(long, env = "AUTHPROBE_TARGET", value_name = "URL", value_parser = parse_target)]
    target: Option<TargetUrl>,
    /// Switch a flaw on in the built-in reference target, to watch a suite catch it (repeatable).
    #[arg(long = "flaw", value_name = "NAME")]
    flaws: Vec<Flaw>,
    /// Stop after the first failed step; the rest are reported as skipped.
    #[arg(long)]
    fail_fast: bool,
    /// Per-request timeout when a step sets none: `10s`, `500ms`.
    #[arg(long, default_value = "10s", value_parser = parse_timeout)]
    timeout: Duration,
    /// Accept invalid TLS certificates (never in production CI).
    #[arg(long)]
    insecure: bool,
    /// Trust the CA certificates in this PEM file too (a staging server's private CA); repeatable.
    #[arg(long, value_name = "FILE")]
    ca_cert: Vec<PathBuf>,
    /// Where reports are written.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    report_dir: PathBuf,
    /// Which reports to write (comma-separated).
    #[arg(
        long = "report",
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "json,junit,html"
    )]
    reports: Vec<ReportFormat>,
    /// Responses larger than this fail their step.
    #[arg(long, default_value_t = 4 * 1024 * 1024, value_name = "BYTES")]
    max_body_size: usize,
    /// Where response snapshots are kept (review them in pull requests).
    #[arg(long, default_value = "snapshots", value_name = "DIR")]
    snapshot_dir: PathBuf,
    /// Accept this run's responses as the snapshots of steps that passed their other checks.
    #[arg(long, conflicts_with = "ci")]
    update_snapshots: bool,
    /// CI mode: a step without an accepted snapshot fails instead of only recording one.
    #[arg(long)]
    ci: bool,
    #[command(flatten)]
    stand_ins: StandInArgs,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:8000", value_name = "ADDR")]
    addr: std::net::SocketAddr,
    /// Switch a flaw on (repeatable).
    #[arg(long = "flaw", value_name = "NAME")]
    flaws: Vec<Flaw>,
    /// How access and refresh tokens are signed.
    #[arg(long, default_value = "hs256", value_name = "ALG")]
    jwt_alg: JwtAlgorithm,
}

/// Flaw names and descriptions come from the reference target; clap only lists them.
impl ValueEnum for Flaw {
    fn value_variants<'a>() -> &'a [Self] {
        Flaw::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.description()))
    }
}

impl ValueEnum for ReportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        ReportFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.file_name()))
    }
}

impl ValueEnum for JwtAlgorithm {
    fn value_variants<'a>() -> &'a [Self] {
        &[JwtAlgorithm::Hs256, JwtAlgorithm::Rs256]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            JwtAlgorithm::Hs256 => PossibleValue::new("hs256").help("HMAC with the demo secret"),
            JwtAlgorithm::Rs256 => {
                PossibleValue::new("rs256").help("RSA, key published at /.well-known/jwks.json")
            }
        })
    }
}

/// Whether `AUTHPROBE_TARGET` is set but blank: then an empty target came from it, not from
/// `--target ""` (a CI variable that was never set), which is a mistake.
fn target_variable_is_blank() -> bool {
    std::env::var_os("AUTHPROBE_TARGET")
        .is_some_and(|value| value.to_string_lossy().trim().is_empty())
}

/// A `--target` as given: empty (an `AUTHPROBE_TARGET=` left blank) means none.
#[derive(Debug, Clone)]
struct TargetUrl(Option<url::Url>);

/// An http(s) URL with a host; a missing scheme (`localhost:8000`) gets a hint instead of failing
/// every step later.
fn parse_target(text: &str) -> Result<TargetUrl, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(TargetUrl(None));
    }
    let with_scheme = || format!("write `http://{text}` (or https://)");
    let url = url::Url::parse(text).map_err(|error| match error {
        url::ParseError::RelativeUrlWithoutBase => {
            format!("`{text}` has no scheme: {}", with_scheme())
        }
        other => format!("`{text}` is not a URL: {other}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        let hint = if text.contains("://") {
            "the target is an http:// or https:// URL".to_owned()
        } else {
            with_scheme()
        };
        return Err(format!("`{text}` is not an http(s) URL: {hint}"));
    }
    Ok(TargetUrl(Some(url)))
}

/// The certificates of a `--ca-cert` PEM file.
fn read_ca_certs(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, AppError> {
    let shown = path.display();
    let pem = std::fs::read(path)
        .map_err(|error| AppError::Usage(format!("--ca-cert {shown}: {error}")))?;
    match reqwest::Certificate::from_pem_bundle(&pem) {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        _ => Err(AppError::Usage(format!(
            "--ca-cert {shown}: no certificate in it (a PEM file of `-----BEGIN CERTIFICATE-----` blocks)"
        ))),
    }
}

/// A leeway in whole seconds, as jsonwebtoken counts it (a part of a second counts as one).
fn parse_leeway(text: &str) -> Result<u64, String> {
    parse_duration(text).map(|leeway| leeway.as_secs() + u64::from(leeway.subsec_nanos() > 0))
}

/// `text` with the password of every URL in it (`https://user:password@host`) masked.
fn without_url_passwords(text: &str) -> String {
    static USERINFO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)([a-z][a-z0-9+.\-]*://[^/\s:@']*:)[^@\s/']*@")
            .expect("a valid literal regex")
    });
    USERINFO
        .replace_all(text, format!("${{1}}{}@", crate::secret::MASK))
        .into_owned()
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        zero if zero.is_zero() => {
            Err("a timeout of zero fails every request: write `10s` or `500ms`".to_owned())
        }
        timeout => Ok(timeout),
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    suite::parse_duration(text)
        .ok_or_else(|| format!("`{text}` is not a duration: write `10s` or `500ms`"))
}

/// Parses the command line, runs the command, prints any error, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap quotes a value it refused: a `--target` with a password in it among them.
            let shown = without_url_passwords(&error.render().ansi().to_string());
            let code = if error.use_stderr() {
                anstream::eprint!("{shown}");
                exit::USAGE
            } else {
                anstream::print!("{shown}");
                exit::SUCCESS
            };
            return ExitCode::from(code);
        }
    };
    let mut stdout = anstream::stdout();
    let mut stderr = std::io::stderr();
    let outcome = match cli.command {
        Command::Run(args) => {
            run_config(args).and_then(|config| app::run(&config, &mut stdout, &mut stderr))
        }
        Command::Validate(args) => selection(args)
            .and_then(|selection| app::validate(&selection, &mut stdout, &mut stderr)),
        Command::List(args) => {
            selection(args).and_then(|selection| app::list(&selection, &mut stdout))
        }
        Command::Demo(args) => app::demo(&demo_config(args), &mut stdout),
        Command::Mock(args) => mock_config(args).and_then(|config| app::mock(&config, &mut stdout)),
        Command::Jwt(args) => jwt_command(args).and_then(|command| app::jwt(&command, &mut stdout)),
    };
    let _ = stdout.flush();
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            report_error(&error, &mut stderr);
            ExitCode::from(error.exit_code())
        }
    }
}

fn report_error(error: &AppError, stderr: &mut dyn Write) {
    if let AppError::Suites(diagnostics) = error {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let _ = write!(stderr, "{}", app::render_diagnostics(diagnostics, color));
    }
    let _ = writeln!(stderr, "error: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let _ = writeln!(stderr, "  caused by: {cause}");
        source = cause.source();
    }
}

fn selection(args: SuiteArgs) -> Result<SuiteSelection, AppError> {
    let mut env: HashMap<String, String> = std::env::vars().collect();
    if let Some(path) = &args.env_file {
        env.extend(env_file::read(path)?);
    }
    let mut vars = Vec::with_capacity(args.vars.len());
    for assignment in &args.vars {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(AppError::Usage(format!(
                "--var takes NAME=VALUE, got `{assignment}`"
            )));
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(AppError::Usage(format!(
                "--var: `{name}` is not a valid variable name"
            )));
        }
        vars.push((name.to_owned(), suite::parse_scalar(value)));
    }
    Ok(SuiteSelection {
        paths: args.paths,
        vars,
        env: Arc::new(env),
        tags: args.tags,
        skip_tags: args.skip_tags,
    })
}

fn run_config(args: RunArgs) -> Result<RunConfig, AppError> {
    // Checked here, not by clap: an `AUTHPROBE_TARGET=` left empty is no target.
    let target = match args.target {
        Some(TargetUrl(None)) if !target_variable_is_blank() => {
            return Err(AppError::Usage(
                "--target is empty: give the URL of the server to test, or leave --target out to run against the built-in reference target".to_owned(),
            ));
        }
        Some(TargetUrl(url)) => url,
        None => None,
    };
    if target.is_some() && !args.flaws.is_empty() {
        return Err(AppError::Usage(
            "--flaw switches on a flaw of the built-in reference target: it cannot be used with --target".to_owned(),
        ));
    }
    let blank_target_variable = target.is_none() && target_variable_is_blank();
    Ok(RunConfig {
        selection: selection(args.suites)?,
        target,
        blank_target_variable,
        flaws: args.flaws.into_iter().collect(),
        fail_fast: args.fail_fast,
        timeout: args.timeout,
        insecure: args.insecure,
        ca_certs: args
            .ca_cert
            .iter()
            .map(|path| read_ca_certs(path))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect(),
        max_body_bytes: args.max_body_size,
        report_dir: args.report_dir,
        reports: args.reports,
        snapshots: crate::snapshot::SnapshotOptions {
            dir: args.snapshot_dir,
            update: args.update_snapshots,
            ci: args.ci,
        },
        stand_ins: stand_in_addresses(args.stand_ins, false)?,
    })
}

fn demo_config(args: DemoArgs) -> DemoConfig {
    DemoConfig {
        addr: args.addr,
        flaws: args.flaws.into_iter().collect(),
        jwt_algorithm: args.jwt_alg,
    }
}

fn mock_config(args: MockArgs) -> Result<MockConfig, AppError> {
    Ok(MockConfig {
        stand_ins: stand_in_addresses(args.stand_ins, true)?,
        target: args.target.and_then(|target| target.0),
    })
}

/// The stand-ins to start. `mock` with no address serves both on free loopback ports.
fn stand_in_addresses(args: StandInArgs, default_both: bool) -> Result<StandInAddresses, AppError> {
    use crate::mock::{Listen, PublicUrl};
    for (flag, url) in [
        ("--public-url", &args.public_url),
        ("--google-public-url", &args.google_public_url),
        ("--github-public-url", &args.github_public_url),
    ] {
        if url
            .as_ref()
            .is_some_and(|url| !matches!(url.scheme(), "http" | "https"))
        {
            return Err(AppError::Usage(format!(
                "{flag} takes an http:// or https:// URL"
            )));
        }
    }
    // Each stand-in keeps its own port and serves at its root: a path would be announced in
    // every URL and served nowhere.
    if let Some(url) = &args.public_url {
        let extra = !matches!(url.path(), "" | "/")
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some();
        if extra {
            return Err(AppError::Usage(format!(
                "--public-url takes a scheme and host only (each stand-in keeps its port and serves at its root), not `{}`; for a proxy that adds a path, give --google-public-url or --github-public-url",
                crate::http::url_as_recorded(url)
            )));
        }
    }
    let (mut google_addr, mut github_addr) = (args.google_addr, args.github_addr);
    if default_both && google_addr.is_none() && github_addr.is_none() {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        (google_addr, github_addr) = (Some(loopback), Some(loopback));
    }
    let public = |exact: Option<url::Url>| {
        exact
            .map(PublicUrl::Exact)
            .or_else(|| args.public_url.clone().map(PublicUrl::Host))
    };
    let listen = |addr: Option<SocketAddr>, exact: Option<url::Url>, flag: &str| match addr {
        Some(addr) => Ok(Some(Listen {
            addr,
            public_url: public(exact),
        })),
        None if exact.is_some() => Err(AppError::Usage(format!(
            "{flag}-public-url needs {flag}-addr"
        ))),
        None => Ok(None),
    };
    let addresses = StandInAddresses {
        google: listen(google_addr, args.google_public_url.clone(), "--google")?,
        github: listen(github_addr, args.github_public_url.clone(), "--github")?,
    };
    if args.public_url.is_some() && addresses.google.is_none() && addresses.github.is_none() {
        return Err(AppError::Usage(
            "--public-url needs --google-addr or --github-addr".to_owned(),
        ));
    }
    Ok(addresses)
}

/// Reads the token (`-` is standard input) and key files of an `authprobe jwt` command.
fn jwt_command(args: JwtArgs) -> Result<app::JwtCommand, AppError> {
    let read_token = |token: String| -> Result<String, AppError> {
        if token != "-" {
            return Ok(token);
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|error| {
            AppError::Usage(format!(
                "could not read the token from standard input: {error}"
            ))
        })?;
        Ok(text.trim().to_owned())
    };
    let read_file = |path: PathBuf| -> Result<String, AppError> {
        std::fs::read_to_string(&path)
            .map_err(|error| AppError::Usage(format!("could not read {}: {error}", path.display())))
    };
    Ok(match args {
        JwtArgs::Decode { token } => app::JwtCommand::Decode {
            token: read_token(token)?,
        },
        JwtArgs::Verify {
            token,
            secret,
            pem,
            algorithms,
            leeway,
        } => app::JwtCommand::Verify {
            token: read_token(token)?,
            key: match (secret, pem) {
                (Some(secret), _) => app::VerifyKey::Secret(secret),
                (None, Some(pem)) => app::VerifyKey::Pem(read_file(pem)?),
                (None, None) => {
                    return Err(AppError::Usage(
                        "give the key: --secret (HS256/384/512) or --pem FILE (RS*, PS*, ES*)"
                            .to_owned(),
                    ));
                }
            },
            algorithms,
            leeway,
        },
        JwtArgs::Forge {
            token,
            attack,
            key,
            public_key,
            listener,
            refresh_token,
            id_token,
        } => app::JwtCommand::Forge(app::ForgeCommand {
            token: read_token(token)?,
            attack,
            key,
            public_key_pem: public_key.map(read_file).transpose()?,
            listener,
            refresh_token,
            id_token,
        }),
    })
}
