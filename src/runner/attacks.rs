//! Running a step's `attacks:`: the step's own response is the positive control, then every variant
//! of its credential is sent and must be refused (the `expect` status, never a 5xx, and for `jku`
//! and `x5u` no fetch from authprobe's listener), then the untouched request is sent again and must
//! still succeed (the persistence control). Each variant is its own [`CheckResult`], so that a
//! report shows which forgery got through.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::listener::Listener;
use super::request;
use super::suite::SuiteState;
use crate::assert::{Bindings, CheckResult, matcher};
use crate::attack::{self, JwtInputs, PublicKeyForm, Variant};
use crate::http::{Exchange, ExchangeOutcome, OutgoingRequest, Response};
use crate::suite::{AttackSet, PublicKeySource, Span};
use crate::template::Text;

/// What an attack set did: a check per control and per variant, the exchanges they were judged on
/// (each labelled with its check's name), and the secrets they sent.
pub(super) struct AttackRun {
    pub checks: Vec<CheckResult>,
    pub exchanges: Vec<Exchange>,
    /// The API key and every variant made of it (a truncated or case-flipped key tells the key),
    /// and the signatures of tokens signed with the target's key: masked wherever the step is
    /// shown.
    pub secrets: Vec<String>,
}

/// Runs `set` against `request`, whose first answer was `first`.
pub(super) async fn run(
    state: &SuiteState<'_>,
    set: &AttackSet,
    request: &OutgoingRequest,
    first: &Response,
) -> AttackRun {
    let mut exchanges = Vec::new();
    let mut secrets = Vec::new();
    let mut checks = vec![control("attack control before", first.status, set.span)];
    let mut planned: Vec<Planned> = Vec::new();
    let listener = if set.jwt.iter().any(|(attack, _)| attack.uses_listener()) {
        start_listener().await
    } else {
        Ok(None)
    };

    // Whether forged tokens go without the step's cookies, whether the cookies alone are let in
    // (then no forged token can be judged), and whether `key:` is the target's.
    let mut token_alone = false;
    let mut cookies_suffice = false;
    let mut key_verified = true;
    if !set.jwt.is_empty() {
        let prepared = prepare_jwt(
            state,
            set,
            request,
            listener.as_ref().ok().and_then(Option::as_ref),
        )
        .await;
        if let Ok(prepared) = &prepared {
            let controls = token_controls(state, set, request, prepared).await;
            token_alone = controls.cookies.credential_alone;
            cookies_suffice = controls.cookies.cookies_suffice;
            exchanges.extend(controls.cookies.exchanges);
            checks.extend(controls.cookies.check);
            secrets.extend(controls.secrets);
            if let Some(check) = controls.key_check {
                key_verified = check.passed;
                checks.push(check);
            }
        }
        for (kind, span) in &set.jwt {
            let name = format!("jwt {}", kind.name());
            let variants = match (&prepared, &listener) {
                (_, Err(message)) if kind.uses_listener() => Err(message.clone()),
                (Err(message), _) => Err(message.clone()),
                (Ok(prepared), _) => match (&prepared.public_keys, kind) {
                    // Only key confusion needs the public key: its check carries the reason.
                    (Err(message), attack::JwtAttack::KeyConfusion) => Err(message.clone()),
                    _ => attack::jwt_variants(*kind, &prepared.inputs()),
                },
            };
            let needs_key = kind.need() == attack::Need::SigningKey;
            push_planned(&mut planned, variants, *span, name, needs_key);
        }
    }
    // As for tokens: forged keys go without the step's cookies when the key alone is taken, and
    // are not judged when the cookies alone let a request in.
    let mut key_alone = false;
    let mut cookies_let_keys_in = false;
    if !set.api_key.is_empty() {
        let key = attack::credential(request, &set.site);
        secrets.extend(key.iter().cloned());
        if let Ok(key) = &key {
            // A wrong key unlike the key, so that a target comparing keys loosely (a prefix, any
            // case) does not let it in for the key's sake.
            let wrong = attack::Sent::ApiKey(unrelated_key(key));
            let controls = cookie_controls(state, set, request, &KEY, wrong).await;
            key_alone = controls.credential_alone;
            cookies_let_keys_in = controls.cookies_suffice;
            exchanges.extend(controls.exchanges);
            checks.extend(controls.check);
        }
        for (kind, span) in &set.api_key {
            let name = format!("api-key {}", kind.name());
            let variants = match (&key, &set.site) {
                (Ok(key), attack::CredentialSite::ApiKey(placement)) => {
                    attack::api_key_variants(*kind, key, placement)
                }
                (Err(message), _) => Err(message.clone()),
                (Ok(_), attack::CredentialSite::Bearer) => {
                    Err("the step sends no API key".to_owned())
                }
            };
            push_planned(&mut planned, variants, *span, name, false);
        }
    }
    if let Some(span) = set.no_credential {
        planned.push(Planned {
            variant: Ok(attack::no_credential_variant()),
            span,
            name: "no-credential".to_owned(),
            needs_key: false,
        });
    }

    let bindings = Bindings::new(&state.suite.templates, &state.scope);
    let listener = listener.ok().flatten();
    let mut wrong_key_answers: Vec<(String, u16, Vec<u8>)> = Vec::new();
    let mut attributed_fetches = 0;
    for Planned {
        variant,
        span,
        name,
        needs_key,
    } in planned
    {
        let variant = match variant {
            Ok(variant) => variant,
            Err(reason) => {
                checks.push(CheckResult {
                    name: format!("attack {name}"),
                    passed: false,
                    expected: "a forged variant of the step's credential".to_owned(),
                    actual: format!("could not build it: {reason}"),
                    line: span.line,
                    diff: None,
                });
                continue;
            }
        };
        // A control that failed leaves nothing to judge the variants it stands for on.
        let forged_key = matches!(set.site, attack::CredentialSite::ApiKey(_))
            && matches!(
                variant.sent,
                attack::Sent::ApiKey(_)
                    | attack::Sent::ApiKeyMoved { .. }
                    | attack::Sent::WithoutCredential
            );
        let unjudgeable = if cookies_suffice && matches!(variant.sent, attack::Sent::Bearer(_)) {
            Some(
                "the step's cookies are let in without a valid token (see attack control \
                 cookies)",
            )
        } else if cookies_let_keys_in && forged_key {
            Some("the step's cookies are let in without a valid key (see attack control cookies)")
        } else if needs_key && !key_verified {
            Some(
                "the target refuses tokens signed with `key:` (see attack control key), so a \
                 refusal would prove nothing",
            )
        } else {
            None
        };
        if let Some(reason) = unjudgeable {
            checks.push(CheckResult {
                name: format!("attack {}", variant.name),
                passed: false,
                expected: "refused for what the variant changes".to_owned(),
                actual: format!("not judged: {reason}"),
                line: span.line,
                diff: None,
            });
            continue;
        }
        if let attack::Sent::ApiKey(value) | attack::Sent::ApiKeyMoved { value, .. } = &variant.sent
        {
            secrets.push(value.clone());
        }
        // Signed with the target's own key, a variant is a token the target may take (a token
        // without `exp` never expires): its signature is a secret.
        if let (true, attack::Sent::Bearer(token)) = (needs_key, &variant.sent) {
            secrets.extend(signature_of(token));
        }
        let mut outgoing = attack::apply(request, &set.site, &variant.sent);
        if (token_alone && matches!(variant.sent, attack::Sent::Bearer(_)))
            || (key_alone && forged_key)
        {
            without_cookies(&mut outgoing);
        }
        let hits_before = listener.as_ref().map_or(0, Listener::hits);
        let mut exchange = state.client.send(outgoing).await;
        let fetched = listener.as_ref().map_or(0, Listener::hits) - hits_before;
        attributed_fetches += fetched;
        let check_name = format!("attack {}", variant.name);
        let check = match &exchange.outcome {
            ExchangeOutcome::Error(error) => CheckResult {
                name: check_name,
                passed: false,
                expected: "an answer refusing the credential".to_owned(),
                actual: format!("no response: {}", error.message),
                line: span.line,
                diff: None,
            },
            ExchangeOutcome::Response(response) => {
                if variant.wrong_key {
                    wrong_key_answers.push((
                        variant.name.clone(),
                        response.status,
                        response.body.clone(),
                    ));
                }
                judge(
                    set, &variant, response, fetched, &bindings, check_name, span,
                )
            }
        };
        exchange.label = Some(check.name.clone());
        exchanges.push(exchange);
        checks.push(check);
    }
    if wrong_key_answers.len() > 1 {
        checks.push(same_answer(&wrong_key_answers, set.span));
    }
    // A target may fetch a key URL after it has answered: such a fetch belongs to no variant.
    let late_fetches = listener.as_ref().map_or(0, Listener::hits) - attributed_fetches;
    if late_fetches > 0 {
        checks.push(CheckResult {
            name: "attack listener saw no late fetch".to_owned(),
            passed: false,
            expected: "no fetch of authprobe's key URLs".to_owned(),
            actual: format!("{late_fetches} fetch(es) after the target had answered"),
            line: set.span.line,
            diff: None,
        });
    }

    let mut after = state.client.send(request.clone()).await;
    let after_status = after.response().map(|response| response.status);
    after.label = Some("attack control after".to_owned());
    exchanges.push(after);
    checks.push(match after_status {
        Some(status) => control("attack control after", status, set.span),
        None => CheckResult {
            name: "attack control after".to_owned(),
            passed: false,
            expected: "the untouched request still succeeds (2xx)".to_owned(),
            actual: "no response".to_owned(),
            line: set.span.line,
            diff: None,
        },
    });
    AttackRun {
        checks,
        exchanges,
        secrets,
    }
}

