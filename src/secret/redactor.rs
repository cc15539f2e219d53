//! Learning secrets from a run and masking them wherever they appear.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{PoisonError, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regex::Regex;
use serde_json::Value;

use super::early::Replaced;
use super::forms::{MIN_SECRET_LEN, encoded_forms};
use crate::http::{Exchange, RecordedRequest, Response};
use crate::runner::{RunResult, StepResult};

/// What a masked value is replaced with.
pub const MASK: &str = "••••••";

/// Headers whose whole value is a credential.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-csrf-token",
];

/// Whether a header's whole value is a credential: a known one, or a name that says so
/// (`X-Goog-Api-Key`, `X-RapidAPI-Key`, `X-Custom-Auth`, `X-Signature`). A challenge
/// (`WWW-Authenticate`) describes the credential it wants and stays readable.
pub fn is_credential_header(name: &str) -> bool {
    if CREDENTIAL_HEADERS
        .iter()
        .any(|header| name.eq_ignore_ascii_case(header))
    {
        return true;
    }
    let name = name.to_ascii_lowercase();
    !matches!(name.as_str(), "www-authenticate" | "proxy-authenticate")
        && [
            "key",
            "token",
            "auth",
            "secret",
            "signature",
            "session",
            "jwt",
            "bearer",
            "password",
            "credential",
        ]
        .iter()
        .any(|word| name.contains(word))
}

/// Name endings that say a field describes a secret (its type, lifetime, how it is used) rather
/// than holds one.
const DESCRIPTION_SUFFIXES: &[&str] = &[
    "_type",
    "_in",
    "_at",
    "_exp",
    "_iat",
    "_nbf",
    "_method",
    "_methods",
    "_supported",
];

/// Field names (JSON keys, form fields, query parameters) whose values are secrets.
fn is_sensitive_name(name: &str) -> bool {
    // Compared byte-wise, ignoring ASCII case: every key of every body passes here.
    let name = name.as_bytes();
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let contains = |needle: &str| {
        name.windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
    };
    // `token_type: bearer`, `expires_in: 3600`, `token_endpoint: https://…` describe a secret
    // without being one; masking "bearer" or a URL everywhere would shred every report. So does a
    // token's time claim (`access_token_exp`): masking a timestamp would hide it in every token
    // shown. And so does a discovery document's `token_endpoint_auth_methods_supported`, whose
    // `client_secret_basic` would otherwise be masked wherever it is written.
    if DESCRIPTION_SUFFIXES
        .iter()
        .chain(&["_endpoint", "_url", "_uri", "_expiry"])
        .any(|suffix| ends_with(suffix))
    {
        return false;
    }
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "code_verifier",
        "assertion",
        "credential",
        "private_key",
        "session",
    ]
    .iter()
    .any(|needle| contains(needle))
        || name.eq_ignore_ascii_case(b"code")
        || name.eq_ignore_ascii_case(b"key")
}

/// A field of a secret's object that says what the secret is, not what it is worth: its type,
/// scopes, lifetime, algorithm, owner, where and by what it was used.
fn describes_a_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "scope",
        "ip",
        "min_",
        "max_",
        "last_",
        "user_agent",
        "expir",
        "not_",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
        || [
            "type",
            "kind",
            "alg",
            "algorithm",
            "typ",
            "kid",
            "kty",
            "use",
            "iss",
            "aud",
            "exp",
            "iat",
            "nbf",
            "expires",
            "lifetime",
            "ttl",
            "issuer",
            "audience",
            "provider",
            "name",
            "username",
            "email",
            "role",
            "roles",
            "status",
            "state",
            "valid",
            "created",
            "updated",
            "modified",
            "issued",
            "device",
            "browser",
            "platform",
            "location",
            "country",
            "city",
            "host",
            "hostname",
            "resource",
            "format",
            "length",
            "rules",
            "policy",
            "agent",
        ]
        .contains(&name.as_str())
        || DESCRIPTION_SUFFIXES
            .iter()
            .chain(&["_on", "_granted", "_count", "_length", "_address", "_agent"])
            .any(|suffix| name.ends_with(suffix))
}

/// Standard names of credential fields. A response that lists them (`"fields": ["access_token",
/// "id_token"]`) names secrets without holding one, and masking the names would mask every key
/// of that name in every report.
fn is_credential_field_name(text: &str) -> bool {
    [
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code_verifier",
        "api_key",
        "apikey",
        "password",
        "session_id",
        "session_token",
        "auth_token",
        "csrf_token",
        "private_key",
        "client_assertion",
        // The fields beside them in a token response (RFC 6749 §5.1, OpenID Connect).
        "token_type",
        "expires_in",
        "refresh_expires_in",
        "session_state",
        "id_token_hint",
    ]
    .iter()
    .any(|name| text.eq_ignore_ascii_case(name))
}

/// The most secrets [`Redactor::catch_up_if_small`] builds automata for at once: a few hundred
/// patterns for secrets the size of tokens (it counts secrets, not their bytes).
pub(super) const MAX_SMALL_CATCH_UP: usize = 32;

/// Values found by heuristics (credentials sent, sensitive fields) shorter than this are left alone:
/// real tokens are longer, and a short common word ("start", "admin") would be masked everywhere
/// and trip the final leak scan on every JSON key that contains it. Declared secrets are masked
/// from [`MIN_SECRET_LEN`] on.
const MIN_LEARNT_SECRET_LEN: usize = 8;

#[derive(Debug)]
pub struct Redactor {
    secrets: BTreeSet<String>,
    /// Automata over the encoded forms of the secrets, brought up to date when a mask needs them.
    automata: RwLock<Automata>,
    jwt: Regex,
}

impl Clone for Redactor {
    fn clone(&self) -> Self {
        let automata = match self.automata.read() {
            Ok(automata) => automata.clone(),
            // See `with_automata`: groups a panic left behind may be missing secrets.
            Err(_) => Automata {
                pending: self.secrets.iter().cloned().collect(),
                ..Automata::default()
            },
        };
        Redactor {
            secrets: self.secrets.clone(),
            automata: RwLock::new(automata),
            jwt: self.jwt.clone(),
        }
    }
}

/// The forms of the secrets in groups, each with its automaton. A secret learnt joins a new group
/// of its own, and a group merges with the one before it while that is no larger (as a binary
/// counter carries): a run that learns a secret at every step and masks in between (the console
/// does, for every failed step) builds O(n log n) patterns in all, not one automaton per step over
/// everything learnt so far.
#[derive(Debug, Clone, Default)]
struct Automata {
    groups: Vec<Group>,
    /// Learnt since the groups were last brought up to date.
    pending: Vec<String>,
    /// Forms no automaton could be built for (only conceivable for gigabytes of secrets): searched
    /// one by one rather than dropped.
    unsearchable: Vec<String>,
    /// How many secrets were pending when [`Redactor::catch_up_if_small`] last found them too
    /// many to make searchable.
    pending_when_refused: usize,
}

#[derive(Debug, Clone)]
struct Group {
    secrets: usize,
    forms: Vec<String>,
    automaton: AhoCorasick,
}

