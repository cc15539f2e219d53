//! What `authprobe demo` prints when the target is up: where it is, its flaws, the demo
//! credentials, the routes, where to sign in with Google or GitHub, and first commands to try.

use std::fmt::Write as _;

use url::Url;

use super::config::TargetConfig;
use super::{ROUTES, demo};

pub fn banner(url: &Url, config: &TargetConfig) -> String {
    let base = url.as_str().trim_end_matches('/');
    let mut text = String::new();
    let _ = writeln!(text, "authprobe reference target listening on {url}");
    let _ = writeln!(
        text,
        "tokens: {}",
        if config.flaws.has(super::Flaw::WeakHmacSecret) {
            "HS256 (weak secret)"
        } else {
            config.jwt_algorithm.name()
        }
    );
    if config.flaws.is_empty() {
        let _ = writeln!(text, "flaws: none (secure)");
    } else {
        let _ = writeln!(text, "flaws:");
        for flaw in config.flaws.iter() {
            let _ = writeln!(text, "  {:<28} {}", flaw.name(), flaw.description());
        }
    }
    let _ = writeln!(text, "\ndemo credentials (fixed demo values, not secrets):");
    for user in demo::USERS {
        let _ = writeln!(text, "  user     {} / {}", user.username, user.password);
    }
    let _ = writeln!(text, "  api key  {}", demo::API_KEY);
    let _ = writeln!(text, "  jwt key  {}", demo::JWT_SECRET);
    let _ = writeln!(text, "\nroutes:");
    for (route, description) in ROUTES {
        let _ = writeln!(text, "  {route:<30} {description}");
    }
    let providers: Vec<(&str, &str, &Url)> = [
        (
            "Google",
            "google",
            config.google.as_ref().map(|google| &google.authorize_url),
        ),
        (
            "GitHub",
            "github",
            config.github.as_ref().map(|github| &github.authorize_url),
        ),
    ]
    .into_iter()
    .filter_map(|(label, path, authorize)| authorize.map(|url| (label, path, url)))
    .collect();
    if !providers.is_empty() {
        let _ = writeln!(
            text,
            "\nsign in with a browser (the stand-ins sign Alice in at once):"
        );
        for (label, path, authorize) in &providers {
            let _ = writeln!(
                text,
                "  {label:<7} {base}/auth/{path}/login   (provider at {})",
                authorize.origin().ascii_serialization()
            );
        }
    }
    let _ = writeln!(text, "\ntry:");
    let _ = writeln!(
        text,
        "  curl -i {base}/token -d username={} -d password={}",
        demo::ALICE.username,
        demo::ALICE.password
    );
    let _ = writeln!(
        text,
        "  curl -i {base}/protected-route -H 'X-API-Key: {}'",
        demo::API_KEY
    );
    if providers.is_empty() {
        let _ = writeln!(text, "  authprobe run --target {url}");
    } else {
        // The OAuth suites check what the provider saw: they need stand-ins that run with them.
        let _ = writeln!(text, "  authprobe run --target {url} --skip-tag oauth");
        let _ = writeln!(
            text,
            "  authprobe run    # every suite, OAuth included, on a reference target of its own"
        );
    }
    let _ = writeln!(text, "\nCtrl-C stops it.");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_target::{Flaw, FlawSet};

    fn url() -> Url {
        Url::parse("http://127.0.0.1:8000/").expect("url")
    }

    #[test]
    fn the_secure_banner_lists_credentials_routes_and_a_first_command() {
        insta::assert_snapshot!(banner(&url(), &TargetConfig::default()));
    }

    #[test]
    fn with_providers_the_banner_says_where_to_sign_in_and_skips_oauth_suites_for_this_target() {
        let config = TargetConfig {
            google: Some(super::super::GoogleClient::google("id", "secret")),
            github: Some(super::super::GithubClient::github("id", "secret")),
            ..TargetConfig::default()
        };
        let text = banner(&url(), &config);
        let from_sign_in = &text[text.find("\nsign in").expect("a sign-in section")..];
        insta::assert_snapshot!(from_sign_in);
    }

    #[test]
    fn a_flawed_banner_names_each_flaw_with_its_description() {
        let flaws: FlawSet = [Flaw::AcceptAlgNone, Flaw::NoRefreshRotation]
            .into_iter()
            .collect();
        let text = banner(&url(), &TargetConfig::with_flaws(flaws));
        let flaw_lines: Vec<&str> = text.lines().skip(2).take(3).collect();
        insta::assert_snapshot!(flaw_lines.join("\n"));
    }
}