/// A variant to send, or why it could not be made, under its attack's name.
struct Planned {
    variant: Result<Variant, String>,
    span: Span,
    name: String,
    /// Re-signed with `key:`: judged only if the target takes that key.
    needs_key: bool,
}

fn push_planned(
    planned: &mut Vec<Planned>,
    variants: Result<Vec<Variant>, String>,
    span: Span,
    name: String,
    needs_key: bool,
) {
    match variants {
        Ok(variants) => planned.extend(variants.into_iter().map(|variant| Planned {
            variant: Ok(variant),
            span,
            name: name.clone(),
            needs_key,
        })),
        Err(reason) => planned.push(Planned {
            variant: Err(reason),
            span,
            name,
            needs_key,
        }),
    }
}

/// What the token controls found before the forged tokens are sent.
struct TokenControls {
    /// Whether forged tokens go without the step's cookies, or cannot be judged for them; the
    /// key control's exchange is among its exchanges.
    cookies: CookieControls,
    /// `attack control key`, when an attack re-signs with `key:`.
    key_check: Option<CheckResult>,
    /// The signature of the token re-signed with `key:`: a genuine one.
    secrets: Vec<String>,
}

/// A JWT's signature, its last segment.
fn signature_of(token: &str) -> Option<String> {
    token
        .rsplit_once('.')
        .map(|(_, signature)| signature.to_owned())
        .filter(|signature| !signature.is_empty())
}