impl Automata {
    /// Makes the pending secrets searchable: their forms and those of the groups no larger than
    /// theirs (as a binary counter carries) become one group, its automaton built once.
    fn catch_up(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let new_secrets = self.pending.len();
        let new_forms: Vec<String> = self
            .pending
            .drain(..)
            .flat_map(|secret| encoded_forms(&secret))
            .collect();
        let mut secrets = new_secrets;
        let mut merged = Vec::new();
        while self
            .groups
            .last()
            .is_some_and(|last| last.secrets <= secrets)
        {
            let Some(last) = self.groups.pop() else {
                break;
            };
            secrets += last.secrets;
            merged.push(last);
        }
        // The groups popped come newest first; their forms go in oldest first.
        merged.reverse();
        let all_forms = merged
            .iter()
            .flat_map(|group| &group.forms)
            .chain(&new_forms);
        if let Some(automaton) = forms_automaton(all_forms) {
            let mut forms: Vec<String> = merged.into_iter().flat_map(|group| group.forms).collect();
            forms.extend(new_forms);
            self.groups.push(Group {
                secrets,
                forms,
                automaton,
            });
            return;
        }
        // Too many forms for one automaton: the groups stay as they were, beside the new ones.
        self.groups.extend(merged);
        match Group::new(new_secrets, new_forms) {
            Ok(group) => self.groups.push(group),
            Err(forms) => self.unsearchable.extend(forms),
        }
    }

    /// How many secrets [`Self::catch_up`] would build automata for: those pending and those of
    /// the groups their group would merge with.
    fn catch_up_size(&self) -> usize {
        let mut size = self.pending.len();
        for group in self.groups.iter().rev() {
            if group.secrets > size {
                break;
            }
            size += group.secrets;
        }
        size
    }

    /// One group for all where possible, its automaton built once: masking a whole run then
    /// takes one pass per string.
    fn compact(&mut self) {
        self.catch_up();
        if self.groups.len() < 2 {
            return;
        }
        let Some(automaton) = forms_automaton(self.groups.iter().flat_map(|group| &group.forms))
        else {
            return;
        };
        let secrets = self.groups.iter().map(|group| group.secrets).sum();
        let forms = self
            .groups
            .drain(..)
            .flat_map(|group| group.forms)
            .collect();
        self.groups.push(Group {
            secrets,
            forms,
            automaton,
        });
    }
}

impl Group {
    /// The group, or its forms back when no automaton can hold them.
    fn new(secrets: usize, forms: Vec<String>) -> Result<Group, Vec<String>> {
        match forms_automaton(&forms) {
            Some(automaton) => Ok(Group {
                secrets,
                forms,
                automaton,
            }),
            None => Err(forms),
        }
    }
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor {
            secrets: BTreeSet::new(),
            automata: RwLock::default(),
            jwt: Regex::new(
                r"(?P<header>eyJ[A-Za-z0-9_-]+)\.(?P<claims>[A-Za-z0-9_-]*)\.(?P<signature>[A-Za-z0-9_-]*)",
            )
            .expect("a valid literal regex"),
        }
    }
}

/// An automaton that finds every one of `forms`, overlapping matches included; `None` for no
/// forms, or more than an automaton can hold.
pub(super) fn forms_automaton<P: AsRef<[u8]>>(
    forms: impl IntoIterator<Item = P>,
) -> Option<AhoCorasick> {
    let forms: Vec<P> = forms.into_iter().collect();
    if forms.is_empty() {
        return None;
    }
    let bytes: usize = forms.iter().map(|form| form.as_ref().len()).sum();
    // A DFA searches fastest, but building one takes time and memory in proportion to the
    // patterns' bytes times the alphabet: seconds for a few kilobytes of a long cookie.
    let kind = (bytes > LARGEST_FORMS_FOR_A_DFA).then_some(AhoCorasickKind::ContiguousNFA);
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(kind)
        .build(forms)
        .ok()
}

/// Forms longer than this in all are searched with an automaton that is quick to build.
const LARGEST_FORMS_FOR_A_DFA: usize = 4096;

