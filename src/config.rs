//! The resolved settings of one invocation, free of clap: what `cli` produces and `app` consumes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use crate::reference_target::{FlawSet, JwtAlgorithm};

/// Which suites to load and what their templates can read.
#[derive(Debug, Clone, Default)]
pub struct SuiteSelection {
    pub paths: Vec<PathBuf>,
    pub vars: Vec<(String, Value)>,
    pub env: Arc<HashMap<String, String>>,
    /// Run only suites with one of these tags (all when empty).
    pub tags: Vec<String>,
    /// Never run suites with one of these tags.
    pub skip_tags: Vec<String>,
}

impl SuiteSelection {
    /// Whether a suite with `tags` is selected; tags compare ignoring ASCII case (`--tag JWT`).
    pub fn wants(&self, tags: &[String]) -> bool {
        let listed = |list: &[String], tag: &String| {
            list.iter().any(|wanted| wanted.eq_ignore_ascii_case(tag))
        };
        let included = self.tags.is_empty() || tags.iter().any(|tag| listed(&self.tags, tag));
        included && !tags.iter().any(|tag| listed(&self.skip_tags, tag))
    }
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub selection: SuiteSelection,
    /// `None` starts the built-in reference target and runs against it.
    pub target: Option<Url>,
    /// `AUTHPROBE_TARGET` was set but blank (a CI secret not available to this job): the run
    /// says, lest a green run against the reference target pass for one against the server.
    pub blank_target_variable: bool,
    /// The reference target's flaws (only without `target`).
    pub flaws: FlawSet,
    pub fail_fast: bool,
    pub timeout: Duration,
    pub insecure: bool,
    /// CA certificates trusted besides the built-in roots (`--ca-cert`).
    pub ca_certs: Vec<reqwest::Certificate>,
    pub max_body_bytes: usize,
    pub report_dir: PathBuf,
    /// Which file reports to write.
    pub reports: Vec<crate::report::ReportFormat>,
    pub snapshots: crate::snapshot::SnapshotOptions,
    /// Stand-ins on fixed addresses, shared by every suite of the run.
    pub stand_ins: StandInAddresses,
}

/// `authprobe demo`: serve the reference target for people to explore.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    pub addr: std::net::SocketAddr,
    pub flaws: FlawSet,
    pub jwt_algorithm: JwtAlgorithm,
}

/// Where stand-ins listen and what they announce (`--google-addr`, `--github-addr`,
/// `--public-url`). A stand-in without an address is not started.
#[derive(Debug, Clone, Default)]
pub struct StandInAddresses {
    pub google: Option<crate::mock::Listen>,
    pub github: Option<crate::mock::Listen>,
}

/// `authprobe mock`: the stand-ins on their own, for a staging server.
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub stand_ins: StandInAddresses,
    /// The app whose callbacks (`/auth/google/callback`, `/auth/github/callback`) are registered.
    pub target: Option<Url>,
}