async fn token_controls(
    state: &SuiteState<'_>,
    set: &AttackSet,
    request: &OutgoingRequest,
    prepared: &PreparedJwt,
) -> TokenControls {
    let broken = attack::Sent::Bearer(with_broken_signature(&prepared.token));
    let mut cookies = cookie_controls(state, set, request, &TOKEN, broken).await;
    let mut secrets = Vec::new();
    // With cookies that let anything in, a key control would pass for them, not for the key.
    let uses_key = !cookies.cookies_suffice
        && set
            .jwt
            .iter()
            .any(|(kind, _)| kind.need() == attack::Need::SigningKey);
    let resigned = if uses_key {
        attack::resigned_unchanged(&prepared.inputs())
    } else {
        Ok(None)
    };
    let key_check = |passed: bool, actual: String| CheckResult {
        name: "attack control key".to_owned(),
        passed,
        expected: "the step's token re-signed with `key:`, unchanged, is accepted (2xx)".to_owned(),
        actual,
        line: set.span.line,
        diff: None,
    };
    let key_check = match resigned {
        Ok(None) => None,
        Err(reason) => Some(key_check(false, format!("could not re-sign it: {reason}"))),
        Ok(Some(token)) => {
            secrets.extend(signature_of(&token));
            let mut outgoing = attack::apply(request, &set.site, &attack::Sent::Bearer(token));
            if cookies.credential_alone {
                without_cookies(&mut outgoing);
            }
            let mut exchange = state.client.send(outgoing).await;
            let status = exchange.response().map(|response| response.status);
            let passed = status.is_some_and(|status| (200..300).contains(&status));
            let actual = match status {
                Some(status) if passed => format!("status {status}"),
                Some(status) => format!(
                    "status {status}: the target refuses the token re-signed with `key:` (not the \
                     key it verifies with?), so the attacks re-signed with it would be refused \
                     whatever they change"
                ),
                None => "no response".to_owned(),
            };
            exchange.label = Some("attack control key".to_owned());
            cookies.exchanges.push(exchange);
            Some(key_check(passed, actual))
        }
    };
    TokenControls {
        cookies,
        key_check,
        secrets,
    }
}

