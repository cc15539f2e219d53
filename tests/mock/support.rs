//! What every stand-in test needs: a browser that does not follow redirects, stand-ins started on
//! free loopback ports with one suite registered, and small readers for redirects and bodies.

use authprobe::mock::{
    DEFAULT_TENANT, GithubConfig, GithubStandIn, GoogleConfig, GoogleStandIn, Listen, RecordedCall,
    Scenario, StandInOptions,
};
use url::Url;

pub const GOOGLE_REDIRECT: &str = "http://127.0.0.1:8000/auth/google/callback";
pub const GITHUB_REDIRECT: &str = "http://127.0.0.1:8000/auth/github/callback";

/// The test plays the browser: it opens the authorization URL and reads where the provider sends
/// it, without going there.
pub struct Browser {
    client: reqwest::Client,
}

impl Browser {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("authprobe-tests")
            .build()
            .expect("a client");
        Browser { client }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Opens `url` and returns the `Location` it redirects to (failing the test otherwise).
    pub async fn authorize(&self, url: &str) -> Url {
        let response = self
            .client
            .get(url)
            .send()
            .await
            .expect("the stand-in answers");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().expect("ascii").to_owned());
        assert_eq!(
            status,
            302,
            "authorization should redirect, got {status}: {}",
            response.text().await.unwrap_or_default()
        );
        Url::parse(&location.expect("a Location header")).expect("an absolute Location")
    }

    /// Opens the authorization URL and returns the code of the redirect.
    pub async fn code(&self, url: &str) -> String {
        let location = self.authorize(url).await;
        query(&location, "code").unwrap_or_else(|| panic!("no code in {location}"))
    }
}

pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub fn google_config(scenario: Option<Scenario>) -> GoogleConfig {
    let mut config = GoogleConfig::with_defaults(Some("http://127.0.0.1:8000"));
    config.scenario = scenario;
    config
}

pub fn github_config(scenario: Option<Scenario>) -> GithubConfig {
    let mut config = GithubConfig::with_defaults(Some("http://127.0.0.1:8000"));
    config.scenario = scenario;
    config
}

pub async fn google(config: GoogleConfig) -> GoogleStandIn {
    google_with(config, StandInOptions::default()).await
}

pub async fn google_with(config: GoogleConfig, options: StandInOptions) -> GoogleStandIn {
    let google = GoogleStandIn::start(&Listen::loopback(), options)
        .await
        .expect("google starts");
    google
        .register(DEFAULT_TENANT, config)
        .expect("suite registers");
    google
}

pub async fn github(config: GithubConfig) -> GithubStandIn {
    let github = GithubStandIn::start(&Listen::loopback(), StandInOptions::default())
        .await
        .expect("github starts");
    github.register(DEFAULT_TENANT, config);
    github
}

/// The recorded calls to one endpoint, by name (`google.token`).
pub fn calls_to<'a>(calls: &'a [RecordedCall], endpoint: &str) -> Vec<&'a RecordedCall> {
    calls
        .iter()
        .filter(|call| call.endpoint.name() == endpoint)
        .collect()
}

/// A Google authorization URL built by hand, for tests that do not need a client library.
pub fn google_authorize_url(google: &GoogleStandIn, extra: &[(&str, &str)]) -> String {
    let mut url = Url::parse(&google.urls().authorize_url).expect("url");
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", authprobe::mock::DEFAULT_GOOGLE_CLIENT_ID)
            .append_pair("redirect_uri", GOOGLE_REDIRECT)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email profile")
            .append_pair("state", "st4te");
        for (name, value) in extra {
            query.append_pair(name, value);
        }
    }
    url.to_string()
}

/// A GitHub authorization URL built by hand.
pub fn github_authorize_url(github: &GithubStandIn, extra: &[(&str, &str)]) -> String {
    let mut url = Url::parse(&github.urls().authorize_url).expect("url");
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", authprobe::mock::DEFAULT_GITHUB_CLIENT_ID)
            .append_pair("scope", "user:email")
            .append_pair("state", "st4te");
        for (name, value) in extra {
            query.append_pair(name, value);
        }
    }
    url.to_string()
}

/// Status, content type and body of a response.
pub async fn read(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.expect("a body"))
}
