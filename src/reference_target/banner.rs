//! What `authprobe demo` prints when the target is up: where it is, its flaws, the demo
//! credentials, the routes, and a first command to try.

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
    let _ = writeln!(text, "  authprobe run --target {url}");
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
    fn a_flawed_banner_names_each_flaw_with_its_description() {
        let flaws: FlawSet = [Flaw::AcceptAlgNone, Flaw::NoRefreshRotation]
            .into_iter()
            .collect();
        let text = banner(&url(), &TargetConfig::with_flaws(flaws));
        let flaw_lines: Vec<&str> = text.lines().skip(2).take(3).collect();
        insta::assert_snapshot!(flaw_lines.join("\n"));
    }
}