/// What an attack's credential is called in the cookie controls.
struct Credential {
    name: &'static str,
    /// The wrong one the cookies are tried with.
    wrong: &'static str,
    /// What the cookies let in despite it.
    whatever: &'static str,
}

const TOKEN: Credential = Credential {
    name: "token",
    wrong: "a broken token",
    whatever: "whatever the token says",
};

const KEY: Credential = Credential {
    name: "key",
    wrong: "a wrong key",
    whatever: "whatever the key is",
};

/// What the cookie controls found on a step that sends cookies beside its credential.
struct CookieControls {
    /// The credential is taken without the step's cookies: forged ones go without them too, or a
    /// session cookie would answer for a forgery the target ignores.
    credential_alone: bool,
    /// The credential needs the cookies, and the cookies with `wrong` are let in: a forged
    /// credential cannot be judged.
    cookies_suffice: bool,
    /// `attack control cookies`, when the credential needs the step's cookies.
    check: Option<CheckResult>,
    exchanges: Vec<Exchange>,
}

/// The request without its cookies (`attack control <credential> without cookies`), and when
/// the credential needs them, the cookies with `wrong` in the credential's place (`attack
/// control cookies`). Nothing on a step that sends no cookies.
async fn cookie_controls(
    state: &SuiteState<'_>,
    set: &AttackSet,
    request: &OutgoingRequest,
    credential: &Credential,
    wrong: attack::Sent,
) -> CookieControls {
    let mut controls = CookieControls {
        credential_alone: false,
        cookies_suffice: false,
        check: None,
        exchanges: Vec::new(),
    };
    let has_cookies = request
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("cookie"));
    if !has_cookies {
        return controls;
    }
    let mut alone = request.clone();
    without_cookies(&mut alone);
    let mut exchange = state.client.send(alone).await;
    controls.credential_alone = exchange
        .response()
        .is_some_and(|response| (200..300).contains(&response.status));
    exchange.label = Some(format!(
        "attack control {} without cookies",
        credential.name
    ));
    controls.exchanges.push(exchange);
    if controls.credential_alone {
        return controls;
    }
    // The credential needs the cookies: do they let a wrong one in?
    let outgoing = attack::apply(request, &set.site, &wrong);
    let mut exchange = state.client.send(outgoing).await;
    let status = exchange.response().map(|response| response.status);
    controls.cookies_suffice = status.is_some_and(|status| (200..300).contains(&status));
    exchange.label = Some("attack control cookies".to_owned());
    controls.exchanges.push(exchange);
    controls.check = Some(CheckResult {
        name: "attack control cookies".to_owned(),
        passed: !controls.cookies_suffice,
        expected: format!(
            "the step's cookies with {} are refused, so that a forged {} is judged on its own",
            credential.wrong, credential.name
        ),
        actual: match status {
            Some(status) if controls.cookies_suffice => format!(
                "status {status}: the cookies let the request in {}",
                credential.whatever
            ),
            Some(status) => format!("status {status}"),
            None => "no response".to_owned(),
        },
        line: set.span.line,
        diff: None,
    });
    controls
}