impl Redactor {
    /// The secrets learnt so far, as they were sent or received (not their encoded forms).
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(String::as_str)
    }

    /// Adds one declared secret value; values shorter than [`MIN_SECRET_LEN`] are ignored.
    pub fn add(&mut self, secret: &str) {
        self.insert(secret, MIN_SECRET_LEN);
    }

    /// Adds a value that heuristics found (see [`MIN_LEARNT_SECRET_LEN`]).
    fn learn(&mut self, secret: &str) {
        let secret = secret.trim();
        if is_credential_field_name(secret) {
            return;
        }
        // A JWT's signature is what makes it a credential; its header and claims stay readable
        // in every report, so the signature is the secret. An unsigned token that a target
        // issued is a credential as it stands (it takes `alg: none`, or looks the token up):
        // all of it is.
        match self.signature_of_whole_jwt(secret) {
            Some(signature) if !signature.is_empty() => {
                self.insert(signature, MIN_LEARNT_SECRET_LEN);
            }
            _ => self.insert(secret, MIN_LEARNT_SECRET_LEN),
        }
    }

    /// The signature of `text` when `text` is one JWT and nothing else (empty when unsigned).
    fn signature_of_whole_jwt<'t>(&self, text: &'t str) -> Option<&'t str> {
        if !may_hold_token(text) {
            return None;
        }
        let captures = self.jwt.captures(text)?;
        let whole = captures.get(0)?;
        (whole.start() == 0 && whole.end() == text.len()).then(|| {
            captures
                .name("signature")
                .map_or("", |signature| signature.as_str())
        })
    }

    fn insert(&mut self, secret: &str, min_len: usize) {
        let secret = secret.trim();
        if secret.len() >= min_len && !self.secrets.contains(secret) {
            self.secrets.insert(secret.to_owned());
            self.automata
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .pending
                .push(secret.to_owned());
        }
    }

    /// Makes every secret learnt searchable when that builds automata for at most
    /// [`MAX_SMALL_CATCH_UP`] secrets, or when no secret was learnt since it last refused; whether
    /// they all are. A run learning a secret at every step would otherwise build ever larger
    /// automata as it goes.
    pub(super) fn catch_up_if_small(&self) -> bool {
        if self.secrets.is_empty() {
            return true;
        }
        if let Ok(automata) = self.automata.read() {
            if automata.pending.is_empty() {
                return true;
            }
        }
        let mut automata = self.automata_to_change();
        // Many are made searchable at once only when none came since the last refusal: when the
        // run has stopped learning a secret at every step, not while it still does.
        let pending = automata.pending.len();
        if automata.catch_up_size() > MAX_SMALL_CATCH_UP && pending != automata.pending_when_refused
        {
            automata.pending_when_refused = pending;
            return false;
        }
        automata.catch_up();
        automata.pending.is_empty()
    }

    /// Runs `search` with the automata up to date with every secret learnt.
    fn with_automata<T>(&self, search: impl FnOnce(&Automata) -> T) -> T {
        if let Ok(automata) = self.automata.read() {
            if automata.pending.is_empty() {
                return search(&automata);
            }
        }
        let mut automata = self.automata_to_change();
        automata.catch_up();
        search(&automata)
    }

    fn automata_to_change(&self) -> std::sync::RwLockWriteGuard<'_, Automata> {
        match self.automata.write() {
            Ok(automata) => automata,
            // A panic while the groups were being rebuilt may have lost some: start again from
            // every secret learnt.
            Err(poisoned) => {
                let mut automata = poisoned.into_inner();
                *automata = Automata {
                    pending: self.secrets.iter().cloned().collect(),
                    ..Automata::default()
                };
                self.automata.clear_poison();
                automata
            }
        }
    }

    /// Learns everything secret in a finished step: declared secrets, credentials it sent, cookies
    /// it received, sensitive fields of its bodies and captures.
    pub fn learn_step(&mut self, step: &StepResult) {
        for secret in &step.secrets {
            self.add(secret);
        }
        for exchange in &step.exchanges {
            self.learn_exchange(exchange);
        }
        for capture in &step.captures {
            if is_sensitive_name(&capture.name) {
                self.learn_value(&capture.value);
            }
        }
    }

    fn learn_exchange(&mut self, exchange: &Exchange) {
        // An attack's request carries what authprobe forged, not what the target issued: its
        // tokens would make secrets of the genuine token's parts, and the API keys it made from
        // the step's key are among the step's secrets already.
        if exchange.label.is_none() {
            self.learn_request(&exchange.request);
        }
        if let Some(response) = exchange.response() {
            self.learn_response(response);
        }
    }

    fn learn_request(&mut self, request: &RecordedRequest) {
        for (name, value) in &request.headers {
            if name.eq_ignore_ascii_case("cookie") {
                for pair in value.split(';') {
                    if let Some((_, cookie_value)) = pair.split_once('=') {
                        self.learn(cookie_value);
                    }
                }
            } else if is_credential_header(name) {
                self.learn_credential(value);
            }
        }
        self.learn_query(&request.url);
        if let Some(body) = &request.body {
            self.learn_body(body);
        }
    }

    fn learn_response(&mut self, response: &Response) {
        for cookie in response.set_cookies() {
            self.learn(cookie.value());
        }
        if let Some(json) = response.json() {
            self.learn_json(json);
        } else if let Some(location) = response.header("location") {
            self.learn_query(location);
        }
    }

    /// Sensitive parameters of a URL's query (`?code=…&state=…`) and of its fragment, where the
    /// implicit OAuth flow puts tokens (`#access_token=…`).
    fn learn_query(&mut self, url: &str) {
        let (rest, fragment) = url.split_once('#').unwrap_or((url, ""));
        let query = rest.split_once('?').map_or("", |(_, query)| query);
        for part in [query, fragment] {
            for (name, value) in url::form_urlencoded::parse(part.as_bytes()) {
                if is_sensitive_name(&name) {
                    self.learn(&value);
                }
            }
        }
    }

    /// `Bearer x` and `Basic x` hide the credential after the scheme; Basic also hides the password.
    fn learn_credential(&mut self, value: &str) {
        // The credential, not `Bearer <credential>`: masking the credential masks the whole
        // value, and a credential too short to be a secret does not become one with a prefix.
        let Some((scheme, credential)) = value.split_once(' ') else {
            self.learn(value);
            return;
        };
        // An unsigned token the step sent that no response carried (a forgery made with
        // `jwt_drop_signature`, an `alg: none` token) is no credential: anyone can write it
        // from the header and claims the report shows, and masking it would hide those of the
        // genuine token it was made from, in every step. One a target issued was learnt from
        // the response that carried it.
        if self.signature_of_whole_jwt(credential.trim()) == Some("") {
            return;
        }
        self.learn(credential);
        if scheme.eq_ignore_ascii_case("basic") {
            if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credential.trim())
            {
                let decoded = String::from_utf8_lossy(&decoded).into_owned();
                if let Some((_, password)) = decoded.split_once(':') {
                    self.learn(password);
                }
                self.learn(&decoded);
            }
        }
    }

    fn learn_body(&mut self, body: &str) {
        if let Ok(json) = serde_json::from_str::<Value>(body) {
            self.learn_json(&json);
            return;
        }
        if body.contains('=') && !body.contains(char::is_whitespace) {
            for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
                if is_sensitive_name(&name) {
                    self.learn(&value);
                }
            }
        }
    }

    fn learn_json(&mut self, json: &Value) {
        match json {
            Value::Object(map) => {
                // A private JWK, wherever it is (a JWKS endpoint that leaks its private keys).
                if map.contains_key("kty") {
                    for member in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                        if let Some(Value::String(private)) = map.get(member) {
                            self.learn(private);
                        }
                    }
                }
                for (key, value) in map {
                    if is_sensitive_name(key) {
                        self.learn_value(value);
                    } else {
                        self.learn_json(value);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.learn_json(item)),
            _ => {}
        }
    }

    /// Learns a value found under a sensitive name. A list's items are as sensitive as the list.
    /// An object's own text and number fields are secrets (`credentials: { user, pass }`, a
    /// private JWK's `d`, `p`, `q`) unless their names describe the secret (`token: {
    /// access_token, token_type, scope }` is one secret and two descriptions); what is nested
    /// deeper is judged by its names, as any body is.
    fn learn_value(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.learn(text),
            Value::Number(number) => self.learn(&number.to_string()),
            Value::Array(items) => items.iter().for_each(|item| self.learn_value(item)),
            Value::Object(map) => {
                for (key, inner) in map {
                    if is_sensitive_name(key) {
                        self.learn_value(inner);
                    } else if describes_a_secret(key) || inner.is_object() || inner.is_array() {
                        self.learn_json(inner);
                    } else {
                        self.learn_value(inner);
                    }
                }
            }
            _ => {}
        }
    }

    /// Masks every known secret, in every form, and every JWT signature in `text`. A token's
    /// header and claims stay readable: a secret among them is masked in the decoded JSON, which
    /// is encoded again (masking it in the base64 would leave a token nothing can decode).
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.mask_nested(text, 0)
    }

    /// [`Self::mask`] for text found inside a token's segments `depth` tokens deep.
    fn mask_nested<'a>(&self, text: &'a str, depth: usize) -> Cow<'a, str> {
        let mut masked = Cow::Borrowed(text);
        if may_hold_token(text) {
            let replaced = self.jwt.replace_all(&masked, |caps: &regex::Captures<'_>| {
                let claims = caps.name("claims").map_or("", |claims| claims.as_str());
                // An unsigned token (`alg: none`) has no signature to mask.
                let signature = if caps["signature"].is_empty() {
                    ""
                } else {
                    MASK
                };
                format!(
                    "{}.{}.{signature}",
                    self.mask_segment(&caps["header"], depth),
                    self.mask_segment(claims, depth)
                )
            });
            if let Cow::Owned(owned) = replaced {
                masked = Cow::Owned(owned);
            }
        }
        if let Cow::Owned(owned) = self.mask_forms(&masked) {
            masked = Cow::Owned(owned);
        }
        masked
    }

    /// A token's header or claims with the secrets in them masked, still base64url of the same
    /// JSON where that is safe: a number that is a secret becomes the masked string (masking text
    /// would leave `"exp": ••••••`, which no JSON reader, and so no report, decodes). A segment
    /// that might hold a secret but cannot be read back exactly is masked whole.
    fn mask_segment<'a>(&self, segment: &'a str, depth: usize) -> Cow<'a, str> {
        /// Tokens inside tokens are decoded this deep; deeper ones are masked whole when they
        /// might hide anything, so that a crafted body cannot nest its way to a stack overflow.
        const MAX_DEPTH: usize = 2;
        let Some(bytes) = decode_segment(segment) else {
            return self.mask_forms(segment);
        };
        // Decoded as JWT libraries do, lossily: what a reader of the report could see.
        let decoded = String::from_utf8_lossy(&bytes);
        // A secret can hide behind a JSON escape (`\u0073`) or inside a token in a claim: only
        // the parsed values show it.
        let might_hide = (!self.secrets.is_empty() && decoded.contains("\\u"))
            || decoded.contains("eyJ")
            || self.holds_secret(&decoded);
        if !might_hide {
            return self.mask_forms(segment);
        }
        let whole = || Cow::Owned(MASK.to_owned());
        let Cow::Borrowed(decoded) = decoded else {
            return whole();
        };
        let Some(mut value) = serde_json::from_str::<Value>(decoded)
            .ok()
            .filter(|value| depth < MAX_DEPTH && exact_numbers(value))
        else {
            return whole();
        };
        let changed = self.mask_json_value(&mut value, depth + 1);
        let written = value.to_string();
        // A secret that spans the JSON's structure (`1,2,3` in `[1,2,3]`) is in no one value.
        if self.holds_secret(&written) {
            return whole();
        }
        if changed {
            Cow::Owned(URL_SAFE_NO_PAD.encode(written))
        } else {
            self.mask_forms(segment)
        }
    }

    /// Masks the secrets in a decoded token's JSON, value by value; whether anything changed.
    fn mask_json_value(&self, value: &mut Value, depth: usize) -> bool {
        match value {
            Value::String(text) => match self.mask_nested(text, depth) {
                Cow::Borrowed(_) => false,
                Cow::Owned(masked) => {
                    *text = masked;
                    true
                }
            },
            Value::Number(number) => match self.mask_forms(&number.to_string()) {
                Cow::Borrowed(_) => false,
                Cow::Owned(masked) => {
                    *value = Value::String(masked);
                    true
                }
            },
            Value::Array(items) => {
                // Every item is masked: stopping at the first change would leave the rest.
                let mut changed = false;
                for item in items {
                    changed |= self.mask_json_value(item, depth);
                }
                changed
            }
            Value::Object(map) => {
                let mut changed = false;
                for (key, mut item) in std::mem::take(map) {
                    let key = match self.mask_nested(&key, depth) {
                        Cow::Borrowed(_) => key,
                        Cow::Owned(masked) => {
                            changed = true;
                            masked
                        }
                    };
                    changed |= self.mask_json_value(&mut item, depth);
                    map.insert(key, item);
                }
                changed
            }
            Value::Bool(_) | Value::Null => false,
        }
    }

    /// Whether some form of some secret is in `text`.
    fn holds_secret(&self, text: &str) -> bool {
        !self.secrets.is_empty()
            && self.with_automata(|automata| {
                automata
                    .groups
                    .iter()
                    .any(|group| group.automaton.is_match(text))
                    || automata
                        .unsearchable
                        .iter()
                        .any(|form| text.contains(form.as_str()))
            })
    }

    /// Replaces every stretch of `text` that some form of some secret covers. Every match counts,
    /// overlapping ones too: of two secrets that overlap, neither keeps a visible end.
    fn mask_forms<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.secrets.is_empty() {
            return Cow::Borrowed(text);
        }
        let found: Vec<(usize, usize)> = self.with_automata(|automata| {
            let mut found = Vec::new();
            for group in &automata.groups {
                found.extend(
                    group
                        .automaton
                        .find_overlapping_iter(text)
                        .map(|hit| (hit.start(), hit.end())),
                );
            }
            for form in &automata.unsearchable {
                found.extend(
                    text.match_indices(form.as_str())
                        .map(|(at, _)| (at, at + form.len())),
                );
            }
            found
        });
        let bytes = text.as_bytes();
        // The run of backslashes last walked back over: matches come in order, and many can
        // start inside one long run.
        let mut run_start = 0;
        let mut run_end = 0;
        let mut covered: Vec<(usize, usize)> = found
            .into_iter()
            .map(|(start, end)| {
                // A form that starts inside an escape (`\/`, `\"`) takes the escape's backslash
                // with it: a backslash left before the mask would escape what follows it.
                if start == 0 || bytes[start - 1] != b'\\' {
                    return (start, end);
                }
                if !(run_start..run_end).contains(&(start - 1)) {
                    run_start = start - 1;
                    while run_start > 0 && bytes[run_start - 1] == b'\\' {
                        run_start -= 1;
                    }
                    run_end = start;
                    while run_end < bytes.len() && bytes[run_end] == b'\\' {
                        run_end += 1;
                    }
                }
                (start - (start - run_start) % 2, end)
            })
            .map(|(start, end)| widen_to_escapes(bytes, start, end))
            .collect();
        if covered.is_empty() {
            return Cow::Borrowed(text);
        }
        covered.sort_unstable();
        let mut masked = Vec::with_capacity(text.len());
        let mut written = 0;
        let mut ranges = covered.into_iter().peekable();
        while let Some((start, mut end)) = ranges.next() {
            while let Some(&(next_start, next_end)) = ranges.peek() {
                if next_start > end {
                    break;
                }
                end = end.max(next_end);
                ranges.next();
            }
            let start = start.max(written);
            masked.extend_from_slice(&bytes[written..start]);
            masked.extend_from_slice(MASK.as_bytes());
            written = end.max(written);
        }
        masked.extend_from_slice(&bytes[written..]);
        // Forms and text are UTF-8 and the stretches start and end on their characters; should
        // one ever not, the text is still masked, with the odd byte shown as U+FFFD.
        Cow::Owned(
            String::from_utf8(masked)
                .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()),
        )
    }

    /// Masks a header value: credentials entirely, `Set-Cookie` values but not their attributes.
    pub fn mask_header<'a>(&self, name: &str, value: &'a str) -> Cow<'a, str> {
        if name.eq_ignore_ascii_case("set-cookie") {
            let (pair, attributes) = value.split_once(';').map_or((value, ""), |(p, a)| (p, a));
            let cookie_name = pair.split('=').next().unwrap_or_default();
            let rest = if attributes.is_empty() {
                String::new()
            } else {
                format!(";{}", self.mask(attributes))
            };
            return Cow::Owned(format!("{cookie_name}={MASK}{rest}"));
        }
        if name.eq_ignore_ascii_case("cookie") {
            return Cow::Owned(
                value
                    .split(';')
                    .map(|pair| match pair.split_once('=') {
                        Some((name, _)) => format!("{}={MASK}", name.trim()),
                        None => pair.trim().to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        if is_credential_header(name) {
            return Cow::Owned(match value.split_once(' ') {
                // A JWT keeps its header and claims readable, as everywhere else: its signature
                // is what makes it a credential.
                Some((scheme, credential))
                    if scheme.eq_ignore_ascii_case("bearer")
                        && self.signature_of_whole_jwt(credential).is_some() =>
                {
                    [scheme, " ", &self.mask(credential)].concat()
                }
                Some((scheme, _))
                    if ["bearer", "basic", "digest", "token"]
                        .iter()
                        .any(|known| scheme.eq_ignore_ascii_case(known)) =>
                {
                    [scheme, " ", MASK].concat()
                }
                _ => MASK.to_owned(),
            });
        }
        self.mask(value)
    }

    /// Masks a run's result in place: headers by name, every other string by content. A step
    /// masked while the run went on ([`Self::mask_step_early`]) is left as it is when no secret
    /// was learnt since, and masked again from what it was otherwise.
    pub fn mask_run(&self, run: &mut RunResult) {
        self.automata_to_change().compact();
        // `--target https://user:password@…`
        if let Some(target) = &mut run.target {
            self.mask_in_place(target);
        }
        // A declared secret written in a suite's name or description.
        for suite in &mut run.suites {
            self.mask_in_place(&mut suite.name);
            if let Some(description) = &mut suite.description {
                self.mask_in_place(description);
            }
        }
        for step in run.suites.iter_mut().flat_map(|suite| &mut suite.steps) {
            match step.drafts.masked.take() {
                Some(early) if early.is_final(self) => {}
                early => {
                    if let Some(early) = early {
                        early.restore(step);
                    }
                    step.drafts.forget_reports();
                    self.mask_step(step);
                }
            }
        }
    }

    pub fn mask_step(&self, step: &mut StepResult) {
        self.mask_step_keeping(step, &mut |_| {});
    }

    /// [`Self::mask_step`], handing each value it replaces to `keep`, with where it was.
    pub(super) fn mask_step_keeping(&self, step: &mut StepResult, keep: &mut dyn FnMut(Replaced)) {
        // Names come from the suite's text and an attack's details (the weak key it guessed):
        // a declared secret written there is masked there too.
        if let Some(original) = self.mask_in_place(&mut step.name) {
            keep(Replaced::StepName(original));
        }
        for (at, exchange) in step.exchanges.iter_mut().enumerate() {
            if let Some(label) = &mut exchange.label {
                if let Some(original) = self.mask_in_place(label) {
                    keep(Replaced::ExchangeLabel(at, original));
                }
            }
            let request = &mut exchange.request;
            if let Some(original) = self.mask_in_place(&mut request.url) {
                keep(Replaced::Url(at, original));
            }
            for (index, (name, value)) in request.headers.iter_mut().enumerate() {
                if let Some(original) = self.mask_header_in_place(name, value) {
                    keep(Replaced::RequestHeader(at, index, original));
                }
            }
            if let Some(body) = &mut request.body {
                if let Some(original) = self.mask_in_place(body) {
                    keep(Replaced::RequestBody(at, original));
                }
            }
            if let Some(response) = exchange.response_mut() {
                for (index, (name, value)) in response.headers.iter_mut().enumerate() {
                    if let Some(original) = self.mask_header_in_place(name, value) {
                        keep(Replaced::ResponseHeader(at, index, original));
                    }
                }
                let text = response.text();
                if let Cow::Owned(masked) = self.mask(&text) {
                    let original = response.replace_body(masked.into_bytes());
                    keep(Replaced::ResponseBody(at, original));
                }
            }
            if let crate::http::ExchangeOutcome::Error(error) = &mut exchange.outcome {
                if let Some(original) = self.mask_in_place(&mut error.message) {
                    keep(Replaced::TransportError(at, original));
                }
            }
        }
        for (index, check) in step.checks.iter_mut().enumerate() {
            if let Some(original) = self.mask_in_place(&mut check.name) {
                keep(Replaced::CheckName(index, original));
            }
            if let Some(original) = self.mask_shortened_in_place(&mut check.expected) {
                keep(Replaced::Expected(index, original));
            }
            if let Some(original) = self.mask_shortened_in_place(&mut check.actual) {
                keep(Replaced::Actual(index, original));
            }
        }
        for (index, capture) in step.captures.iter_mut().enumerate() {
            let masked = if is_sensitive_name(&capture.name) {
                Some(Value::String(MASK.to_owned()))
            } else {
                self.masked_value(&capture.value)
            };
            if let Some(masked) = masked {
                let original = std::mem::replace(&mut capture.value, masked);
                keep(Replaced::Capture(index, original));
            }
        }
        if let Some(error) = &mut step.error {
            if let Some(original) = self.mask_in_place(error) {
                keep(Replaced::StepError(original));
            }
        }
    }

    /// Replaces `text` only when something in it was masked (most strings of a run hold no
    /// secret), and gives back what it was.
    fn mask_in_place(&self, text: &mut String) -> Option<String> {
        match self.mask(text) {
            Cow::Owned(masked) => Some(std::mem::replace(text, masked)),
            Cow::Borrowed(_) => None,
        }
    }

    /// A check's expected or actual value masked, then cut to what the reports show: cut first,
    /// a secret in two pieces would not be found.
    fn mask_shortened_in_place(&self, text: &mut String) -> Option<String> {
        let masked = self.mask(text);
        let shown =
            match crate::assert::matcher::shorten(&masked, crate::assert::matcher::REPORT_LIMIT) {
                Cow::Owned(shortened) => shortened,
                Cow::Borrowed(_) => match masked {
                    Cow::Owned(masked) => masked,
                    Cow::Borrowed(_) => return None,
                },
            };
        Some(std::mem::replace(text, shown))
    }

    fn mask_header_in_place(&self, name: &str, value: &mut String) -> Option<String> {
        match self.mask_header(name, value) {
            Cow::Owned(masked) => Some(std::mem::replace(value, masked)),
            Cow::Borrowed(_) => None,
        }
    }

    /// The value with its strings masked, or `None` when none of them held anything to mask.
    fn masked_value(&self, value: &Value) -> Option<Value> {
        let mut masked = value.clone();
        self.mask_value_in_place(&mut masked).then_some(masked)
    }

    /// Masks every string inside `value`; whether any of them changed.
    fn mask_value_in_place(&self, value: &mut Value) -> bool {
        match value {
            Value::String(text) => self.mask_in_place(text).is_some(),
            Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
                self.mask_value_in_place(item) | changed
            }),
            Value::Object(map) => map.values_mut().fold(false, |changed, item| {
                self.mask_value_in_place(item) | changed
            }),
            Value::Number(_) | Value::Bool(_) | Value::Null => false,
        }
    }

    /// How many secrets have been learnt: masking with the same count masks with the same secrets,
    /// since none is ever forgotten.
    pub(super) fn secret_count(&self) -> usize {
        self.secrets.len()
    }
}

