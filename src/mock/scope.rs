//! What suite templates see of a stand-in, as `mocks.google.*` and `mocks.github.*`: its URLs and
//! the first registered client, plus every client and user. Also the source of the environment
//! lines `authprobe mock` prints.

use serde_json::{Map, Value, json};

use super::config::{Client, GithubConfig, GoogleConfig};
use super::endpoint::Provider;
use super::github::GithubUrls;
use super::google::GoogleUrls;

pub const GOOGLE_SCOPE_KEYS: &[&str] = &[
    "url",
    "issuer",
    "discovery_url",
    "authorize_url",
    "token_url",
    "userinfo_url",
    "jwks_url",
    "revoke_url",
    "client_id",
    "client_secret",
    "redirect_uri",
    "clients",
    "users",
];

pub const GITHUB_SCOPE_KEYS: &[&str] = &[
    "url",
    "authorize_url",
    "token_url",
    "api_url",
    "user_url",
    "emails_url",
    "client_id",
    "client_secret",
    "redirect_uri",
    "clients",
    "users",
];

/// The keys templates can read under `mocks.<provider>`.
pub fn scope_keys(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Google => GOOGLE_SCOPE_KEYS,
        Provider::Github => GITHUB_SCOPE_KEYS,
    }
}

pub fn google_scope(urls: &GoogleUrls, config: &GoogleConfig) -> Value {
    let mut scope = as_map(json!(urls));
    add_clients(&mut scope, &config.clients);
    let users = config
        .users
        .iter()
        .map(|user| {
            json!({
                "sub": user.sub,
                "email": user.email,
                "email_verified": user.email_verified,
                "name": user.name,
                "hd": user.hd,
            })
        })
        .collect();
    scope.insert("users".to_owned(), Value::Array(users));
    Value::Object(scope)
}

pub fn github_scope(urls: &GithubUrls, config: &GithubConfig) -> Value {
    let mut scope = as_map(json!(urls));
    add_clients(&mut scope, &config.clients);
    let users = config
        .users
        .iter()
        .map(|user| json!({ "login": user.login, "id": user.id, "email": user.email, "name": user.name }))
        .collect();
    scope.insert("users".to_owned(), Value::Array(users));
    Value::Object(scope)
}

fn as_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn add_clients(scope: &mut Map<String, Value>, clients: &[Client]) {
    let first = clients.first();
    scope.insert(
        "client_id".to_owned(),
        json!(first.map(|client| &client.id)),
    );
    scope.insert(
        "client_secret".to_owned(),
        json!(first.map(|client| &client.secret)),
    );
    scope.insert(
        "redirect_uri".to_owned(),
        json!(first.and_then(|client| client.redirect_uris.first())),
    );
    let clients: Vec<Value> = clients
        .iter()
        .map(|client| json!({ "id": client.id, "secret": client.secret, "redirect_uris": client.redirect_uris }))
        .collect();
    scope.insert("clients".to_owned(), Value::Array(clients));
}

/// `NAME=value` lines for a target's environment: the discovery and endpoint URLs, client id and
/// secret of each stand-in. The names follow the common `GOOGLE_*`/`GITHUB_*` convention.
pub fn env_lines(google: Option<&Value>, github: Option<&Value>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut push = |scope: &Value, pairs: &[(&str, &str)]| {
        for (name, key) in pairs {
            if let Some(value) = scope.get(*key).and_then(Value::as_str) {
                lines.push(format!("{name}={value}"));
            }
        }
    };
    if let Some(scope) = google {
        push(
            scope,
            &[
                ("GOOGLE_DISCOVERY_URL", "discovery_url"),
                ("GOOGLE_ISSUER", "issuer"),
                ("GOOGLE_AUTHORIZE_URL", "authorize_url"),
                ("GOOGLE_TOKEN_URL", "token_url"),
                ("GOOGLE_USERINFO_URL", "userinfo_url"),
                ("GOOGLE_JWKS_URL", "jwks_url"),
                ("GOOGLE_REVOKE_URL", "revoke_url"),
                ("GOOGLE_CLIENT_ID", "client_id"),
                ("GOOGLE_CLIENT_SECRET", "client_secret"),
            ],
        );
    }
    if let Some(scope) = github {
        push(
            scope,
            &[
                ("GITHUB_AUTHORIZE_URL", "authorize_url"),
                ("GITHUB_TOKEN_URL", "token_url"),
                ("GITHUB_API_URL", "api_url"),
                ("GITHUB_CLIENT_ID", "client_id"),
                ("GITHUB_CLIENT_SECRET", "client_secret"),
            ],
        );
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn the_scope_has_exactly_the_keys_validation_accepts() {
        let google = GoogleUrls {
            url: "http://g".to_owned(),
            issuer: "http://g".to_owned(),
            discovery_url: String::new(),
            authorize_url: String::new(),
            token_url: String::new(),
            userinfo_url: String::new(),
            jwks_url: String::new(),
            revoke_url: String::new(),
        };
        let scope = google_scope(&google, &GoogleConfig::with_defaults(Some("http://app")));
        assert_eq!(keys(&scope), GOOGLE_SCOPE_KEYS);
        assert_eq!(scope["redirect_uri"], "http://app/auth/google/callback");

        let github = GithubUrls {
            url: "http://h".to_owned(),
            authorize_url: String::new(),
            token_url: String::new(),
            api_url: String::new(),
            user_url: String::new(),
            emails_url: String::new(),
        };
        let scope = github_scope(&github, &GithubConfig::with_defaults(None));
        assert_eq!(keys(&scope), GITHUB_SCOPE_KEYS);
        assert_eq!(
            scope["redirect_uri"],
            Value::Null,
            "no target, no default callback"
        );
    }

    #[test]
    fn env_lines_name_the_settings_a_target_needs() {
        let scope = serde_json::json!({ "discovery_url": "http://g/.well-known/openid-configuration", "client_id": "id" });
        assert_eq!(
            env_lines(Some(&scope), None),
            [
                "GOOGLE_DISCOVERY_URL=http://g/.well-known/openid-configuration",
                "GOOGLE_CLIENT_ID=id"
            ]
        );
    }
}