/// A random key as long as `key`, of letters and digits: wrong however loosely it is compared.
fn unrelated_key(key: &str) -> String {
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::iter::repeat_with(|| uuid::Uuid::new_v4().into_bytes())
        .flatten()
        .map(|byte| char::from(alphabet[usize::from(byte) % alphabet.len()]))
        .take(key.chars().count().max(8))
        .collect()
}

/// `token` with the first character of its signature changed: still base64url of the same
/// length, no longer its signature.
fn with_broken_signature(token: &str) -> String {
    let Some((signed, signature)) = token.rsplit_once('.') else {
        return format!("{token}.x");
    };
    let mut characters = signature.chars();
    let swapped = match characters.next() {
        Some('A') => 'B',
        Some(_) => 'A',
        None => return format!("{signed}.AAAA"),
    };
    format!("{signed}.{swapped}{}", characters.as_str())
}

fn without_cookies(request: &mut OutgoingRequest) {
    request
        .headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("cookie"));
}

/// The verdict on one variant's answer.
fn judge(
    set: &AttackSet,
    variant: &Variant,
    response: &Response,
    fetched: usize,
    bindings: &Bindings<'_>,
    name: String,
    span: Span,
) -> CheckResult {
    let status = Value::from(response.status);
    let (matched, expected) = match matcher::check(&set.expect_status, Some(&status), bindings) {
        Ok(outcome) => outcome,
        Err(error) => (
            false,
            format!("(could not render the expected status: {error})"),
        ),
    };
    let server_error = response.status >= 500;
    let passed = matched && !server_error && fetched == 0;
    let mut expected = format!("refused: status {expected}");
    if variant.expects_no_fetch {
        expected.push_str(", and no fetch of authprobe's key URL");
    }
    let mut actual = format!("status {}", response.status);
    if server_error {
        actual.push_str(" (a server error is never a refusal)");
    }
    if fetched > 0 {
        let times = if fetched == 1 {
            "once".to_owned()
        } else {
            format!("{fetched} times")
        };
        actual.push_str(&format!(
            ", and the target fetched authprobe's key URL {times}"
        ));
    }
    // Taken (a 2xx), or keys fetched at the token's word: say what that means for the target.
    if !passed && ((200..300).contains(&response.status) || fetched > 0) {
        actual.push_str(&format!(". Why it matters: {}", variant.risk));
    }
    // Last: a long body is what a cut of the value (once masked) may leave out.
    if !passed && !response.body.is_empty() {
        actual.push_str(&format!(". The body: {}", excerpt(&response.body)));
    }
    CheckResult {
        name,
        passed,
        expected,
        actual,
        line: span.line,
        diff: None,
    }
}

