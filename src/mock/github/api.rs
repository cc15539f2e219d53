//! `GET /user` and `GET /user/emails` of the REST API: a `User-Agent` is required (403 without),
//! `Authorization: Bearer` or `token`, `email: null` unless the user made the address public, and
//! the address list only with the `user:email` (or `user`) scope.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::Context;
use super::state::{GithubState, GithubToken};
use crate::mock::config::GithubUser;
use crate::mock::http::Reply;

const USER_DOCS: &str = "https://docs.github.com/rest/users/users#get-the-authenticated-user";
const EMAILS_DOCS: &str =
    "https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user";

/// What GitHub answers a request without `User-Agent`.
pub(super) const NO_USER_AGENT: &str = "Request forbidden by administrative rules. Please make sure your request has a \
     User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). \
     Check https://developer.github.com for other possible causes.\n";

pub(super) fn user(context: &Context<'_>, state: &GithubState) -> Reply {
    let (token, user) = match authenticate(context, state, USER_DOCS) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    api_reply(200, &user_json(context, user), token).header("x-accepted-oauth-scopes", "")
}

pub(super) fn emails(context: &Context<'_>, state: &GithubState) -> Reply {
    let (token, user) = match authenticate(context, state, EMAILS_DOCS) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let allowed = token
        .scopes
        .iter()
        .any(|scope| scope == "user" || scope == "user:email");
    if !allowed {
        // Observed behaviour for a token without the scope is not documented; GitHub hides what a
        // token may not see behind a 404.
        let body =
            json!({ "message": "Not Found", "documentation_url": EMAILS_DOCS, "status": "404" });
        return api_reply(404, &body, token).header("x-accepted-oauth-scopes", "user, user:email");
    }
    let mut list = vec![json!({
        "email": user.email,
        "primary": true,
        "verified": user.email_verified,
        "visibility": if user.email_public { "public" } else { "private" },
    })];
    for other in &user.other_emails {
        list.push(json!({
            "email": other.email,
            "primary": false,
            "verified": other.verified,
            "visibility": other.visibility,
        }));
    }
    api_reply(200, &Value::Array(list), token).header("x-accepted-oauth-scopes", "user, user:email")
}

/// GitHub's 404 for paths it does not serve.
pub(super) fn not_found() -> Reply {
    Reply::json(
        404,
        &json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404" }),
    )
}

fn authenticate<'a>(
    context: &Context<'_>,
    state: &'a GithubState,
    docs: &str,
) -> Result<(&'a GithubToken, &'a GithubUser), Reply> {
    let incoming = context.incoming;
    if incoming
        .header("user-agent")
        .is_none_or(|agent| agent.trim().is_empty())
    {
        return Err(Reply::text(403, NO_USER_AGENT));
    }
    let Some(presented) = incoming.bearer(true) else {
        return Err(Reply::json(
            401,
            &json!({ "message": "Requires authentication", "documentation_url": docs, "status": "401" }),
        ));
    };
    let found = state
        .tokens
        .get(presented)
        .filter(|token| !token.revoked)
        .and_then(|token| {
            let config = state.tenants.get(&token.tenant)?;
            let user = config.users.iter().find(|user| user.login == token.login)?;
            Some((token, user))
        });
    found.ok_or_else(|| {
        Reply::json(
            401,
            &json!({ "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401" }),
        )
    })
}

fn api_reply(status: u16, body: &Value, token: &GithubToken) -> Reply {
    Reply::json(status, body)
        .header("x-oauth-scopes", &token.scopes.join(", "))
        .header("x-github-media-type", "github.v3; format=json")
}

/// The private-user schema of `GET /user`, with link URLs on the stand-in.
fn user_json(context: &Context<'_>, user: &GithubUser) -> Value {
    let api = context.urls.url.as_str();
    let login = &user.login;
    let node_id = STANDARD.encode(format!("04:User{}", user.id));
    let mut links = json!({
        "login": login,
        "id": user.id,
        "node_id": node_id,
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?v=4", user.id),
        "gravatar_id": "",
        "url": format!("{api}/users/{login}"),
        "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{api}/users/{login}/followers"),
        "following_url": format!("{api}/users/{login}/following{{/other_user}}"),
        "gists_url": format!("{api}/users/{login}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/users/{login}/subscriptions"),
        "organizations_url": format!("{api}/users/{login}/orgs"),
        "repos_url": format!("{api}/users/{login}/repos"),
        "events_url": format!("{api}/users/{login}/events{{/privacy}}"),
        "received_events_url": format!("{api}/users/{login}/received_events"),
    });
    let profile = json!({
        "type": "User",
        "user_view_type": "private",
        "site_admin": false,
        "name": user.name,
        "company": user.company,
        "blog": "",
        "location": user.location,
        "email": if user.email_public { Some(&user.email) } else { None },
        "hireable": null,
        "bio": user.bio,
        "twitter_username": null,
        "notification_email": null,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "private_gists": 0,
        "total_private_repos": 0,
        "owned_private_repos": 0,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": true,
        "plan": { "name": "free", "space": 976_562_499, "collaborators": 0, "private_repos": 10_000 },
    });
    // Two `json!` calls because one this long exceeds the macro recursion limit.
    if let (Value::Object(links), Value::Object(rest)) = (&mut links, profile) {
        links.extend(rest);
    }
    links
}
