//! Rendering a step's request: URL against the target, query, headers, credentials, body, cookies.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use url::Url;

use super::suite::SuiteState;
use crate::assert::Bindings;
use crate::http::OutgoingRequest;
use crate::suite::{ApiKeyPlacement, Auth, Body, RequestSpec, Step};
use crate::template::Text;

/// Renders `step`'s request, or says which field could not be rendered. `prepared` is used when it
/// is the URL of this step's request.
pub(super) fn build(
    state: &SuiteState<'_>,
    step: &Step,
    prepared: Option<PreparedUrl<'_>>,
) -> Result<OutgoingRequest, String> {
    let spec = step
        .request
        .as_ref()
        .ok_or_else(|| "the step has no request".to_owned())?;
    let prepared = prepared
        .filter(|prepared| std::ptr::eq(prepared.spec, spec))
        .map(|prepared| prepared.url);
    build_spec(
        state,
        spec,
        step.identity.as_deref(),
        step.timeout,
        prepared,
    )
}

/// The API key `request` carries when `step` sends one with `api_key:` (its own or its
/// identity's), read back from where it was placed.
pub(super) fn api_key_sent(
    state: &SuiteState<'_>,
    step: &Step,
    request: &OutgoingRequest,
) -> Option<String> {
    match api_key_placement(state, step)? {
        ApiKeyPlacement::Header(name) => request
            .headers
            .iter()
            .rev()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone()),
        ApiKeyPlacement::Query(name) => request
            .url
            .query_pairs()
            .filter(|(parameter, _)| parameter == name)
            .last()
            .map(|(_, value)| value.into_owned()),
    }
}

/// Where the step's `api_key` goes, its own or its identity's, when it has one.
pub(super) fn api_key_placement<'s>(
    state: &'s SuiteState<'_>,
    step: &'s Step,
) -> Option<&'s ApiKeyPlacement> {
    let identity = step
        .identity
        .as_deref()
        .and_then(|name| state.suite.identities.get(name));
    let auth = step
        .request
        .as_ref()?
        .auth
        .as_ref()
        .or(identity.and_then(|identity| identity.auth.as_ref()))?;
    match auth {
        Auth::ApiKey { placement, .. } => Some(placement),
        _ => None,
    }
}

/// Renders one request spec as `identity` sends it (their credentials and cookie jar), at
/// `resolved_url` when its URL was resolved already.
pub(super) fn build_spec(
    state: &SuiteState<'_>,
    spec: &RequestSpec,
    identity_name: Option<&str>,
    timeout: Option<std::time::Duration>,
    resolved_url: Option<Url>,
) -> Result<OutgoingRequest, String> {
    let suite = state.suite;
    let render = |text: &Text, field: &str| -> Result<String, String> {
        rendered(state, text, field).map(Cow::into_owned)
    };
    let mut url = match resolved_url {
        Some(url) => url,
        // Not copied when written as it is: most step URLs are.
        None => resolve(&rendered(state, &spec.url, "request.url")?, state)?,
    };

    let identity = identity_name.and_then(|name| suite.identities.get(name));
    let mut headers: Vec<(String, String)> = Vec::with_capacity(spec.headers.len() + 3);
    if let Some(identity) = identity {
        for (name, value) in &identity.headers {
            headers.push((name.clone(), render(value, &format!("identities.{name}"))?));
        }
    }
    for (name, value) in &spec.headers {
        let rendered = render(value, &format!("request.headers.{name}"))?;
        headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
        headers.push((name.clone(), rendered));
    }
    if !spec.query.is_empty() {
        let mut pairs = Vec::with_capacity(spec.query.len());
        for (name, value) in &spec.query {
            pairs.push((name, render(value, &format!("request.query.{name}"))?));
        }
        url.query_pairs_mut().extend_pairs(pairs);
    }
    let auth = spec
        .auth
        .as_ref()
        .or(identity.and_then(|identity| identity.auth.as_ref()));
    if let Some(auth) = auth {
        match auth {
            Auth::Bearer(token) => {
                let token = rendered(state, token, "request.bearer")?;
                set_header(&mut headers, "Authorization", ["Bearer ", &token].concat());
            }
            Auth::Basic { username, password } => {
                let username = render(username, "request.basic.username")?;
                let password = render(password, "request.basic.password")?;
                let encoded = STANDARD.encode(format!("{username}:{password}"));
                set_header(&mut headers, "Authorization", format!("Basic {encoded}"));
            }
            Auth::ApiKey { placement, value } => {
                let value = render(value, "request.api_key")?;
                match placement {
                    ApiKeyPlacement::Header(name) => set_header(&mut headers, name, value),
                    ApiKeyPlacement::Query(name) => {
                        url.query_pairs_mut().append_pair(name, &value);
                    }
                }
            }
        }
    }
    let body = match &spec.body {
        None => None,
        Some(Body::Raw(text)) => Some(render(text, "request.body")?),
        Some(Body::Json(template)) => {
            let value = Bindings::new(&suite.templates, &state.scope)
                .render_json(template)
                .map_err(|error| render_failure(state, "request.json", &error.message))?;
            default_header(&mut headers, "Content-Type", "application/json");
            Some(value.to_string())
        }
        Some(Body::Form(fields)) => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in fields {
                form.append_pair(name, &render(value, &format!("request.form.{name}"))?);
            }
            default_header(
                &mut headers,
                "Content-Type",
                "application/x-www-form-urlencoded",
            );
            Some(form.finish())
        }
    };
    let jar_key = identity_name.unwrap_or_default();
    add_cookies(&mut headers, state.jars.get(jar_key), &url);
    Ok(OutgoingRequest {
        method: spec.method.clone(),
        url,
        headers,
        body,
        timeout: timeout.unwrap_or(state.options.timeout),
    })
}