/// Every wrong key must get one answer: a difference tells a near miss from a far one. Bodies
/// are compared as snapshots compare them, without what changes from one answer to the next
/// anyway (a timestamp, a request uuid).
fn same_answer(answers: &[(String, u16, Vec<u8>)], span: Span) -> CheckResult {
    let stable = |body: &[u8]| match serde_json::from_slice::<Value>(body) {
        Ok(json) => crate::snapshot::stabilize_json(&json, &[]).to_string(),
        Err(_) => crate::snapshot::stabilize_text(&String::from_utf8_lossy(body)),
    };
    let (_, first_status, first_body) = &answers[0];
    let first_body = stable(first_body);
    let passed = answers
        .iter()
        .all(|(_, status, body)| status == first_status && stable(body) == first_body);
    let actual = if passed {
        format!(
            "status {first_status} and the same body for all {}",
            answers.len()
        )
    } else {
        // The statuses first, the bodies after: a long body is what a cut may leave out.
        let statuses: Vec<String> = answers
            .iter()
            .map(|(name, status, _)| format!("{name}: {status}"))
            .collect();
        let bodies: Vec<String> = answers
            .iter()
            .map(|(name, _, body)| format!("{name}: {}", excerpt(body)))
            .collect();
        format!("{}. The bodies: {}", statuses.join("; "), bodies.join("; "))
    };
    CheckResult {
        name: "attack api-key same answer for every wrong key".to_owned(),
        passed,
        expected: "one status and body for every wrong key".to_owned(),
        actual,
        line: span.line,
        diff: None,
    }
}

fn control(name: &str, status: u16, span: Span) -> CheckResult {
    CheckResult {
        name: name.to_owned(),
        passed: (200..300).contains(&status),
        expected: "the untouched request succeeds (2xx)".to_owned(),
        actual: format!("status {status}"),
        line: span.line,
        diff: None,
    }
}

/// A body as a check's actual value holds it: whole, cut where it is shown once the step is
/// masked (a secret cut in two would no longer be found).
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).trim().to_owned()
}

async fn start_listener() -> Result<Option<Listener>, String> {
    let key = attack::attacker_key()?;
    Listener::start(&attack::attacker_jwks(&key))
        .await
        .map(Some)
        .map_err(|error| format!("authprobe's listener could not start: {error}"))
}

/// What the JWT attacks work from, owned: rendered inputs and fetched keys.
struct PreparedJwt {
    token: String,
    signing_key: Option<String>,
    public_keys: Result<Vec<PublicKeyForm>, String>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    claims: Map<String, Value>,
    listener: Option<url::Url>,
    attacker: crate::jwt::RsaSigningKey,
    now: u64,
}

impl PreparedJwt {
    fn inputs(&self) -> JwtInputs<'_> {
        JwtInputs {
            token: &self.token,
            signing_key: self.signing_key.as_deref(),
            public_keys: self.public_keys.as_deref().unwrap_or(&[]),
            refresh_token: self.refresh_token.as_deref(),
            id_token: self.id_token.as_deref(),
            privilege_claims: &self.claims,
            listener: self.listener.as_ref(),
            attacker: &self.attacker,
            now: self.now,
        }
    }
}

