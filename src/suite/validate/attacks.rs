//! Validating a step's `attacks:`: attack names against the catalogue (with "did you mean"), the
//! credential they replace, and the inputs some attacks need (`key`, `public_key`, `tokens`).

use indexmap::IndexMap;
use serde_json::Value;

use super::{Validator, name_list};
use crate::attack::{ApiKeyAttack, CredentialSite, JwtAttack, Need};
use crate::suite::diagnostic::{DiagnosticKind, closest};
use crate::suite::model::*;
use crate::suite::raw::*;
use crate::suite::span::NodePath;

/// The status a refused variant gets unless `expect.status` says otherwise (RFC 9110 §15.5.2).
pub const DEFAULT_REFUSAL_STATUS: u16 = 401;

/// The most requests `race:` sends at once.
pub const MAX_RACE: u32 = 50;

impl Validator<'_> {
    pub(super) fn attacks(
        &mut self,
        raw: RawAttacks,
        path: &NodePath,
        request: &RequestSpec,
        identity: Option<&str>,
        identities: &IndexMap<String, Identity>,
    ) -> Option<AttackSet> {
        let span = self.key_span(path);
        let auth = request.auth.as_ref().or_else(|| {
            identity
                .and_then(|name| identities.get(name))
                .and_then(|identity| identity.auth.as_ref())
        });
        let site = match auth {
            Some(Auth::Bearer(_)) => Some(CredentialSite::Bearer),
            Some(Auth::ApiKey { placement, .. }) => Some(CredentialSite::ApiKey(placement.clone())),
            Some(Auth::Basic { .. }) | None => None,
        };
        if raw.jwt.is_empty() && raw.api_key.is_empty() && raw.no_credential != Some(true) {
            self.push(
                DiagnosticKind::InvalidValue,
                span,
                "`attacks` names no attack",
                "nothing to run",
                Some(
                    "add `jwt: [alg-none, ...]`, `api_key: [wrong, ...]` or `no_credential: true`"
                        .to_owned(),
                ),
            );
            return None;
        }

        let jwt = self.attack_names(
            &raw.jwt,
            &path.key("jwt"),
            JwtAttack::from_name,
            &JwtAttack::names(),
        );
        let api_key = self.attack_names(
            &raw.api_key,
            &path.key("api_key"),
            ApiKeyAttack::from_name,
            &ApiKeyAttack::names(),
        );
        if !jwt.is_empty() && site != Some(CredentialSite::Bearer) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key("jwt")),
                "JWT attacks replace the step's bearer token, and this step sends none",
                "no bearer token to attack",
                Some("send the token with `bearer: \"{{ access_token }}\"` on the request or its identity".to_owned()),
            );
        }
        let placement = match &site {
            Some(CredentialSite::ApiKey(placement)) => Some(placement.clone()),
            _ => None,
        };
        if !api_key.is_empty() && placement.is_none() {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key("api_key")),
                "API-key attacks replace the step's API key, and this step sends none",
                "no API key to attack",
                Some(
                    "send the key with `api_key: \"{{ api_key }}\"` on the request or its identity"
                        .to_owned(),
                ),
            );
        }
        if let Some(placement) = &placement {
            for (attack, attack_span) in &api_key {
                let mismatch = match (attack, placement) {
                    (ApiKeyAttack::WhitespacePadded, ApiKeyPlacement::Header(_)) => Some((
                        "HTTP strips spaces around header values, so the padded key is the right key",
                        "it applies to a key sent as `api_key: { query: api_key, value: ... }`",
                    )),
                    (ApiKeyAttack::InQuery, ApiKeyPlacement::Query(_)) => Some((
                        "the step already sends its key in the query string",
                        "it applies to a key sent in a header",
                    )),
                    _ => None,
                };
                if let Some((reason, help)) = mismatch {
                    self.push(
                        DiagnosticKind::InvalidValue,
                        *attack_span,
                        format!("`{}` does not apply to this step: {reason}", attack.name()),
                        "does not apply",
                        Some(help.to_owned()),
                    );
                }
            }
        }

        let signing_key = raw.key.as_ref().map(|key| self.text(key, &path.key("key")));
        let public_key = raw.public_key.as_ref().and_then(|public_key| {
            let key_path = path.key("public_key");
            match (&public_key.jwks, &public_key.pem) {
                (Some(url), None) => {
                    Some(PublicKeySource::Jwks(self.text(url, &key_path.key("jwks"))))
                }
                (None, Some(pem)) => {
                    Some(PublicKeySource::Pem(self.text(pem, &key_path.key("pem"))))
                }
                _ => {
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.value_span(&key_path),
                        "`public_key` takes one of `jwks` and `pem`",
                        "one source",
                        Some("public_key: { jwks: /.well-known/jwks.json }".to_owned()),
                    );
                    None
                }
            }
        });
        let tokens = raw.tokens.unwrap_or_default();
        let tokens_path = path.key("tokens");
        let refresh_token = tokens
            .refresh
            .as_ref()
            .map(|token| self.text(token, &tokens_path.key("refresh")));
        let id_token = tokens
            .id
            .as_ref()
            .map(|token| self.text(token, &tokens_path.key("id")));
        for (attack, attack_span) in &jwt {
            let missing = match attack.need() {
                Need::Nothing => None,
                Need::SigningKey => signing_key
                    .is_none()
                    .then_some(("key", "key: \"{{ jwt_secret }}\"")),
                Need::PublicKey => public_key
                    .is_none()
                    .then_some(("public_key", "public_key: { jwks: /.well-known/jwks.json }")),
                Need::RefreshToken => refresh_token.is_none().then_some((
                    "tokens.refresh",
                    "tokens: { refresh: \"{{ refresh_token }}\" }",
                )),
                Need::IdToken => id_token
                    .is_none()
                    .then_some(("tokens.id", "tokens: { id: \"{{ id_token }}\" }")),
            };
            if let Some((field, example)) = missing {
                self.push(
                    DiagnosticKind::MissingKey,
                    *attack_span,
                    format!("`{}` needs `{field}` under `attacks`", attack.name()),
                    "needs more input",
                    Some(format!("add `{example}`")),
                );
            }
        }

        let expect_status = match &raw.expect {
            Some(expect) => self.status_matcher(&expect.status, &path.key("expect").key("status")),
            None => Matcher::Eq(JsonTemplate::Literal(Value::from(DEFAULT_REFUSAL_STATUS))),
        };
        let claims = raw
            .claims
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    self.json_template(value, &path.key("claims").key(name)),
                )
            })
            .collect();
        let no_credential =
            (raw.no_credential == Some(true)).then(|| self.key_span(&path.key("no_credential")));
        Some(AttackSet {
            span,
            site: site.unwrap_or(CredentialSite::Bearer),
            jwt,
            api_key,
            no_credential,
            expect_status,
            signing_key,
            public_key,
            refresh_token,
            id_token,
            claims,
        })
    }

    /// `race:`: between 2 and [`MAX_RACE`] requests, at most `max_success` (default 1) succeeding.
    pub(super) fn race(&mut self, raw: RawRace, path: &NodePath) -> Option<Race> {
        if !(2..=MAX_RACE).contains(&raw.count) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(&path.key("count")),
                format!(
                    "`race.count` is between 2 and {MAX_RACE}, not {}",
                    raw.count
                ),
                "out of range",
                Some("ten concurrent requests usually suffice to show a race".to_owned()),
            );
            return None;
        }
        let max_success = raw.max_success.unwrap_or(1);
        if max_success >= raw.count {
            self.push(
                DiagnosticKind::InvalidValue,
                self.value_span(&path.key("max_success")),
                format!(
                    "`max_success` {max_success} allows all {} requests to succeed",
                    raw.count
                ),
                "proves nothing",
                Some("leave it out for \"at most one\"".to_owned()),
            );
            return None;
        }
        let success = raw
            .success
            .map(|success| self.race_success(*success, &path.key("success")));
        Some(Race {
            span: self.key_span(path),
            count: raw.count,
            max_success,
            success,
        })
    }

    /// `race.success`: judged on each answer alone, so only what an answer says (its status,
    /// headers, cookies, body and redirect) can define a grant.
    fn race_success(&mut self, mut raw: RawExpect, path: &NodePath) -> Vec<Assertion> {
        let says_nothing = raw.status.is_none()
            && raw.headers.is_empty()
            && raw.cookies.is_empty()
            && raw.json.is_empty()
            && raw.body.is_none()
            && raw.redirect.is_none();
        let beyond_one_answer = [
            ("duration", raw.duration.is_some()),
            ("mock_calls", !raw.mock_calls.is_empty()),
            ("jwt", !raw.jwt.is_empty()),
        ];
        for (key, _) in beyond_one_answer.iter().filter(|(_, written)| *written) {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(&path.key(key)),
                format!("`race.success` cannot judge `{key}`"),
                "not about one answer",
                Some(
                    "a grant is judged on each answer by what it says: `status`, `headers`, \
                     `cookies`, `json`, `body`, `redirect`; check the rest in the step's `expect`"
                        .to_owned(),
                ),
            );
        }
        // Refused above: not checked a second time for what they say.
        raw.duration = None;
        raw.mock_calls = RawMap::default();
        raw.jwt = RawMap::default();
        let success = self.expect(raw, path);
        if says_nothing {
            self.push(
                DiagnosticKind::InvalidValue,
                self.key_span(path),
                "`race.success` says nothing an answer must be",
                "every answer would be a grant",
                Some(
                    "write what a granted answer looks like: `success: { status: 200 }`".to_owned(),
                ),
            );
        }
        success
    }

    /// `expect.jwt`: each key a JSONPath to a token, each value how to verify it.
    pub(super) fn jwt_expect(
        &mut self,
        raw: &RawMap<RawJwtExpect>,
        path: &NodePath,
        out: &mut Vec<Assertion>,
    ) {
        for (query, expect) in raw {
            let entry = path.key(query);
            let Some(compiled) = self.json_path(query, self.key_span(&entry)) else {
                continue;
            };
            let key = match (&expect.secret, &expect.pem, &expect.jwks) {
                (Some(secret), None, None) => {
                    Some(JwtKey::Secret(self.text(secret, &entry.key("secret"))))
                }
                (None, Some(pem), None) => Some(JwtKey::Pem(self.text(pem, &entry.key("pem")))),
                (None, None, Some(jwks)) => Some(JwtKey::Jwks(self.text(jwks, &entry.key("jwks")))),
                (None, None, None) => None,
                _ => {
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.key_span(&entry),
                        "a token is verified with one of `secret`, `pem` and `jwks`",
                        "several keys",
                        Some("keep the one the token's algorithm uses".to_owned()),
                    );
                    None
                }
            };
            for (index, alg) in expect.alg.iter().enumerate() {
                if alg.parse::<jsonwebtoken::Algorithm>().is_err() {
                    let known = [
                        "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384",
                        "PS512", "ES256", "ES384", "EdDSA",
                    ];
                    let help = closest(alg, known.iter().copied())
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| format!("one of {}", name_list(&known)));
                    self.push(
                        DiagnosticKind::InvalidValue,
                        self.value_span(&entry.key("alg").index(index)),
                        format!("unknown JWS algorithm `{alg}`"),
                        "unknown algorithm",
                        Some(help),
                    );
                }
            }
            let skew = expect
                .skew
                .as_ref()
                .and_then(|value| self.duration(value, &entry.key("skew")))
                .unwrap_or(std::time::Duration::from_secs(60));
            out.push(Assertion {
                span: self.key_span(&entry),
                kind: AssertionKind::Jwt {
                    path: compiled,
                    query: query.clone(),
                    check: JwtCheck {
                        key,
                        algorithms: expect.alg.clone(),
                        skew,
                    },
                },
            });
        }
    }

    /// `expect.cookies.<name>.policy`: a known preset, or a located error with a suggestion.
    pub(super) fn cookie_policy(
        &mut self,
        name: &str,
        policy: &str,
        path: &NodePath,
        out: &mut Vec<Assertion>,
    ) {
        use crate::assert::cookie_policy::CookiePolicy;
        match CookiePolicy::from_name(policy) {
            Some(policy) => out.push(Assertion {
                span: self.key_span(path),
                kind: AssertionKind::CookiePolicy {
                    name: name.to_owned(),
                    policy,
                },
            }),
            None => {
                let help = closest(policy, CookiePolicy::NAMES.iter().copied())
                    .map(|near| format!("did you mean `{near}`?"))
                    .unwrap_or_else(|| format!("presets: {}", name_list(CookiePolicy::NAMES)));
                self.push(
                    DiagnosticKind::InvalidValue,
                    self.value_span(path),
                    format!("unknown cookie policy `{policy}`"),
                    "unknown preset",
                    Some(help),
                );
            }
        }
    }

    /// Each name read with `from_name`, or a located error suggesting the closest known name.
    fn attack_names<T>(
        &mut self,
        names: &[String],
        path: &NodePath,
        from_name: fn(&str) -> Option<T>,
        known: &[&str],
    ) -> Vec<(T, crate::suite::Span)> {
        let family = path.last_key().unwrap_or("attacks").to_owned();
        let mut found = Vec::with_capacity(names.len());
        for (index, name) in names.iter().enumerate() {
            let span = self.value_span(&path.index(index));
            match from_name(name) {
                Some(attack) => found.push((attack, span)),
                None => {
                    let help = closest(name, known.iter().copied())
                        .or_else(|| {
                            known
                                .iter()
                                .copied()
                                .find(|known| known.starts_with(name.as_str()))
                        })
                        .map(|near| format!("did you mean `{near}`?"))
                        .unwrap_or_else(|| format!("`{family}` attacks: {}", name_list(known)));
                    self.push(
                        DiagnosticKind::InvalidValue,
                        span,
                        format!("unknown {family} attack `{name}`"),
                        "unknown attack",
                        Some(help),
                    );
                }
            }
        }
        found
    }
}
