//! Stand-ins on fixed addresses, started once and shared by every suite of a run (or served on
//! their own by `authprobe mock`). Each suite registers as a tenant; see [`super::tenants`].

use super::github::GithubStandIn;
use super::google::GoogleStandIn;
use super::server::{Listen, MockError, StandInOptions};

/// The stand-ins given with `--google-addr` and `--github-addr`.
#[derive(Debug, Default)]
pub struct SharedStandIns {
    pub google: Option<GoogleStandIn>,
    pub github: Option<GithubStandIn>,
}

impl SharedStandIns {
    /// Starts the stand-ins that have an address, with no suite registered.
    pub async fn start(
        google: Option<&Listen>,
        github: Option<&Listen>,
        options: StandInOptions,
    ) -> Result<Self, MockError> {
        let google = match google {
            Some(listen) => Some(GoogleStandIn::start(listen, options.clone()).await?),
            None => None,
        };
        let github = match github {
            Some(listen) => Some(GithubStandIn::start(listen, options).await?),
            None => None,
        };
        Ok(SharedStandIns { google, github })
    }

    pub fn is_empty(&self) -> bool {
        self.google.is_none() && self.github.is_none()
    }
}