async fn prepare_jwt(
    state: &SuiteState<'_>,
    set: &AttackSet,
    request: &OutgoingRequest,
    listener: Option<&Listener>,
) -> Result<PreparedJwt, String> {
    let token = attack::credential(request, &set.site)?;
    let render = |text: &Text, field: &str| -> Result<String, String> {
        text.render(&state.suite.templates, &state.scope)
            .map(|rendered| rendered.into_owned())
            .map_err(|error| format!("could not render `attacks.{field}`: {}", error.message))
    };
    let signing_key = set
        .signing_key
        .as_ref()
        .map(|key| render(key, "key"))
        .transpose()?;
    let refresh_token = set
        .refresh_token
        .as_ref()
        .map(|token| render(token, "tokens.refresh"))
        .transpose()?;
    let id_token = set
        .id_token
        .as_ref()
        .map(|token| render(token, "tokens.id"))
        .transpose()?;
    let bindings = Bindings::new(&state.suite.templates, &state.scope);
    let mut claims = Map::new();
    for (name, template) in &set.claims {
        let value = bindings.render_json(template).map_err(|error| {
            format!(
                "could not render `attacks.claims.{name}`: {}",
                error.message
            )
        })?;
        claims.insert(name.clone(), value);
    }
    if claims.is_empty() {
        claims.insert("role".to_owned(), Value::String("admin".to_owned()));
    }
    let public_keys = match &set.public_key {
        None => Ok(Vec::new()),
        Some(PublicKeySource::Pem(pem)) => {
            render(pem, "public_key.pem").and_then(|pem| attack::forms_from_pem(&pem))
        }
        Some(PublicKeySource::Jwks(url)) => match render(url, "public_key.jwks") {
            Ok(url) => fetch_jwks(state, &url, request).await,
            Err(message) => Err(message),
        },
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    Ok(PreparedJwt {
        token,
        signing_key,
        public_keys,
        refresh_token,
        id_token,
        claims,
        listener: listener.map(|listener| listener.url().clone()),
        attacker: attack::attacker_key()?,
        now,
    })
}

async fn fetch_jwks(
    state: &SuiteState<'_>,
    url: &str,
    request: &OutgoingRequest,
) -> Result<Vec<PublicKeyForm>, String> {
    let url = request::resolve(url, state)?;
    let exchange = state
        .client
        .send(OutgoingRequest {
            method: reqwest::Method::GET,
            url: url.clone(),
            headers: Vec::new(),
            body: None,
            timeout: request.timeout,
        })
        .await;
    let response = match &exchange.outcome {
        ExchangeOutcome::Response(response) => response,
        ExchangeOutcome::Error(error) => {
            return Err(format!(
                "fetching the JWKS at {url} failed: {}",
                error.message
            ));
        }
    };
    let jwks = response
        .json()
        .ok_or_else(|| format!("the JWKS at {url} is not JSON (status {})", response.status))?;
    attack::forms_from_jwks(jwks).map_err(|message| format!("{message} (at {url})"))
}

/// The JWKS documents the step's `expect.jwt` checks name, fetched once each: (rendered URL, the
/// document or why not).
pub(super) async fn fetch_jwks_documents(
    state: &SuiteState<'_>,
    step: &crate::suite::Step,
    base: &url::Url,
) -> Vec<(String, Result<Value, String>)> {
    let mut documents: Vec<(String, Result<Value, String>)> = Vec::new();
    for assertion in &step.assertions {
        let crate::suite::AssertionKind::Jwt { check, .. } = &assertion.kind else {
            continue;
        };
        let Some(crate::suite::JwtKey::Jwks(url)) = &check.key else {
            continue;
        };
        let Ok(rendered) = url.render(&state.suite.templates, &state.scope) else {
            continue;
        };
        let rendered = rendered.into_owned();
        if documents.iter().any(|(known, _)| *known == rendered) {
            continue;
        }
        let template = OutgoingRequest {
            method: reqwest::Method::GET,
            url: base.clone(),
            headers: Vec::new(),
            body: None,
            timeout: state.options.timeout,
        };
        let document = fetch_json(state, &rendered, &template).await;
        documents.push((rendered, document));
    }
    documents
}

async fn fetch_json(
    state: &SuiteState<'_>,
    url: &str,
    template: &OutgoingRequest,
) -> Result<Value, String> {
    let url = request::resolve(url, state)?;
    let mut request = template.clone();
    request.url = url.clone();
    let exchange = state.client.send(request).await;
    match &exchange.outcome {
        ExchangeOutcome::Response(response) => response
            .json()
            .cloned()
            .ok_or_else(|| format!("the JWKS at {url} is not JSON (status {})", response.status)),
        ExchangeOutcome::Error(error) => Err(format!(
            "fetching the JWKS at {url} failed: {}",
            error.message
        )),
    }
}