/// `text` rendered against the suite's scope, or says which field could not be.
fn rendered<'t>(
    state: &SuiteState<'_>,
    text: &'t Text,
    field: &str,
) -> Result<Cow<'t, str>, String> {
    text.render(&state.suite.templates, &state.scope)
        .map_err(|error| render_failure(state, field, &error.message))
}

/// The jar's cookies, unless the step wrote its own `Cookie` header.
pub(super) fn add_cookies(
    headers: &mut Vec<(String, String)>,
    jar: Option<&crate::http::CookieJar>,
    url: &Url,
) {
    if headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("cookie"))
    {
        return;
    }
    if let Some(cookies) = jar.and_then(|jar| jar.header_for(url)) {
        headers.push(("Cookie".to_owned(), cookies));
    }
}

fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

fn default_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    if !headers
        .iter()
        .any(|(existing, _)| existing.eq_ignore_ascii_case(name))
    {
        headers.push((name.to_owned(), value.to_owned()));
    }
}

/// A request's URL resolved ahead, while the step before waited for its response: see
/// [`PreparedUrl::for_next`].
pub(super) struct PreparedUrl<'a> {
    spec: &'a RequestSpec,
    url: Url,
}

impl<'a> PreparedUrl<'a> {
    /// `spec`'s URL when it is written as it is: that depends only on the target, which no step
    /// changes, so resolving it early gives the URL resolving it when the request is sent gives.
    pub(super) fn for_next(spec: &'a RequestSpec, target: Option<&Url>) -> Option<Self> {
        let Text::Literal(url) = &spec.url else {
            return None;
        };
        let url = resolve_against(url, target).ok()?;
        Some(PreparedUrl { spec, url })
    }
}

/// Absolute URLs are used as they are; paths are appended to the target, keeping its own path
/// (`--target https://staging/api` + `/users` is `https://staging/api/users`).
pub(super) fn resolve(url: &str, state: &SuiteState<'_>) -> Result<Url, String> {
    resolve_against(url, state.options.target.as_ref())
}

fn resolve_against(url: &str, target: Option<&Url>) -> Result<Url, String> {
    let has_scheme = |scheme: &str| {
        url.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    };
    if has_scheme("http://") || has_scheme("https://") {
        return Url::parse(url).map_err(|error| format!("invalid URL `{url}`: {error}"));
    }
    let target =
        target.ok_or_else(|| format!("relative URL `{url}` needs a target: pass --target"))?;
    append_to_target(target, url)
}

