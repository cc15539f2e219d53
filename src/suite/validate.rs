//! Turns the raw serde types into the validated [`Suite`]: compiles templates, JSONPaths and regexes,
//! checks that every variable is defined where it is read, and collects every mistake with its span
//! rather than stopping at the first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use indexmap::{IndexMap, IndexSet};
use regex::Regex;
use serde_json::Value;
use serde_json_path::JsonPath;

use super::diagnostic::{Diagnostic, DiagnosticKind, closest};
use super::model::*;
use super::raw::*;
use super::span::{NodePath, SourceFile, Span};
use super::yaml::SpanIndex;
use crate::template::{Reference, TemplateBuilder, Text};

mod attacks;
mod checks;
mod mocks;
mod operands;

/// What the loader knows about the run that the suite will see.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Names given with `--var`: defined everywhere, and they override suite vars.
    pub cli_vars: Vec<String>,
    /// The environment templates read as `env.NAME`: the process environment and `--env-file`.
    pub env: Arc<HashMap<String, String>>,
}

/// Variables every template can read without declaring them.
pub const BUILTIN_VARIABLES: &[&str] = &["env", "target", "mocks"];

/// For the maps validation fills with every step's names and queries: the suite is the user's own
/// input, so the hash needs to be quick rather than resistant to collisions crafted by an attacker.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

pub(super) fn validate(
    raw: RawSuite,
    source: Arc<SourceFile>,
    spans: SpanIndex<'_>,
    options: &LoadOptions,
) -> Result<Suite, Vec<Diagnostic>> {
    let mut validator = Validator {
        source,
        spans,
        options,
        diagnostics: Vec::new(),
        templates: TemplateBuilder::default(),
        defined: BUILTIN_VARIABLES
            .iter()
            .map(|name| (*name).to_owned())
            .chain(options.cli_vars.iter().cloned())
            .collect(),
        captured_later: FastMap::default(),
        context: String::new(),
        suite_snapshot: None,
        json_paths: FastMap::default(),
        mock_providers: None,
    };
    let root = NodePath::root();
    for (index, step) in raw.steps.iter().enumerate() {
        for name in step.capture.keys() {
            validator
                .captured_later
                .entry(name.clone())
                .or_insert_with(|| (index, step.name.clone()));
        }
    }

    let mocks = validator.mocks(raw.mocks, &root.key("mocks"));
    let vars = validator.vars(raw.vars, &root.key("vars"));
    let secrets = validator.secrets(raw.secrets, &vars, &root.key("secrets"));
    let identities = validator.identities(raw.identities, &root.key("identities"));
    if let Some(value) = &raw.snapshot {
        validator.suite_snapshot = validator.snapshot_setting(value, &root.key("snapshot"));
    }
    if raw.steps.is_empty() {
        validator.push(
            DiagnosticKind::InvalidValue,
            validator.spans.value(&root.key("steps")),
            "a suite needs at least one step",
            "no steps",
            None,
        );
    }
    let mut seen_names: FastMap<String, usize> = FastMap::default();
    let mut steps = Vec::with_capacity(raw.steps.len());
    let steps_path = root.key("steps");
    // Steps with a snapshot, by the file name their name makes (`Sign in!` and `sign in` share one).
    let mut snapshot_files: FastMap<String, (usize, String)> = FastMap::default();
    for (index, step) in raw.steps.into_iter().enumerate() {
        let path = steps_path.index(index);
        let duplicate = seen_names.insert(step.name.clone(), index);
        if let Some(first) = duplicate {
            validator.push(
                DiagnosticKind::DuplicateName,
                validator.spans.value(&path.key("name")),
                format!("two steps are named `{}`", step.name),
                "used again here",
                Some(format!(
                    "step names identify results and snapshots; rename this one or step {}",
                    first + 1
                )),
            );
        }
        let step = validator.step(step, &path, &identities);
        if step.snapshot.is_some() && duplicate.is_none() {
            let file = crate::snapshot::step_file_stem(&step.name, step.span.line);
            if let Some((first, first_name)) = snapshot_files.get(&file) {
                validator.push(
                    DiagnosticKind::DuplicateName,
                    validator.spans.value(&path.key("name")),
                    format!(
                        "steps `{first_name}` and `{}` would share the snapshot file `{file}.snap`",
                        step.name
                    ),
                    "same snapshot file",
                    Some(format!(
                        "a snapshot is named after its step, in lowercase with other characters as `-`; rename this one or step {}",
                        first + 1
                    )),
                );
            } else {
                snapshot_files.insert(file, (index, step.name.clone()));
            }
        }
        steps.push(step);
    }

    let Validator {
        diagnostics,
        templates,
        source,
        ..
    } = validator;
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let templates = templates.finish().map_err(|message| {
        vec![Diagnostic::new(
            DiagnosticKind::BadTemplate,
            &source,
            Span::default(),
            message,
            "",
        )]
    })?;
    Ok(Suite {
        name: raw.name,
        description: raw.description,
        tags: raw.tags,
        source,
        vars,
        secrets,
        identities,
        mocks,
        steps,
        templates,
    })
}

struct Validator<'a> {
    source: Arc<SourceFile>,
    spans: SpanIndex<'a>,
    options: &'a LoadOptions,
    diagnostics: Vec<Diagnostic>,
    templates: TemplateBuilder,
    /// Variables defined at the point being validated, each once, in the order first defined (a
    /// set: a suite may define tens of thousands of vars, each looked up as it is defined).
    defined: IndexSet<String, foldhash::fast::RandomState>,
    /// Every capture name, with the first step (index, name) that captures it.
    captured_later: FastMap<String, (usize, String)>,
    /// "step `login`" or "var `password`": where the node being validated lives, for messages.
    context: String,
    /// The suite's `snapshot:`, which steps inherit and extend.
    suite_snapshot: Option<SnapshotSetting>,
    /// Each distinct JSONPath is parsed once and shared: suites repeat `$.id` in step after step.
    json_paths: FastMap<String, Arc<JsonPath>>,
    /// The stand-ins the suite declares; `None` while the `mocks:` section itself is validated.
    mock_providers: Option<Vec<crate::mock::Provider>>,
}