/// Whether `text` may hold a JWT: each starts with `eyJ`, `{"` in base64url. Most strings of a run
/// are short and hold none; a search for the rare `J` costs them less than a substring search.
fn may_hold_token(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'J', bytes).any(|at| at >= 2 && &bytes[at - 2..at] == b"ey")
}

/// Widens a masked stretch so that it neither starts nor ends inside a `\uXXXX` escape (or between
/// the two escapes of a surrogate pair), nor ends on a backslash that escapes what follows: half
/// an escape left beside the mask would make text no JSON reader takes (the stretch's start is
/// already moved back over a lone backslash).
fn widen_to_escapes(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    // Past this many backslashes in a row, whether the next one escapes is left unknown and the
    // stretch is not widened: counting a pathological run for every match would be quadratic.
    const LONGEST_RUN: usize = 256;
    let escapes = |at: usize| {
        if bytes.get(at) != Some(&b'\\') {
            return false;
        }
        let before = bytes[..at]
            .iter()
            .rev()
            .take(LONGEST_RUN)
            .take_while(|&&byte| byte == b'\\')
            .count();
        before < LONGEST_RUN && before % 2 == 0
    };
    // The code unit of the `\uXXXX` escape at `at`, if one is there.
    let unit_at = |at: usize| -> Option<u16> {
        if !escapes(at) || bytes.get(at + 1) != Some(&b'u') {
            return None;
        }
        let digits = std::str::from_utf8(bytes.get(at + 2..at + 6)?).ok()?;
        u16::from_str_radix(digits, 16).ok()
    };
    let high = |unit: u16| (0xD800..0xDC00).contains(&unit);
    let low = |unit: u16| (0xDC00..0xE000).contains(&unit);
    if let Some(back) = (1..=5).find(|&back| start >= back && unit_at(start - back).is_some()) {
        start -= back;
    }
    if start >= 6 && unit_at(start).is_some_and(low) && unit_at(start - 6).is_some_and(high) {
        start -= 6;
    }
    if let Some(at) = (1..=5)
        .filter(|&back| end >= back)
        .map(|back| end - back)
        .find(|&at| escapes(at))
    {
        let escape_end = if bytes.get(at + 1) == Some(&b'u') {
            at + 6
        } else {
            at + 2
        };
        end = end.max(escape_end.min(bytes.len()));
    }
    if end >= 6 && unit_at(end - 6).is_some_and(high) && unit_at(end).is_some_and(low) {
        end = (end + 6).min(bytes.len());
    }
    (start, end)
}