/// `url` appended to the target's path. Set as the path, query and fragment of a copy of the
/// parsed target, so that the target is not parsed again for every request; the result is the URL
/// that parsing the two written one after the other gives (a test holds them to it).
fn append_to_target(target: &Url, url: &str) -> Result<Url, String> {
    let separator = if url.starts_with('/') { "" } else { "/" };
    if target.has_host() && target.query().is_none() && target.fragment().is_none() {
        // As the parser reads a whole URL: without the spaces and control characters ending it.
        let url = url.trim_end_matches(|c: char| c <= ' ');
        let (rest, fragment) = url
            .split_once('#')
            .map_or((url, None), |(rest, fragment)| (rest, Some(fragment)));
        let (path, query) = rest
            .split_once('?')
            .map_or((rest, None), |(path, query)| (path, Some(query)));
        let path = [target.path().trim_end_matches('/'), separator, path].concat();
        // `//` would start a host of its own.
        if !path.starts_with("//") {
            let mut joined = target.clone();
            joined.set_path(&path);
            joined.set_query(query);
            joined.set_fragment(fragment);
            return Ok(joined);
        }
    }
    let joined = format!("{}{separator}{url}", target.as_str().trim_end_matches('/'));
    Url::parse(&joined).map_err(|error| format!("invalid URL `{joined}`: {error}"))
}

fn render_failure(state: &SuiteState<'_>, field: &str, message: &str) -> String {
    let mut text = format!("could not render `{field}`: {message}");
    for (name, step) in &state.missing_captures {
        if message.contains(&format!("`{name}`")) {
            text.push_str(&format!(" (step `{step}` did not capture it)"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::Span;

    fn spec(url: Text) -> RequestSpec {
        RequestSpec {
            method: reqwest::Method::GET,
            url,
            url_span: Span::default(),
            headers: Vec::new(),
            query: Vec::new(),
            body: None,
            auth: None,
        }
    }

    #[test]
    fn only_a_url_written_as_it_is_is_resolved_ahead_and_as_it_would_be_later() {
        let target = Url::parse("https://staging.example/api/").expect("a target");
        let literal = spec(Text::literal("/users?page=2"));
        let prepared = PreparedUrl::for_next(&literal, Some(&target)).expect("resolved ahead");
        assert!(std::ptr::eq(prepared.spec, &literal));
        assert_eq!(
            prepared.url,
            resolve_against("/users?page=2", Some(&target)).expect("resolves")
        );
        assert_eq!(
            prepared.url.as_str(),
            "https://staging.example/api/users?page=2"
        );

        let mut templates = crate::template::TemplateBuilder::default();
        let (templated, _) = templates.compile("/users/{{ id }}").expect("compiles");
        assert!(PreparedUrl::for_next(&spec(templated), Some(&target)).is_none());
        assert!(
            PreparedUrl::for_next(&literal, None).is_none(),
            "no target: the step says so"
        );
    }

    #[test]
    fn a_path_appended_to_the_target_is_the_url_the_two_written_together_make() {
        let targets = [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "https://staging.example/api",
            "https://staging.example/api/",
            "http://user:pass@[::1]:9/a/b",
            "http://xn--caf-dma.example/",
            "http://h/?q=1",
            "http://h/p#f",
            "foo:bar",
            "mailto:x",
        ];
        let urls = [
            "/users",
            "users",
            "",
            "/",
            "//evil.example/x",
            "/a//b",
            "/a/../b",
            "/./x",
            "/x?y=1&z=a b",
            "/x#frag",
            "?only=query",
            "#only",
            "/caf\u{e9}/%41",
            "/a\\b",
            "/x y",
            "x:y",
            "/items/{n}",
            "/%zz",
            "/ tail ",
            "/a\tb",
            "/x?a=1#f?g",
            "/x#a#b",
            "/x?",
            "/x#",
            "/ x?y #z \u{1}",
            "/x?%zz&a b",
            "/\u{0}a\u{7f}",
            "/a\nb?c\nd#e\nf",
            "?q#f",
            "#f?q",
            "/\u{e9}?\u{e9}#\u{e9}",
            "/x #f",
        ];
        for target in targets {
            let parsed = Url::parse(target).expect("a target");
            for url in urls {
                let separator = if url.starts_with('/') { "" } else { "/" };
                let written = format!("{}{separator}{url}", parsed.as_str().trim_end_matches('/'));
                let expected = Url::parse(&written).map(|url| url.to_string());
                let appended = append_to_target(&parsed, url).map(|url| url.to_string());
                assert_eq!(appended.ok(), expected.ok(), "{target} + {url}");
            }
        }
    }
}