/// A `snapshot:` as written, before a step's setting is merged with the suite's.
#[derive(Debug, Clone)]
enum SnapshotSetting {
    Off,
    On {
        span: Span,
        /// `None` when the setting names no headers.
        headers: Option<Vec<String>>,
        redact: Vec<(String, Arc<JsonPath>)>,
    },
}

impl Validator<'_> {
    /// Names the node being validated, for messages; written over the last name's buffer, as
    /// every step sets one.
    fn set_context(&mut self, context: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        self.context.clear();
        let _ = self.context.write_fmt(context);
    }

    fn push(
        &mut self,
        kind: DiagnosticKind,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: Option<String>,
    ) {
        self.diagnostics.push(
            Diagnostic::new(kind, &self.source, span, message, label).with_optional_help(help),
        );
    }

    /// Marks `name` as defined from here on; each name is listed once, however many steps
    /// capture it.
    fn define(&mut self, name: &str) {
        if !self.defined.contains(name) {
            self.defined.insert(name.to_owned());
        }
    }

    fn value_span(&self, path: &NodePath) -> Span {
        self.spans.value(path)
    }

    fn key_span(&self, path: &NodePath) -> Span {
        self.spans.key(path)
    }

    // ---- suite level ----

    fn vars(&mut self, raw: RawMap<Value>, path: &NodePath) -> Vec<(String, JsonTemplate)> {
        let mut vars = Vec::with_capacity(raw.len());
        for (name, value) in raw {
            let var_path = path.key(&name);
            self.check_variable_name(&name, &var_path);
            self.set_context(format_args!("var `{name}`"));
            let before = self.diagnostics.len();
            let template = self.json_template(&value, &var_path);
            if self.options.cli_vars.contains(&name) {
                // A `--var` wins: the suite's own value, and any environment variable it reads,
                // go unused.
                let mut found = self.diagnostics.split_off(before);
                found.retain(|diagnostic| {
                    diagnostic.kind != DiagnosticKind::UnsetEnvironmentVariable
                });
                self.diagnostics.extend(found);
            }
            self.define(&name);
            vars.push((name, template));
        }
        vars
    }

    fn secrets(
        &mut self,
        raw: Vec<String>,
        vars: &[(String, JsonTemplate)],
        path: &NodePath,
    ) -> Vec<String> {
        for (index, name) in raw.iter().enumerate() {
            let known = vars.iter().any(|(var, _)| var == name)
                || self.options.cli_vars.contains(name)
                || self.captured_later.contains_key(name);
            if !known {
                let candidates: Vec<&str> = vars
                    .iter()
                    .map(|(var, _)| var.as_str())
                    .chain(self.captured_later.keys().map(String::as_str))
                    .collect();
                let help = closest(name, candidates.iter().copied())
                    .map(|near| format!("did you mean `{near}`?"))
                    .or_else(|| {
                        Some("`secrets` lists the names of vars or captures to mask".to_owned())
                    });
                self.push(
                    DiagnosticKind::UndefinedVariable,
                    self.value_span(&path.index(index)),
                    format!("secret `{name}` is not a var or a capture of this suite"),
                    "not defined",
                    help,
                );
            }
        }
        raw
    }

    fn identities(
        &mut self,
        raw: RawMap<RawIdentity>,
        path: &NodePath,
    ) -> IndexMap<String, Identity> {
        let mut identities = IndexMap::with_capacity(raw.len());
        for (name, identity) in raw {
            let identity_path = path.key(&name);
            self.set_context(format_args!("identity `{name}`"));
            let headers = self.headers(&identity.headers, &identity_path.key("headers"));
            let auth = self.auth(
                identity.bearer,
                identity.basic,
                identity.api_key,
                &identity_path,
            );
            identities.insert(name, Identity { headers, auth });
        }
        identities
    }

    fn check_variable_name(&mut self, name: &str, path: &NodePath) {
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(path),
                format!("`{name}` is not a valid variable name"),
                "invalid name",
                Some("names are letters, digits and `_`, not starting with a digit, so templates can read them".to_owned()),
            );
        } else if BUILTIN_VARIABLES.contains(&name) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(path),
                format!("`{name}` is a built-in variable and cannot be redefined"),
                "reserved name",
                None,
            );
        }
    }

    // ---- steps ----

    fn step(
        &mut self,
        raw: RawStep,
        path: &NodePath,
        identities: &IndexMap<String, Identity>,
    ) -> Step {
        self.set_context(format_args!("step `{}`", raw.name));
        let span = self.value_span(&path.key("name"));
        if let Some(identity) = &raw.identity {
            if !identities.contains_key(identity) {
                let help = closest(identity, identities.keys().map(String::as_str))
                    .map(|near| format!("did you mean `{near}`?"))
                    .unwrap_or_else(|| {
                        "declare it under `identities:` at the top of the suite".to_owned()
                    });
                self.push(
                    DiagnosticKind::UnknownIdentity,
                    self.value_span(&path.key("as")),
                    format!("step `{}` runs as unknown identity `{identity}`", raw.name),
                    "not declared",
                    Some(help),
                );
            }
        }
        if raw.check.is_some() {
            self.reject_keys_beside_check(&raw, path);
        } else if raw.request.is_none() {
            self.push(
                DiagnosticKind::MissingKey,
                self.key_span(&path.key("name")),
                format!("`{path}` needs `request`"),
                "`request` missing",
                Some(
                    "a step needs `request: { method: GET, url: /path }`, or a `check:` instead"
                        .to_owned(),
                ),
            );
        }
        let check = raw
            .check
            .and_then(|check| self.step_check(*check, &path.key("check")));
        let request = raw
            .request
            .map(|request| self.request(*request, &path.key("request")));
        let timeout = raw.timeout.as_ref().and_then(|value| {
            let timeout = self.duration(value, &path.key("timeout"))?;
            if timeout.is_zero() {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.value_span(&path.key("timeout")),
                    "a timeout of zero fails every request".to_owned(),
                    "zero",
                    Some("write how long the request may take: `500ms`, `5s`".to_owned()),
                );
            }
            Some(timeout)
        });
        let retry = raw.retry.map(|retry| {
            if retry.attempts == 0 {
                let help = "`attempts` counts every try, the first included: `attempts: 3` tries \
                            up to three times";
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.spans.value(&path.key("retry").key("attempts")),
                    "`retry.attempts` is 0: a step is tried at least once",
                    "no attempt",
                    Some(help.to_owned()),
                );
            }
            Retry {
                attempts: retry.attempts.max(1),
                delay: retry
                    .delay
                    .as_ref()
                    .and_then(|value| self.duration(value, &path.key("retry").key("delay")))
                    .unwrap_or(Duration::from_millis(200)),
            }
        });
        let assertions = match raw.expect {
            Some(expect) => self.expect(*expect, &path.key("expect")),
            None => Vec::new(),
        };
        let attacks = raw.attacks.zip(request.as_ref()).map(|(attacks, request)| {
            self.attacks(
                *attacks,
                &path.key("attacks"),
                request,
                raw.identity.as_deref(),
                identities,
            )
        });
        if raw.race.is_some() && retry.is_some() {
            // A failed race spends the credential: the retry would send it again, be refused
            // every time, and pass the step with the race's evidence gone.
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key("retry")),
                "a `race:` step cannot `retry:`",
                "would hide a lost race",
                Some(
                    "a retry sends the credential the race spent and passes when it is refused; \
                     remove `retry:`"
                        .to_owned(),
                ),
            );
        }
        let race = raw.race.and_then(|race| self.race(race, &path.key("race")));
        let captures = self.captures(raw.capture, &path.key("capture"));
        for capture in &captures {
            self.define(&capture.name);
        }
        let snapshot = if check.is_some() {
            None
        } else {
            self.step_snapshot(raw.snapshot.as_ref(), &path.key("snapshot"))
        };
        Step {
            name: raw.name,
            span,
            identity: raw.identity,
            request,
            follow_redirects: raw.follow_redirects.unwrap_or(false),
            timeout,
            retry,
            assertions,
            captures,
            snapshot,
            attacks: attacks.flatten().map(Box::new),
            race,
            check: check.map(Box::new),
        }
    }

    fn request(&mut self, raw: RawRequest, path: &NodePath) -> RequestSpec {
        let method = match raw.method.as_deref() {
            None => reqwest::Method::GET,
            Some(method) => {
                let upper = method.to_ascii_uppercase();
                if METHODS.contains(&upper.as_str()) {
                    reqwest::Method::from_bytes(upper.as_bytes()).unwrap_or(reqwest::Method::GET)
                } else {
                    let help = closest(&upper, METHODS.iter().copied())
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| format!("one of {}", METHODS.join(", ")));
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.value_span(&path.key("method")),
                        format!("unknown HTTP method `{method}`"),
                        "unknown method",
                        Some(help),
                    );
                    reqwest::Method::GET
                }
            }
        };
        let url_path = path.key("url");
        let url_span = self.value_span(&url_path);
        let url = self.text(&raw.url, &url_path);
        self.check_url(&raw.url, url_span);

        let headers = self.headers(&raw.headers, &path.key("headers"));
        let query = self.pairs(&raw.query, &path.key("query"));
        let mut bodies = Vec::new();
        if let Some(json) = &raw.json {
            bodies.push((
                "json",
                Body::Json(self.json_template(json, &path.key("json"))),
            ));
        }
        if let Some(form) = &raw.form {
            bodies.push(("form", Body::Form(self.pairs(form, &path.key("form")))));
        }
        if let Some(body) = &raw.body {
            bodies.push(("body", Body::Raw(self.text(body, &path.key("body")))));
        }
        if bodies.len() > 1 {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key(bodies[1].0)),
                format!(
                    "a request has one body, this one has `{}` and `{}`",
                    bodies[0].0, bodies[1].0
                ),
                "second body",
                Some("keep one of `json`, `form` and `body`".to_owned()),
            );
        }
        let auth = self.auth(raw.bearer, raw.basic, raw.api_key, path);
        RequestSpec {
            method,
            url,
            url_span,
            headers,
            query,
            body: bodies.into_iter().next().map(|(_, body)| body),
            auth,
        }
    }

    fn check_url(&mut self, url: &str, span: Span) {
        let lower = url.trim_start().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            if !url.contains("{{") && url::Url::parse(url.trim()).is_err() {
                self.push(
                    DiagnosticKind::InvalidValue,
                    span,
                    format!("`{url}` is not a valid URL"),
                    "invalid URL",
                    None,
                );
            }
            return;
        }
        if url.trim_start().starts_with("{{") {
            // Decided at run time: the template may produce an absolute URL.
            return;
        }
        if !url.starts_with('/') && !url.is_empty() {
            self.push(
                DiagnosticKind::InvalidValue,
                span,
                format!("`{url}` is neither an absolute URL nor a path"),
                "not a URL",
                Some(
                    if url
                        .split('/')
                        .next()
                        .is_some_and(|host| host.contains(['.', ':']))
                    {
                        format!("an absolute URL names its scheme: `https://{url}`")
                    } else {
                        format!("paths start with `/`: `/{url}`")
                    },
                ),
            );
        }
    }

    fn headers(&mut self, raw: &RawMap<Value>, path: &NodePath) -> Vec<(String, Text)> {
        let mut headers = Vec::with_capacity(raw.len());
        for (name, value) in raw {
            let header_path = path.key(name);
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&header_path),
                    format!("`{name}` is not a valid header name"),
                    "invalid header name",
                    None,
                );
            }
            headers.push((name.clone(), self.scalar_text(value, &header_path)));
        }
        headers
    }

    fn pairs(&mut self, raw: &RawMap<Value>, path: &NodePath) -> Vec<(String, Text)> {
        raw.iter()
            .map(|(name, value)| (name.clone(), self.scalar_text(value, &path.key(name))))
            .collect()
    }

    fn auth(
        &mut self,
        bearer: Option<String>,
        basic: Option<RawBasic>,
        api_key: Option<Value>,
        path: &NodePath,
    ) -> Option<Auth> {
        let mut found = Vec::new();
        if let Some(token) = bearer {
            found.push((
                "bearer",
                Auth::Bearer(self.text(&token, &path.key("bearer"))),
            ));
        }
        if let Some(basic) = basic {
            let basic_path = path.key("basic");
            found.push((
                "basic",
                Auth::Basic {
                    username: self.text(&basic.username, &basic_path.key("username")),
                    password: self.text(&basic.password, &basic_path.key("password")),
                },
            ));
        }
        if let Some(api_key) = api_key {
            if let Some(auth) = self.api_key(&api_key, &path.key("api_key")) {
                found.push(("api_key", auth));
            }
        }
        if found.len() > 1 {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key(found[1].0)),
                format!(
                    "a request sends one credential, this one has `{}` and `{}`",
                    found[0].0, found[1].0
                ),
                "second credential",
                Some("set other headers under `headers:`".to_owned()),
            );
        }
        found.into_iter().next().map(|(_, auth)| auth)
    }

    fn api_key(&mut self, value: &Value, path: &NodePath) -> Option<Auth> {
        match value {
            Value::String(_) | Value::Number(_) => Some(Auth::ApiKey {
                placement: ApiKeyPlacement::Header("X-API-Key".to_owned()),
                value: self.scalar_text(value, path),
            }),
            Value::Object(map) => {
                let mut placement = None;
                let mut key_value = None;
                for (key, inner) in map {
                    let inner_path = path.key(key);
                    match key.as_str() {
                        "header" | "query" => {
                            let Some(name) = inner.as_str() else {
                                self.wrong_type(&inner_path, "a string");
                                continue;
                            };
                            placement = Some(if key == "header" {
                                ApiKeyPlacement::Header(name.to_owned())
                            } else {
                                ApiKeyPlacement::Query(name.to_owned())
                            });
                        }
                        "value" => key_value = Some(self.scalar_text(inner, &inner_path)),
                        other => self.unknown_key(
                            other,
                            &["header", "query", "value"],
                            &inner_path,
                            "api_key",
                        ),
                    }
                }
                match key_value {
                    Some(value) => Some(Auth::ApiKey {
                        placement: placement
                            .unwrap_or(ApiKeyPlacement::Header("X-API-Key".to_owned())),
                        value,
                    }),
                    None => {
                        self.push(
                            DiagnosticKind::MissingKey,
                            self.value_span(path),
                            "`api_key` needs a `value`",
                            "no value",
                            Some("api_key: { header: X-API-Key, value: \"{{ key }}\" }".to_owned()),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(
                    path,
                    "a string, or a map with `header` or `query` and `value`",
                );
                None
            }
        }
    }

    // ---- expectations ----

    fn expect(&mut self, raw: RawExpect, path: &NodePath) -> Vec<Assertion> {
        let mut assertions = Vec::new();
        if let Some(status) = &raw.status {
            let status_path = path.key("status");
            let matcher = self.status_matcher(status, &status_path);
            assertions.push(Assertion {
                span: self.value_span(&status_path),
                kind: AssertionKind::Status(matcher),
            });
        }
        let headers_path = path.key("headers");
        for (name, value) in &raw.headers {
            let header_path = headers_path.key(name);
            let matcher = self.matcher(value, &header_path);
            assertions.push(Assertion {
                span: self.key_span(&header_path),
                kind: AssertionKind::Header {
                    name: name.to_ascii_lowercase(),
                    matcher,
                },
            });
        }
        for (name, cookie) in &raw.cookies {
            self.cookie_expect(
                name,
                cookie,
                &path.key("cookies").key(name),
                &mut assertions,
            );
        }
        let json_paths = path.key("json");
        for (query, value) in &raw.json {
            let json_path = json_paths.key(query);
            let Some(compiled) = self.json_path(query, self.key_span(&json_path)) else {
                continue;
            };
            let matcher = self.matcher(value, &json_path);
            assertions.push(Assertion {
                span: self.key_span(&json_path),
                kind: AssertionKind::Json {
                    path: compiled,
                    query: query.clone(),
                    matcher,
                },
            });
        }
        if let Some(body) = &raw.body {
            let body_path = path.key("body");
            let matcher = self.matcher(body, &body_path);
            assertions.push(Assertion {
                span: self.key_span(&body_path),
                kind: AssertionKind::Body(matcher),
            });
        }
        if let Some(duration) = &raw.duration {
            let duration_path = path.key("duration");
            let matcher = self.matcher(duration, &duration_path);
            assertions.push(Assertion {
                span: self.key_span(&duration_path),
                kind: AssertionKind::Duration(matcher),
            });
        }
        if let Some(redirect) = &raw.redirect {
            let redirect_path = path.key("redirect");
            if let Some(to) = &redirect.to {
                let to_path = redirect_path.key("to");
                let matcher = self.matcher(to, &to_path);
                assertions.push(Assertion {
                    span: self.key_span(&to_path),
                    kind: AssertionKind::RedirectTo(matcher),
                });
            }
            let query_path = redirect_path.key("query");
            for (param, value) in &redirect.query {
                let param_path = query_path.key(param);
                let matcher = self.matcher(value, &param_path);
                assertions.push(Assertion {
                    span: self.key_span(&param_path),
                    kind: AssertionKind::RedirectQuery {
                        param: param.clone(),
                        matcher,
                    },
                });
            }
        }
        self.mock_calls_expect(&raw.mock_calls, &path.key("mock_calls"), &mut assertions);
        self.jwt_expect(&raw.jwt, &path.key("jwt"), &mut assertions);
        // Kept for the whole run, one list per step: grown by doubling, most would be half empty.
        assertions.shrink_to_fit();
        assertions
    }

    fn cookie_expect(
        &mut self,
        name: &str,
        raw: &RawCookieExpect,
        path: &NodePath,
        out: &mut Vec<Assertion>,
    ) {
        let mut push =
            |this: &mut Self, key: &str, attribute: CookieAttribute, matcher: Matcher| {
                out.push(Assertion {
                    span: this.key_span(&path.key(key)),
                    kind: AssertionKind::Cookie {
                        name: name.to_owned(),
                        attribute,
                        matcher,
                    },
                });
            };
        let flag = |value: bool| Matcher::Eq(JsonTemplate::Literal(Value::Bool(value)));
        let expects_absent = raw.exists == Some(false);
        if let Some(exists) = raw.exists {
            push(
                self,
                "exists",
                CookieAttribute::Exists,
                Matcher::Exists(exists),
            );
        } else {
            // Checking any attribute of a cookie implies that the response sets it.
            push(self, "", CookieAttribute::Exists, Matcher::Exists(true));
        }
        if expects_absent {
            let set: Vec<&str> = [
                raw.value.as_ref().map(|_| "value"),
                raw.http_only.map(|_| "http_only"),
                raw.secure.map(|_| "secure"),
                raw.same_site.as_ref().map(|_| "same_site"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if let Some(first) = set.first() {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&path.key(first)),
                    format!("cookie `{name}` is expected absent and to have attributes at once"),
                    "contradicts `exists: false`",
                    None,
                );
            }
        }
        if let Some(value) = &raw.value {
            let matcher = self.matcher(value, &path.key("value"));
            push(self, "value", CookieAttribute::Value, matcher);
        }
        if let Some(http_only) = raw.http_only {
            push(
                self,
                "http_only",
                CookieAttribute::HttpOnly,
                flag(http_only),
            );
        }
        if let Some(secure) = raw.secure {
            push(self, "secure", CookieAttribute::Secure, flag(secure));
        }
        if let Some(same_site) = &raw.same_site {
            let same_site_path = path.key("same_site");
            let matcher = match same_site.as_str().map(str::to_ascii_lowercase) {
                Some(policy) if ["lax", "strict", "none"].contains(&policy.as_str()) => {
                    Matcher::Eq(JsonTemplate::Literal(Value::String(policy)))
                }
                Some(_) | None if !same_site.is_object() => {
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.value_span(&same_site_path),
                        format!(
                            "`same_site` is `lax`, `strict` or `none`, not `{}`",
                            display_value(same_site)
                        ),
                        "unknown SameSite policy",
                        Some(
                            "browsers know three policies; the value is case-insensitive"
                                .to_owned(),
                        ),
                    );
                    Matcher::Exists(true)
                }
                _ => self.matcher(same_site, &same_site_path),
            };
            push(self, "same_site", CookieAttribute::SameSite, matcher);
        }
        for (key, attribute, value) in [
            ("path", CookieAttribute::Path, &raw.path),
            ("domain", CookieAttribute::Domain, &raw.domain),
            ("max_age", CookieAttribute::MaxAge, &raw.max_age),
            ("expires", CookieAttribute::Expires, &raw.expires),
        ] {
            if let Some(value) = value {
                let matcher = self.matcher(value, &path.key(key));
                push(self, key, attribute, matcher);
            }
        }
        if let Some(policy) = &raw.policy {
            self.cookie_policy(name, policy, &path.key("policy"), out);
        }
    }

    fn json_path(&mut self, query: &str, span: Span) -> Option<Arc<JsonPath>> {
        if let Some(path) = self.json_paths.get(query) {
            return Some(Arc::clone(path));
        }
        let parsed = if crate::template::nests_too_deep(query) {
            Err((
                0,
                format!(
                    "brackets or parentheses nested more than {} levels deep",
                    crate::template::MAX_NESTING
                ),
            ))
        } else {
            JsonPath::parse(query).map_err(|error| (error.position(), error.message().to_string()))
        };
        match parsed {
            Ok(path) => {
                let path = Arc::new(path);
                self.json_paths.insert(query.to_owned(), Arc::clone(&path));
                Some(path)
            }
            Err((error_position, error_message)) => {
                let dashed = query
                    .split(['.', '['])
                    .find(|segment| segment.contains('-') && !segment.contains(['\'', '"']));
                let help = if !query.starts_with('$') {
                    Some(format!(
                        "JSONPath queries start at the root: `$.{}`",
                        query.trim_start_matches('.')
                    ))
                } else if let Some(segment) = dashed {
                    Some(format!(
                        "a name with `-` needs brackets: `['{segment}']` instead of `.{segment}`"
                    ))
                } else {
                    Some(
                        "see RFC 9535: `$.user.email`, `$.items[0].id`, `$.roles[?@ == 'admin']`"
                            .to_owned(),
                    )
                };
                let mut label_span = span;
                let quoted = self
                    .source
                    .text
                    .get(span.offset..)
                    .is_some_and(|s| s.starts_with(['"', '\'']));
                let position = error_position.saturating_sub(1) + usize::from(quoted);
                if position < span.len {
                    label_span.offset += position;
                    label_span.column += position;
                    label_span.len = 1;
                }
                self.push(
                    DiagnosticKind::BadJsonPath,
                    label_span,
                    format!("invalid JSONPath `{}`: {error_message}", shortened(query)),
                    "here",
                    help,
                );
                None
            }
        }
    }

    // ---- captures ----

    fn captures(&mut self, raw: RawMap<RawCapture>, path: &NodePath) -> Vec<Capture> {
        let mut captures = Vec::with_capacity(raw.len());
        for (name, capture) in raw {
            let capture_path = path.key(&name);
            self.check_variable_name(&name, &capture_path);
            let span = self.key_span(&capture_path);
            let mut sources: Vec<(&str, Option<CaptureSource>)> = Vec::new();
            if let Some(query) = &capture.json {
                let json_span = self.value_span(&capture_path.key("json"));
                let compiled = self.json_path(query, json_span);
                sources.push((
                    "json",
                    compiled.map(|path| CaptureSource::Json {
                        path,
                        query: query.clone(),
                    }),
                ));
            }
            if let Some(header) = &capture.header {
                sources.push((
                    "header",
                    Some(CaptureSource::Header(header.to_ascii_lowercase())),
                ));
            }
            if let Some(cookie) = &capture.cookie {
                sources.push(("cookie", Some(CaptureSource::Cookie(cookie.clone()))));
            }
            if capture.redirect == Some(true) {
                sources.push(("redirect", Some(CaptureSource::Redirect)));
            }
            if let Some(param) = &capture.redirect_query {
                sources.push((
                    "redirect_query",
                    Some(CaptureSource::RedirectQuery(param.clone())),
                ));
            }
            if let Some(pattern) = &capture.regex {
                let regex_path = capture_path.key("regex");
                let group = capture.group.unwrap_or(1);
                let compiled = self.regex(pattern, &regex_path).and_then(|regex| {
                    if group >= regex.captures_len() {
                        self.push(
                            DiagnosticKind::InvalidValue,
                            self.value_span(&capture_path.key(if capture.group.is_some() { "group" } else { "regex" })),
                            format!(
                                "capture `{name}` takes group {group}, but the regex has {} group(s)",
                                regex.captures_len() - 1
                            ),
                            "no such group",
                            Some("wrap the part to keep in parentheses, or set `group: 0` for the whole match".to_owned()),
                        );
                        None
                    } else {
                        Some(CaptureSource::Regex { regex, group })
                    }
                });
                sources.push(("regex", compiled));
            } else if capture.group.is_some() {
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&capture_path.key("group")),
                    "`group` applies to a `regex` capture",
                    "no regex",
                    None,
                );
            }
            if capture.status == Some(true) {
                sources.push(("status", Some(CaptureSource::Status)));
            }
            if capture.body == Some(true) {
                sources.push(("body", Some(CaptureSource::Body)));
            }
            match sources.len() {
                0 => self.push(
                    DiagnosticKind::MissingKey,
                    span,
                    format!("capture `{name}` does not say what to capture"),
                    "no source",
                    Some("give one of `json`, `header`, `cookie`, `redirect: true`, `redirect_query`, `regex`, `status: true`, `body: true`".to_owned()),
                ),
                1 => {}
                _ => self.push(
                    DiagnosticKind::InvalidValue,
                    self.key_span(&capture_path.key(sources[1].0)),
                    format!("capture `{name}` has two sources, `{}` and `{}`", sources[0].0, sources[1].0),
                    "second source",
                    Some("capture each value under its own name".to_owned()),
                ),
            }
            if let Some((_, Some(source))) = sources.into_iter().next() {
                captures.push(Capture {
                    name,
                    span,
                    source,
                    jwt_claim: capture.jwt_claim,
                });
            }
        }
        captures
    }

    // ---- snapshots ----

    /// Reads `snapshot: true | false | { headers: [...], redact: [...] }`.
    fn snapshot_setting(&mut self, value: &Value, path: &NodePath) -> Option<SnapshotSetting> {
        const KEYS: &[&str] = &["headers", "redact"];
        let span = self.key_span(path);
        let map = match value {
            Value::Bool(false) => return Some(SnapshotSetting::Off),
            Value::Bool(true) => {
                return Some(SnapshotSetting::On {
                    span,
                    headers: None,
                    redact: Vec::new(),
                });
            }
            Value::Object(map) => map,
            _ => {
                self.wrong_type(
                    path,
                    "`true`, `false`, or a map with `headers` and `redact`",
                );
                return None;
            }
        };
        let mut headers = None;
        let mut redact = Vec::new();
        for (key, inner) in map {
            let inner_path = path.key(key);
            let Some(items) = inner.as_array().filter(|_| KEYS.contains(&key.as_str())) else {
                if KEYS.contains(&key.as_str()) {
                    let example = if key == "headers" {
                        "[content-type, location]"
                    } else {
                        "[\"$.id\"]"
                    };
                    self.wrong_type(&inner_path, &format!("a list, such as `{example}`"));
                } else {
                    self.unknown_key(key, KEYS, &inner_path, "snapshot");
                }
                continue;
            };
            let mut names = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let item_path = inner_path.index(index);
                let Some(text) = item.as_str() else {
                    self.wrong_type(&item_path, "a string");
                    continue;
                };
                if key == "headers" {
                    if reqwest::header::HeaderName::from_bytes(text.as_bytes()).is_err() {
                        self.push(
                            DiagnosticKind::InvalidValue,
                            self.value_span(&item_path),
                            format!("`{text}` is not a valid header name"),
                            "invalid header name",
                            None,
                        );
                    } else {
                        names.push(text.to_ascii_lowercase());
                    }
                } else if let Some(compiled) = self.json_path(text, self.value_span(&item_path)) {
                    redact.push((text.to_owned(), compiled));
                }
            }
            if key == "headers" {
                headers = Some(names);
            }
        }
        Some(SnapshotSetting::On {
            span,
            headers,
            redact,
        })
    }

    /// A step's own setting merged with the suite's: headers and redactions add up; `false` opts
    /// the step out.
    fn step_snapshot(&mut self, value: Option<&Value>, path: &NodePath) -> Option<SnapshotSpec> {
        let own = value.and_then(|value| self.snapshot_setting(value, path));
        let (span, headers, redact) = match (self.suite_snapshot.clone(), own) {
            (_, Some(SnapshotSetting::Off)) | (None | Some(SnapshotSetting::Off), None) => {
                return None;
            }
            (
                Some(SnapshotSetting::On {
                    span,
                    headers,
                    redact,
                }),
                None,
            )
            | (
                None | Some(SnapshotSetting::Off),
                Some(SnapshotSetting::On {
                    span,
                    headers,
                    redact,
                }),
            ) => (span, headers, redact),
            (
                Some(SnapshotSetting::On {
                    headers: suite_headers,
                    redact: suite_redact,
                    ..
                }),
                Some(SnapshotSetting::On {
                    span,
                    headers,
                    redact,
                }),
            ) => {
                let headers = match (suite_headers, headers) {
                    (None, None) => None,
                    (first, second) => {
                        let mut merged = first.unwrap_or_default();
                        for name in second.unwrap_or_default() {
                            if !merged.contains(&name) {
                                merged.push(name);
                            }
                        }
                        Some(merged)
                    }
                };
                (
                    span,
                    headers,
                    suite_redact.into_iter().chain(redact).collect(),
                )
            }
        };
        let headers = headers.unwrap_or_else(|| {
            SnapshotSpec::DEFAULT_HEADERS
                .iter()
                .map(|name| (*name).to_owned())
                .collect()
        });
        Some(SnapshotSpec {
            span,
            headers,
            redact,
        })
    }

    // ---- values ----

    fn regex(&mut self, pattern: &str, path: &NodePath) -> Option<Regex> {
        match Regex::new(pattern) {
            Ok(regex) => Some(regex),
            Err(error) => {
                let detail = match &error {
                    regex::Error::Syntax(text) => text
                        .lines()
                        .rev()
                        .find_map(|line| line.strip_prefix("error: "))
                        .unwrap_or("syntax error")
                        .to_owned(),
                    other => other.to_string(),
                };
                self.push(
                    DiagnosticKind::BadRegex,
                    self.value_span(path),
                    format!("invalid regex `{pattern}`: {detail}"),
                    "invalid regex",
                    Some("regexes use Rust's syntax (https://docs.rs/regex); escape literal `(`, `[`, `.` with `\\`".to_owned()),
                );
                None
            }
        }
    }

    fn duration(&mut self, value: &Value, path: &NodePath) -> Option<Duration> {
        let parsed = value.as_str().and_then(parse_duration);
        if parsed.is_none() {
            let shown = display_value(value);
            let message = if value.is_number() || shown.trim().parse::<f64>().is_ok() {
                format!("`{shown}` has no unit: it could be seconds or milliseconds")
            } else {
                format!("`{shown}` is not a duration")
            };
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(path),
                message,
                "not a duration",
                Some("write `500ms`, `5s` or `1m`".to_owned()),
            );
        }
        parsed
    }

    fn matcher(&mut self, value: &Value, path: &NodePath) -> Matcher {
        let Value::Object(map) = value else {
            return Matcher::Eq(self.json_template(value, path));
        };
        let is_matcher_map =
            !map.is_empty() && map.keys().all(|key| MATCHER_NAMES.contains(&key.as_str()));
        if !is_matcher_map {
            let near_miss = map.keys().find_map(|key| {
                if MATCHER_NAMES.contains(&key.as_str()) {
                    return Some((key, None));
                }
                closest(key, MATCHER_NAMES.iter().copied()).map(|near| (key, Some(near)))
            });
            if let Some((key, near)) = near_miss {
                let help = match near {
                    Some(near) => format!(
                        "did you mean `{near}`? To compare with an object literally, wrap it in `eq:`"
                    ),
                    None => format!(
                        "a matcher map uses only {}; to compare with an object, wrap it in `eq:`",
                        name_list(MATCHER_NAMES)
                    ),
                };
                self.push(
                    DiagnosticKind::UnknownKey,
                    self.key_span(
                        &path.key(
                            map.keys()
                                .find(|k| !MATCHER_NAMES.contains(&k.as_str()))
                                .unwrap_or(key),
                        ),
                    ),
                    format!(
                        "unknown matcher `{}`",
                        map.keys()
                            .find(|k| !MATCHER_NAMES.contains(&k.as_str()))
                            .unwrap_or(key)
                    ),
                    "not a matcher",
                    Some(help),
                );
            }
            return Matcher::Eq(self.json_template(value, path));
        }
        let mut matchers: Vec<Matcher> = Vec::with_capacity(map.len());
        for (key, inner) in map {
            let inner_path = path.key(key);
            let matcher = match key.as_str() {
                "eq" => Matcher::Eq(self.json_template(inner, &inner_path)),
                "ne" => Matcher::Ne(self.json_template(inner, &inner_path)),
                "contains" => Matcher::Contains(self.json_template(inner, &inner_path)),
                "matches" => match inner.as_str() {
                    Some(pattern) => match self.regex(pattern, &inner_path) {
                        Some(regex) => Matcher::Matches(regex),
                        None => continue,
                    },
                    None => {
                        self.wrong_type(&inner_path, "a regex string");
                        continue;
                    }
                },
                "exists" => match inner.as_bool() {
                    Some(exists) => Matcher::Exists(exists),
                    None => {
                        self.wrong_type(&inner_path, "`true` or `false`");
                        continue;
                    }
                },
                "type" => match inner.as_str().and_then(ValueType::from_name) {
                    Some(kind) => Matcher::Type(kind),
                    None => {
                        let text = display_value(inner);
                        let help = closest(&text, ValueType::NAMES.iter().copied())
                            .map(|near| format!("did you mean `{near}`?"))
                            .unwrap_or_else(|| format!("one of {}", name_list(ValueType::NAMES)));
                        self.push(
                            DiagnosticKind::InvalidValue,
                            self.value_span(&inner_path),
                            format!("unknown type `{text}`"),
                            "unknown type",
                            Some(help),
                        );
                        continue;
                    }
                },
                "len" => Matcher::Len(Box::new(self.length_matcher(inner, &inner_path))),
                "gt" | "ge" | "lt" | "le" => {
                    let Value::Number(bound) = inner.clone() else {
                        self.wrong_type(&inner_path, "a number");
                        continue;
                    };
                    match key.as_str() {
                        "gt" => Matcher::Gt(bound),
                        "ge" => Matcher::Ge(bound),
                        "lt" => Matcher::Lt(bound),
                        _ => Matcher::Le(bound),
                    }
                }
                "one_of" => match inner {
                    Value::Array(items) => Matcher::OneOf(
                        items
                            .iter()
                            .enumerate()
                            .map(|(index, item)| self.json_template(item, &inner_path.index(index)))
                            .collect(),
                    ),
                    _ => {
                        self.wrong_type(&inner_path, "a list of values");
                        continue;
                    }
                },
                _ => unreachable!("checked against MATCHER_NAMES above"),
            };
            matchers.push(matcher);
        }
        if matchers.len() == 1 {
            matchers.pop().unwrap_or(Matcher::Exists(true))
        } else {
            Matcher::All(matchers)
        }
    }

    fn json_template(&mut self, value: &Value, path: &NodePath) -> JsonTemplate {
        let template = match value {
            Value::String(text) => JsonTemplate::Text(self.text(text, path)),
            Value::Array(items) => JsonTemplate::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.json_template(item, &path.index(index)))
                    .collect(),
            ),
            Value::Object(map) => JsonTemplate::Object(
                map.iter()
                    .map(|(key, item)| (key.clone(), self.json_template(item, &path.key(key))))
                    .collect(),
            ),
            other => JsonTemplate::Literal(other.clone()),
        };
        if is_literal(&template) {
            JsonTemplate::Literal(value.clone())
        } else {
            template
        }
    }

    fn scalar_text(&mut self, value: &Value, path: &NodePath) -> Text {
        match value {
            Value::String(text) => self.text(text, path),
            Value::Number(number) => Text::literal(number.to_string()),
            Value::Bool(flag) => Text::literal(flag.to_string()),
            Value::Null => Text::literal(""),
            Value::Array(_) | Value::Object(_) => {
                self.wrong_type(path, "a string");
                Text::literal("")
            }
        }
    }

    /// Compiles a suite string and checks that the variables it reads are defined at this point.
    fn text(&mut self, source: &str, path: &NodePath) -> Text {
        match self.templates.compile(source) {
            Ok((text, references)) => {
                for reference in references.iter() {
                    self.check_reference(reference, path);
                }
                text
            }
            Err(message) => {
                self.push(
                    DiagnosticKind::BadTemplate,
                    self.value_span(path),
                    format!("invalid template in {}: {message}", self.context),
                    "invalid template",
                    Some(if message.starts_with("unknown filter") || message.starts_with("unknown function") {
                        "the filters are tera's (`upper`, `default`, `replace`, …) and authprobe's (`base64_encode`, `urlencode`, `jwt_set`, …), and the functions `now()` and `uuid()`: see the README's templates section".to_owned()
                    } else {
                        "templates look like `{{ name }}` or `{{ name | filter }}`; write `{{ '{{' }}` for literal braces".to_owned()
                    }),
                );
                Text::literal(source)
            }
        }
    }

    fn check_reference(&mut self, reference: &Reference, path: &NodePath) {
        if reference.has_default {
            return;
        }
        let root = reference.root();
        if root == "env" {
            let Some(name) = reference.member() else {
                return;
            };
            if !self.options.env.contains_key(name) {
                let span = self.value_span(path);
                let field = path.to_string();
                self.push(
                    DiagnosticKind::UnsetEnvironmentVariable,
                    span,
                    format!("environment variable `{name}` is not set ({}, `{field}`)", self.context),
                    "reads an unset variable",
                    Some(match self.context.strip_prefix("var `").and_then(|var| var.strip_suffix('`')) {
                        Some(var) => format!(
                            "set {name}, put it in an --env-file, give a fallback: `{{{{ env.{name} | default(value=\"…\") }}}}`, or give `{var}` with `--var {var}=…`"
                        ),
                        None => format!(
                            "set {name}, put it in an --env-file, or give a fallback: `{{{{ env.{name} | default(value=\"…\") }}}}`"
                        ),
                    }),
                );
            }
            return;
        }
        if root == "mocks" {
            self.check_mock_reference(reference, path);
            return;
        }
        if self.defined.contains(root) {
            return;
        }
        let span = self.value_span(path);
        let field = path.to_string();
        let help = match self.captured_later.get(root) {
            Some((index, step)) => Some(format!(
                "`{root}` is captured by step {} (`{step}`), which runs later",
                index + 1
            )),
            None => closest(root, self.defined.iter().map(String::as_str))
                .map(|near| format!("did you mean `{near}`?"))
                .or_else(|| {
                    Some(format!(
                        "defined here: {}; pass others with --var {root}=…",
                        name_list(&self.defined.iter().map(String::as_str).collect::<Vec<_>>())
                    ))
                }),
        };
        self.push(
            DiagnosticKind::UndefinedVariable,
            span,
            format!(
                "undefined variable `{root}` in {} (`{field}`)",
                self.context
            ),
            "not defined at this point",
            help,
        );
    }

    fn wrong_type(&mut self, path: &NodePath, expected: &str) {
        let name = path.last_key().unwrap_or("value").to_owned();
        self.push(
            DiagnosticKind::WrongType,
            self.value_span(path),
            format!("`{name}` must be {expected}"),
            "wrong type",
            None,
        );
    }

    fn unknown_key(&mut self, key: &str, known: &[&str], path: &NodePath, parent: &str) {
        let help = closest(key, known.iter().copied())
            .map(|near| format!("did you mean `{near}`?"))
            .unwrap_or_else(|| format!("`{parent}` takes {}", name_list(known)));
        self.push(
            DiagnosticKind::UnknownKey,
            self.key_span(path),
            format!("unknown key `{key}` in `{parent}`"),
            "unknown key",
            Some(help),
        );
    }
}

fn is_literal(template: &JsonTemplate) -> bool {
    match template {
        JsonTemplate::Literal(_) => true,
        JsonTemplate::Text(text) => matches!(text, Text::Literal(_)),
        JsonTemplate::Array(items) => items.iter().all(is_literal),
        JsonTemplate::Object(entries) => entries.iter().all(|(_, item)| is_literal(item)),
    }
}

/// `500ms`, `1.5s`, `2m` (or `2min`): a number and its unit, which is never left out (`30` could
/// be seconds or milliseconds).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "m" | "min" => number * 60.0,
        _ => return None,
    };
    // A number past what a `Duration` holds is no duration, not a panic.
    Duration::try_from_secs_f64(seconds).ok()
}

pub(crate) fn display_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `text`, cut to its first 60 characters when longer: it is quoted in a one-line message.
fn shortened(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(60) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

pub(crate) fn name_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("fast"), None);
        assert_eq!(parse_duration("30"), None, "a number without its unit");
        assert_eq!(
            parse_duration("99999999999999999999s"),
            None,
            "past a Duration"
        );
        assert_eq!(parse_duration("-1s"), None);
    }
}