/// A token segment's bytes, decoded as leniently as JWT libraries do: trailing bits and padding
/// are ignored, and so is a dangling last character.
fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let whole = match segment.len() % 4 {
        1 => &segment[..segment.len() - 1],
        _ => segment,
    };
    LENIENT.decode(whole).ok()
}

/// Whether every number in `value` is an integer that serde_json writes back digit for digit: a
/// float or a larger integer is read as an `f64` and written back shorter, so masking the parsed
/// value could lose the digits that matched a secret while keeping the rest.
fn exact_numbers(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.is_i64() || number.is_u64(),
        Value::Array(items) => items.iter().all(exact_numbers),
        Value::Object(map) => map.values().all(exact_numbers),
        Value::String(_) | Value::Bool(_) | Value::Null => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_a_secret_in_all_its_forms() {
        let mut redactor = Redactor::default();
        redactor.add("hunter2!");
        let text = "plain hunter2! url hunter2%21 b64 aHVudGVyMiE= b64url aHVudGVyMiE";
        let masked = redactor.mask(text);
        assert!(!masked.contains("hunter2"), "{masked}");
        assert!(!masked.contains("aHVudGVyMiE"), "{masked}");
    }

    #[test]
    fn masks_a_secret_as_other_servers_encode_it() {
        let mut redactor = Redactor::default();
        redactor.add("p<ss&wörd/1");
        let text = concat!(
            r#"go {"pw":"p\u003css\u0026wörd/1"} "#,
            r#"ascii-html {"pw":"p\u003css\u0026w\u00f6rd/1"} "#,
            r#"python {"pw": "p<ss&w\u00f6rd/1"} "#,
            r#"php {"pw":"p<ss&w\u00f6rd\/1"} "#,
            "python-quote p%3Css%26w%C3%B6rd/1 lowercase p%3css%26w%c3%b6rd%2f1"
        );
        let masked = redactor.mask(text);
        for leaked in ["ss&w", "ss\\u0026", "%26w", "rd/1", "rd\\/1", "rd%2f1"] {
            assert!(!masked.contains(leaked), "{leaked} left in {masked}");
        }
    }

    #[test]
    fn masks_a_secret_inside_a_tokens_claims_and_keeps_them_readable() {
        let mut redactor = Redactor::default();
        redactor.add("correct horse battery");
        let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"1","pw":"correct horse battery"}"#);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2lnbmF0dXJl");
        let masked = redactor.mask(&token);
        let parts: Vec<&str> = masked.split('.').collect();
        assert_eq!(parts.len(), 3, "{masked}");
        assert_eq!(parts[2], MASK);
        let decoded = URL_SAFE_NO_PAD
            .decode(parts[1])
            .expect("claims still base64url");
        let claims: Value = serde_json::from_slice(&decoded).expect("claims still JSON");
        assert_eq!(claims, serde_json::json!({"sub": "1", "pw": MASK}));
    }

    #[test]
    fn a_number_among_a_tokens_claims_is_masked_as_a_string() {
        let mut redactor = Redactor::default();
        redactor.add("1796434622");
        let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"alice","exp":1796434622}"#);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2lnbmF0dXJl");
        let masked = redactor.mask(&token);
        let claims = masked.split('.').nth(1).unwrap_or_default();
        let decoded = URL_SAFE_NO_PAD
            .decode(claims)
            .expect("claims still base64url");
        let claims: Value = serde_json::from_slice(&decoded).expect("claims still JSON");
        assert_eq!(claims, serde_json::json!({"sub": "alice", "exp": MASK}));
    }

    fn token_with_claims(claims: &[u8]) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    fn claims_of(token: &str) -> Vec<u8> {
        let claims = token.split('.').nth(1).unwrap_or_default();
        URL_SAFE_NO_PAD.decode(claims).unwrap_or_default()
    }

    #[test]
    fn claims_that_cannot_be_written_back_exactly_are_masked_whole() {
        let mut redactor = Redactor::default();
        redactor.add("12345678901234567890123");
        // Read as a float, the number would be written back as 1.2345678901234568e22: most of
        // the secret's digits, no longer matching it.
        let token = token_with_claims(br#"{"acct":12345678901234567890123}"#);
        let masked = redactor.mask(&token);
        assert_eq!(masked, format!("eyJhbGciOiJIUzI1NiJ9.{MASK}.{MASK}"));
    }

    #[test]
    fn a_secret_behind_json_escapes_in_claims_is_masked() {
        let mut redactor = Redactor::default();
        redactor.add("s3cr3t-value");
        let token = token_with_claims(
            br#"{"x":"\u0073\u0033cr3t-value","list":["s3cr3t-value","s3cr3t-value"]}"#,
        );
        let masked = redactor.mask(&token);
        let claims: Value = serde_json::from_slice(&claims_of(&masked)).expect("claims JSON");
        assert_eq!(claims, serde_json::json!({"x": MASK, "list": [MASK, MASK]}));
    }

    #[test]
    fn claims_that_are_not_text_are_masked_whole_when_they_hold_a_secret() {
        let mut redactor = Redactor::default();
        redactor.add("s3cr3t-value");
        let mut claims = vec![0xff, 0xfe];
        claims.extend_from_slice(b"s3cr3t-value");
        let token = token_with_claims(&claims);
        let masked = redactor.mask(&token);
        assert_eq!(masked, format!("eyJhbGciOiJIUzI1NiJ9.{MASK}.{MASK}"));
    }

    #[test]
    fn tokens_nested_deeply_are_masked_without_decoding_all_the_way() {
        let mut redactor = Redactor::default();
        redactor.add("s3cr3t-value");
        let mut token = token_with_claims(br#"{"pw":"s3cr3t-value"}"#);
        for _ in 0..8 {
            token = token_with_claims(format!(r#"{{"inner":"{token}"}}"#).as_bytes());
        }
        let masked = redactor.mask(&token);
        // Decode layer by layer, as far as the layers still decode: none shows the secret.
        let mut layer = masked.into_owned();
        for _ in 0..9 {
            assert!(!layer.contains("s3cr3t"), "{layer}");
            let claims = claims_of(&layer);
            let Ok(claims) = serde_json::from_slice::<Value>(&claims) else {
                break;
            };
            let Some(inner) = claims["inner"].as_str() else {
                assert!(!claims.to_string().contains("s3cr3t"), "{claims}");
                break;
            };
            layer = inner.to_owned();
        }
    }

    #[test]
    fn claims_that_might_hide_a_secret_but_cannot_be_read_back_are_masked_whole() {
        let mut redactor = Redactor::default();
        redactor.add("secret");
        let whole = format!("eyJhbGciOiJIUzI1NiJ9.{MASK}.{MASK}");
        for claims in [
            // A float: the claims cannot be written back exactly, and the escape hides the secret.
            &br#"{"iat":1.5,"pw":"\u0073ecret"}"#[..],
            // Not text, as JWT libraries would still read it.
            &b"{\"pw\":\"\\u0073ecret\",\"x\":\"\xff\"}"[..],
        ] {
            let token = token_with_claims(claims);
            assert_eq!(redactor.mask(&token), whole);
        }
        // A secret that spans the JSON's structure is in no one value.
        redactor.add("1,2,3");
        let token = token_with_claims(br#"{"a":[1,2,3]}"#);
        assert_eq!(redactor.mask(&token), whole);
    }

    #[test]
    fn a_token_is_left_as_it_is_when_no_secret_could_hide_in_it() {
        let redactor = Redactor::default();
        let token = token_with_claims(br#"{"iat":1.5,"name":"Jos\u00e9"}"#);
        let masked = redactor.mask(&token);
        assert_eq!(claims_of(&masked), claims_of(&token));
    }

    #[test]
    fn an_unsigned_token_keeps_its_empty_signature_and_loses_its_secrets() {
        let mut redactor = Redactor::default();
        redactor.add("pw42");
        let claims = URL_SAFE_NO_PAD.encode(r#"{"pw":"pw42"}"#);
        let token = format!("eyJhbGciOiJub25lIn0.{claims}.");
        let masked = redactor.mask(&token);
        assert!(masked.ends_with('.'), "{masked}");
        let claims: Value = serde_json::from_slice(&claims_of(&masked)).expect("claims JSON");
        assert_eq!(claims, serde_json::json!({"pw": MASK}));
    }

    #[test]
    fn claims_other_decoders_accept_are_read_too() {
        let mut redactor = Redactor::default();
        redactor.add("pw42");
        let claims = URL_SAFE_NO_PAD.encode(r#"{"pw":"pw42","n":1}"#);
        // A dangling last character, which Node ignores.
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{claims}A.c2ln");
        let masked = redactor.mask(&token);
        assert!(
            !String::from_utf8_lossy(&claims_of(&masked)).contains("pw42"),
            "{masked}"
        );
    }

    #[test]
    fn a_token_used_as_a_key_is_masked_too() {
        let mut redactor = Redactor::default();
        redactor.add("pw42");
        let inner = token_with_claims(br#"{"pw":"pw42"}"#);
        let outer = token_with_claims(format!(r#"{{"{inner}":true}}"#).as_bytes());
        let masked = redactor.mask(&outer);
        let claims = String::from_utf8_lossy(&claims_of(&masked)).into_owned();
        assert!(!claims.contains("c2lnbmF0dXJl"), "{claims}");
        let key: Value = serde_json::from_str(&claims).expect("claims JSON");
        let key = key.as_object().and_then(|map| map.keys().next().cloned());
        let inner_claims = claims_of(&key.unwrap_or_default());
        assert!(!String::from_utf8_lossy(&inner_claims).contains("pw42"));
    }

    #[test]
    fn a_mask_never_cuts_an_escape_in_two() {
        let mut redactor = Redactor::default();
        redactor.add("abc\\");
        let masked = redactor.mask(r#"{"a":"abc\"","b":1}"#);
        serde_json::from_str::<Value>(&masked).expect("still JSON");
        let mut redactor = Redactor::default();
        redactor.add("00e9-key");
        let masked = redactor.mask(r#"{"a":"\u00e9-key"}"#);
        serde_json::from_str::<Value>(&masked).expect("still JSON");
    }

    #[test]
    fn a_mask_never_splits_a_surrogate_pair_or_trusts_a_run_it_did_not_count() {
        let mut redactor = Redactor::default();
        redactor.add("de00abcd");
        let masked = redactor.mask(r#"{"a":"\ud83d\ude00abcd"}"#);
        serde_json::from_str::<Value>(&masked).expect("still JSON");
        let mut redactor = Redactor::default();
        redactor.add("abc\\");
        let masked = redactor.mask(r#"{"a":"abc\ud83d\ude00"}"#);
        serde_json::from_str::<Value>(&masked).expect("still JSON");
        let mut redactor = Redactor::default();
        redactor.add(&"\\".repeat(258));
        let body = format!(r#"{{"a":"x{}","b":1}}"#, "\\".repeat(400));
        let masked = redactor.mask(&body);
        serde_json::from_str::<Value>(&masked).expect("still JSON");
    }

    #[test]
    fn an_apostrophe_escaped_by_dotnet_does_not_hide_a_secret() {
        let mut redactor = Redactor::default();
        redactor.add("it's-a-secret");
        let masked = redactor.mask(r#"{"pw":"it\u0027s-a-secret"}"#);
        assert_eq!(masked, format!(r#"{{"pw":"{MASK}"}}"#));
    }

    #[test]
    fn a_secret_after_an_escaped_slash_takes_the_backslash_with_it() {
        let mut redactor = Redactor::default();
        redactor.add("?hunter2-secret");
        // PHP writes `/` as `\/`; base64 of "user:?hunter2-secret" has one where the secret begins.
        let body = r#"{"blob":"dXNlcjo\/aHVudGVyMi1zZWNyZXQ="}"#;
        let masked = redactor.mask(body);
        assert!(masked.contains(MASK), "{masked}");
        serde_json::from_str::<Value>(&masked).expect("still JSON");
    }

    #[test]
    fn secrets_learnt_between_masks_are_all_masked_by_few_automata() {
        let mut redactor = Redactor::default();
        let mut text = String::new();
        for n in 0..37 {
            let secret = format!("secret-number-{n:03}");
            redactor.add(&secret);
            text.push_str(&secret);
            text.push(' ');
            assert_eq!(redactor.mask(&secret), MASK);
        }
        let groups = redactor.automata.read().expect("not poisoned").groups.len();
        assert!(groups <= 6, "{groups} groups for 37 secrets");
        let masked = redactor.mask(&text);
        assert!(!masked.contains("secret-number"), "{masked}");
        redactor.automata.write().expect("not poisoned").compact();
        let compacted = redactor.automata.read().expect("not poisoned").groups.len();
        assert_eq!(compacted, 1);
    }

    #[test]
    fn overlapping_secrets_leave_no_end_visible() {
        let mut redactor = Redactor::default();
        redactor.add("alpha-bravo-1");
        redactor.add("bravo-1-charlie");
        assert_eq!(
            redactor.mask("x alpha-bravo-1-charlie y"),
            format!("x {MASK} y")
        );
    }

    #[test]
    fn masks_jwt_signatures_but_keeps_header_and_claims() {
        let redactor = Redactor::default();
        let masked = redactor.mask("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl end");
        assert_eq!(
            masked,
            format!("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.{MASK} end")
        );
    }

    #[test]
    fn a_signed_bearer_shows_its_claims_and_an_unsigned_one_all_of_it() {
        let signed = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.";
        // The genuine token with its signature dropped (`jwt_drop_signature`).
        let dropped = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.";
        let mut redactor = Redactor::default();
        redactor.learn_credential(&format!("Bearer {signed}"));
        redactor.learn_credential(&format!("Bearer {unsigned}"));
        redactor.learn_credential(&format!("Bearer {dropped}"));
        let secrets: Vec<&str> = redactor.secrets().collect();
        assert_eq!(
            secrets,
            ["c2lnbmF0dXJl"],
            "a forgery anyone can write is no secret"
        );
        assert_eq!(
            redactor.mask_header("Authorization", &format!("Bearer {signed}")),
            format!("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.{MASK}")
        );
        for forged in [unsigned, dropped] {
            assert_eq!(
                redactor.mask_header("Authorization", &format!("Bearer {forged}")),
                format!("Bearer {forged}")
            );
        }
        assert_eq!(
            redactor.mask(&format!("{{\"access_token\":\"{signed}\"}}")),
            format!("{{\"access_token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.{MASK}\"}}")
        );
        // An unsigned token a target issues is its credential, whole.
        redactor.learn_json(&serde_json::json!({ "access_token": unsigned }));
        assert_eq!(
            redactor.mask(&format!("Bearer {unsigned}")),
            format!("Bearer {MASK}")
        );
    }

    #[test]
    fn learns_basic_passwords_and_masks_credential_headers() {
        let mut redactor = Redactor::default();
        redactor.learn_credential("Basic YWxpY2U6czNjcjN0LXB3");
        assert!(redactor.secrets().any(|secret| secret == "s3cr3t-pw"));
        assert_eq!(
            redactor.mask_header("Authorization", "Bearer abc.def"),
            format!("Bearer {MASK}")
        );
        assert_eq!(
            redactor.mask_header("Set-Cookie", "session=abcdef; HttpOnly; Path=/"),
            format!("session={MASK}; HttpOnly; Path=/")
        );
        assert_eq!(
            redactor.mask_header("Cookie", "a=1; b=2"),
            format!("a={MASK}; b={MASK}")
        );
    }

    #[test]
    fn learns_sensitive_json_fields() {
        let mut redactor = Redactor::default();
        redactor.learn_json(
            &serde_json::json!({"access_token": "opaque-123", "user": {"name": "alice"}}),
        );
        assert!(redactor.secrets().any(|secret| secret == "opaque-123"));
        assert!(!redactor.secrets().any(|secret| secret == "alice"));
    }

    #[test]
    fn a_header_whose_name_says_credential_is_one() {
        for name in [
            "X-Goog-Api-Key",
            "X-RapidAPI-Key",
            "X-Custom-Auth",
            "X-Signature",
            "Subscription-Key",
            "X-Jwt",
            "authorization",
        ] {
            assert!(is_credential_header(name), "{name}");
        }
        for name in [
            "WWW-Authenticate",
            "Content-Type",
            "X-Request-Id",
            "Keep-Alive",
        ] {
            assert!(!is_credential_header(name), "{name}");
        }
    }

    #[test]
    fn fields_under_a_sensitive_name_are_judged_by_their_own_names() {
        let mut redactor = Redactor::default();
        redactor.learn_json(&serde_json::json!({
            "token": {
                "access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
                "token_type": "bearer",
                "scope": "read:user,user:email",
            },
            "session": { "scopes_granted": "read:user,user:email", "id": "s-0123456789" },
            "secret": { "value": "the-wrapped-secret-value" },
            "credentials": { "user": "service-user-x", "pass": "the-service-pass" },
            "private_key": { "kty": "RSA", "d": "private-exponent-d", "p": "prime-p-123" },
            "secrets": { "database_url": "postgres://app:pw-1234@db/x" },
            "sessions": [{ "id": "s-9876543210", "ip_address": "127.0.0.1", "user_agent": "authprobe/0.1" }],
            "keys": [{ "kty": "oct", "k": "leaked-symmetric-key" }],
            "password": { "rules": ["uppercase", "lowercase"] },
            "api_keys": ["key-number-one-1234", "key-number-two-5678"],
            "token_response_keys": ["access_token", "id_token", "token_type", "expires_in"],
        }));
        let learnt: Vec<&str> = redactor.secrets().collect();
        for secret in [
            "gho_16C7e42F292c6912E7710c838347Ae178B4a",
            "the-wrapped-secret-value",
            "key-number-one-1234",
            "key-number-two-5678",
            "s-0123456789",
            "service-user-x",
            "the-service-pass",
            "private-exponent-d",
            "prime-p-123",
            "postgres://app:pw-1234@db/x",
            "s-9876543210",
            "leaked-symmetric-key",
        ] {
            assert!(learnt.contains(&secret), "{secret} not learnt: {learnt:?}");
        }
        for description in [
            "read:user,user:email",
            "access_token",
            "id_token",
            "token_type",
            "expires_in",
            "bearer",
            "127.0.0.1",
            "authprobe/0.1",
            "uppercase",
            "lowercase",
        ] {
            assert!(
                !learnt.contains(&description),
                "{description} learnt: {learnt:?}"
            );
        }
    }

    #[test]
    fn learns_sensitive_parameters_of_queries_and_fragments() {
        let mut redactor = Redactor::default();
        redactor.learn_query("https://app.test/cb?state=abc&code=authcode-1234#frag");
        redactor.learn_query("/callback?Access_Token=opaque-5678&next=%2Fhome");
        redactor.learn_query("https://app.test/cb#access_token=implicit-9012&token_type=bearer");
        let secrets: Vec<&str> = redactor.secrets().collect();
        assert_eq!(secrets, ["authcode-1234", "implicit-9012", "opaque-5678"]);
        assert!(is_sensitive_name("apiKey") && is_sensitive_name("SESSION_id"));
        assert!(!is_sensitive_name("Token_Type") && !is_sensitive_name("naïve"));
        assert!(!is_sensitive_name("access_token_exp") && !is_sensitive_name("id_token_IAT"));
        assert!(!is_sensitive_name("refresh_token_nbf") && !is_sensitive_name("token_expiry"));
        assert!(is_sensitive_name("token_exp_secret"));
        assert!(!is_sensitive_name("token_endpoint_auth_methods_supported"));
        assert!(!is_sensitive_name("token_endpoint_auth_method"));
    }

    #[test]
    fn descriptions_of_tokens_are_not_secrets() {
        let mut redactor = Redactor::default();
        redactor.learn_json(&serde_json::json!({"token_type": "bearer", "expires_in": 3600, "session_expires_at": "2030-01-01", "token_endpoint": "https://idp.test/token"}));
        assert_eq!(redactor.secrets().count(), 0);
    }
}
