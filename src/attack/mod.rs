//! Attacks: variants of a step's credential that a secure server must refuse. `attacks:` on a step
//! names families (`jwt`, `api_key`, `no_credential`); each attack here turns the step's credential
//! into one or more named [`Variant`]s, and [`apply`] puts a variant into the step's request in
//! place of the original. Pure and synchronous: the runner sends the requests, judges the answers
//! and runs the controls before and after (`src/runner/attacks.rs`).
//!
//! One file per attack kind; [`jwt_variants`] and [`api_key_variants`] dispatch with an exhaustive
//! `match`, so a new kind does not compile until it builds its variants.

mod alg_none;
mod api_key;
mod audience;
mod blank_secret;
mod cross_token;
mod embedded_jwk;
mod key_confusion;
mod key_url;
mod kid_injection;
mod null_signature;
mod privilege;
mod public_key;
mod tampered_claims;
mod time_claims;
mod truncated_signature;
mod weak_secret;

use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use serde_json::{Map, Value};
use url::Url;

use crate::http::OutgoingRequest;
use crate::jwt::RsaSigningKey;
use crate::suite::ApiKeyPlacement;

pub use public_key::{PublicKeyForm, forms_from_jwks, forms_from_pem};
pub use weak_secret::WEAK_SECRETS;

/// The key pair authprobe signs with when it plays the attacker (embedded `jwk`, `jku`, `x5u`): a
/// fixed test key, public on purpose, so that no run waits for key generation.
const ATTACKER_RSA_PEM: &str = include_str!("attacker_rsa.pem");
/// A self-signed certificate for [`ATTACKER_RSA_PEM`], served at the `x5u` URL.
pub const ATTACKER_CERT_PEM: &str = include_str!("attacker_cert.pem");
/// The `kid` the attacker key is published under on the listener.
pub const ATTACKER_KID: &str = "authprobe-attacker-key";

/// The attacker's signing key.
pub fn attacker_key() -> Result<RsaSigningKey, String> {
    RsaPrivateKey::from_pkcs1_pem(ATTACKER_RSA_PEM)
        .map(RsaSigningKey::from_private)
        .map_err(|error| format!("the built-in attacker key does not load: {error}"))
}

/// The paths the listener serves the attacker's JWKS and certificate at: (`jku`, `x5u`).
pub fn key_url_paths() -> (&'static str, &'static str) {
    (key_url::JWKS_PATH, key_url::CERT_PATH)
}

/// The JWKS the listener serves at its `jku` URL: the attacker's public key.
pub fn attacker_jwks(key: &RsaSigningKey) -> Value {
    let mut jwk = key.jwk();
    if let Some(object) = jwk.as_object_mut() {
        object.insert("kid".to_owned(), Value::String(ATTACKER_KID.to_owned()));
    }
    serde_json::json!({ "keys": [jwk] })
}

/// A forged JWT or a tampered JWT, by the name written in a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAttack {
    AlgNone,
    NullSignature,
    TruncatedSignature,
    TamperedClaims,
    BlankSecret,
    WeakSecrets,
    KeyConfusion,
    EmbeddedJwk,
    Jku,
    X5u,
    KidInjection,
    Expired,
    NbfFuture,
    NoExp,
    WrongAud,
    WrongIss,
    Privilege,
    RefreshAsAccess,
    IdTokenAsAccess,
}

/// What an attack needs from the suite besides the step's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nothing,
    /// `key:`, the target's test signing key (HMAC secret or RSA private key PEM).
    SigningKey,
    /// `public_key:`, the target's public key (JWKS URL or PEM).
    PublicKey,
    /// `tokens.refresh`.
    RefreshToken,
    /// `tokens.id`.
    IdToken,
}

impl JwtAttack {
    pub const ALL: &[JwtAttack] = &[
        JwtAttack::AlgNone,
        JwtAttack::NullSignature,
        JwtAttack::TruncatedSignature,
        JwtAttack::TamperedClaims,
        JwtAttack::BlankSecret,
        JwtAttack::WeakSecrets,
        JwtAttack::KeyConfusion,
        JwtAttack::EmbeddedJwk,
        JwtAttack::Jku,
        JwtAttack::X5u,
        JwtAttack::KidInjection,
        JwtAttack::Expired,
        JwtAttack::NbfFuture,
        JwtAttack::NoExp,
        JwtAttack::WrongAud,
        JwtAttack::WrongIss,
        JwtAttack::Privilege,
        JwtAttack::RefreshAsAccess,
        JwtAttack::IdTokenAsAccess,
    ];

    /// What it means when the target takes the forged token, for someone who is not a security
    /// expert reading a failed check.
    pub fn risk(self) -> &'static str {
        match self {
            JwtAttack::AlgNone => "it takes an unsigned token, which anyone can write",
            JwtAttack::NullSignature => {
                "it takes a token without its signature, which anyone can write"
            }
            JwtAttack::TruncatedSignature => {
                "it takes a token whose signature was cut short: it does not check all of it"
            }
            JwtAttack::TamperedClaims => {
                "it takes claims changed after signing: the signature is not checked"
            }
            JwtAttack::BlankSecret => "it takes a token signed with an empty secret",
            JwtAttack::WeakSecrets => {
                "it takes a token signed with a well-known weak secret: anyone can sign tokens"
            }
            JwtAttack::KeyConfusion => {
                "it checks an HMAC signature against its public key: anyone who has the public key can sign tokens"
            }
            JwtAttack::EmbeddedJwk => {
                "it trusts a key carried in the token itself: anyone can sign with a key of their own"
            }
            JwtAttack::Jku | JwtAttack::X5u => {
                "it uses keys from a URL the token names: anyone can point it at keys of their own"
            }
            JwtAttack::KidInjection => {
                "it finds its key from the token's `kid` unsafely (a path, a query): anyone can pick a key they know"
            }
            JwtAttack::Expired => "it takes an expired token",
            JwtAttack::NbfFuture => "it takes a token that is not valid yet",
            JwtAttack::NoExp => "it takes a token that never expires",
            JwtAttack::WrongAud => "it takes a token issued for another service",
            JwtAttack::WrongIss => "it takes a token from another issuer",
            JwtAttack::Privilege => {
                "it takes a token whose holder raised their own privileges in it"
            }
            JwtAttack::RefreshAsAccess => "it takes a refresh token as an access token",
            JwtAttack::IdTokenAsAccess => "it takes an ID token as an access token",
        }
    }

    /// The name a suite writes under `attacks.jwt`.
    pub fn name(self) -> &'static str {
        match self {
            JwtAttack::AlgNone => "alg-none",
            JwtAttack::NullSignature => "null-signature",
            JwtAttack::TruncatedSignature => "truncated-signature",
            JwtAttack::TamperedClaims => "tampered-claims",
            JwtAttack::BlankSecret => "blank-secret",
            JwtAttack::WeakSecrets => "weak-secrets",
            JwtAttack::KeyConfusion => "key-confusion",
            JwtAttack::EmbeddedJwk => "embedded-jwk",
            JwtAttack::Jku => "jku",
            JwtAttack::X5u => "x5u",
            JwtAttack::KidInjection => "kid-injection",
            JwtAttack::Expired => "expired",
            JwtAttack::NbfFuture => "nbf-future",
            JwtAttack::NoExp => "no-exp",
            JwtAttack::WrongAud => "wrong-aud",
            JwtAttack::WrongIss => "wrong-iss",
            JwtAttack::Privilege => "privilege",
            JwtAttack::RefreshAsAccess => "refresh-as-access",
            JwtAttack::IdTokenAsAccess => "id-token-as-access",
        }
    }

    pub fn from_name(name: &str) -> Option<JwtAttack> {
        JwtAttack::ALL
            .iter()
            .copied()
            .find(|attack| attack.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        JwtAttack::ALL.iter().map(|attack| attack.name()).collect()
    }

    pub fn need(self) -> Need {
        match self {
            JwtAttack::AlgNone
            | JwtAttack::NullSignature
            | JwtAttack::TruncatedSignature
            | JwtAttack::TamperedClaims
            | JwtAttack::BlankSecret
            | JwtAttack::WeakSecrets
            | JwtAttack::EmbeddedJwk
            | JwtAttack::Jku
            | JwtAttack::X5u
            | JwtAttack::KidInjection
            | JwtAttack::Privilege => Need::Nothing,
            JwtAttack::KeyConfusion => Need::PublicKey,
            JwtAttack::Expired
            | JwtAttack::NbfFuture
            | JwtAttack::NoExp
            | JwtAttack::WrongAud
            | JwtAttack::WrongIss => Need::SigningKey,
            JwtAttack::RefreshAsAccess => Need::RefreshToken,
            JwtAttack::IdTokenAsAccess => Need::IdToken,
        }
    }

    /// True when the attack points the target at authprobe's listener, which must see no fetch.
    pub fn uses_listener(self) -> bool {
        matches!(self, JwtAttack::Jku | JwtAttack::X5u)
    }
}

/// A near miss or misplacement of an API key, by the name written in a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyAttack {
    Missing,
    Wrong,
    Truncated,
    Extended,
    CaseFlipped,
    WhitespacePadded,
    InQuery,
}

impl ApiKeyAttack {
    pub const ALL: &[ApiKeyAttack] = &[
        ApiKeyAttack::Missing,
        ApiKeyAttack::Wrong,
        ApiKeyAttack::Truncated,
        ApiKeyAttack::Extended,
        ApiKeyAttack::CaseFlipped,
        ApiKeyAttack::WhitespacePadded,
        ApiKeyAttack::InQuery,
    ];

    /// What it means when the target takes the variant (see [`JwtAttack::risk`]).
    pub fn risk(self) -> &'static str {
        match self {
            ApiKeyAttack::Missing => "it lets a request without a key through",
            ApiKeyAttack::Wrong => "it takes a wrong key",
            ApiKeyAttack::Truncated => {
                "it takes the key with its end cut off: it compares only a prefix"
            }
            ApiKeyAttack::Extended => {
                "it takes the key with characters added: it compares only a prefix"
            }
            ApiKeyAttack::CaseFlipped => {
                "it takes the key in another case, which leaves far fewer keys to guess"
            }
            ApiKeyAttack::WhitespacePadded => "it takes the key padded with spaces",
            ApiKeyAttack::InQuery => {
                "it takes the key in the query string, where logs and Referer headers leak it"
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ApiKeyAttack::Missing => "missing",
            ApiKeyAttack::Wrong => "wrong",
            ApiKeyAttack::Truncated => "truncated",
            ApiKeyAttack::Extended => "extended",
            ApiKeyAttack::CaseFlipped => "case-flipped",
            ApiKeyAttack::WhitespacePadded => "whitespace-padded",
            ApiKeyAttack::InQuery => "in-query",
        }
    }

    pub fn from_name(name: &str) -> Option<ApiKeyAttack> {
        ApiKeyAttack::ALL
            .iter()
            .copied()
            .find(|attack| attack.name() == name)
    }

    pub fn names() -> Vec<&'static str> {
        ApiKeyAttack::ALL
            .iter()
            .map(|attack| attack.name())
            .collect()
    }

    /// A wrong key, of whatever kind: all of these must get one and the same answer.
    pub fn is_wrong_key(self) -> bool {
        match self {
            ApiKeyAttack::Wrong
            | ApiKeyAttack::Truncated
            | ApiKeyAttack::Extended
            | ApiKeyAttack::CaseFlipped
            | ApiKeyAttack::WhitespacePadded => true,
            ApiKeyAttack::Missing | ApiKeyAttack::InQuery => false,
        }
    }
}

/// Where the step's request carries its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSite {
    /// `Authorization: Bearer <token>`.
    Bearer,
    ApiKey(ApiKeyPlacement),
}

/// What a variant sends instead of the step's credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// This bearer token in `Authorization`.
    Bearer(String),
    /// This API key, where the step puts its key.
    ApiKey(String),
    /// The credential moved: taken out of its place and sent at `to`.
    ApiKeyMoved { to: ApiKeyPlacement, value: String },
    /// The credential left out; cookies and other headers kept.
    WithoutCredential,
    /// No credential at all: neither the step's credential nor any cookie.
    Bare,
}

/// One request an attack makes: its check name and what it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// `jwt alg-none (nOnE)`, `api-key truncated`, `no-credential`.
    pub name: String,
    pub sent: Sent,
    /// The target must not fetch anything from authprobe's listener because of this token.
    pub expects_no_fetch: bool,
    /// Part of the wrong-key group whose answers must all be the same.
    pub wrong_key: bool,
    /// What it means when the target takes it.
    pub risk: &'static str,
}

impl Variant {
    fn jwt(attack: JwtAttack, detail: Option<&str>, token: String) -> Variant {
        let name = match detail {
            Some(detail) => format!("jwt {} ({detail})", attack.name()),
            None => format!("jwt {}", attack.name()),
        };
        Variant {
            name,
            sent: Sent::Bearer(token),
            expects_no_fetch: attack.uses_listener(),
            wrong_key: false,
            risk: attack.risk(),
        }
    }
}

/// What the JWT attacks work from, rendered by the runner.
#[derive(Debug, Clone, Copy)]
pub struct JwtInputs<'a> {
    /// The step's bearer token.
    pub token: &'a str,
    /// The target's test signing key: an HMAC secret, or an RSA private key in PEM.
    pub signing_key: Option<&'a str>,
    /// The target's public key in the byte forms a confused verifier might use as HMAC key.
    pub public_keys: &'a [PublicKeyForm],
    pub refresh_token: Option<&'a str>,
    pub id_token: Option<&'a str>,
    /// Claims the privilege attack sets (`role: admin` when the suite names none).
    pub privilege_claims: &'a Map<String, Value>,
    /// Base URL of authprobe's listener, for `jku` and `x5u`.
    pub listener: Option<&'a Url>,
    pub attacker: &'a RsaSigningKey,
    /// Seconds since the Unix epoch, for the time-claim attacks.
    pub now: u64,
}

/// The variants of one JWT attack, or why it cannot be built from these inputs.
pub fn jwt_variants(attack: JwtAttack, inputs: &JwtInputs<'_>) -> Result<Vec<Variant>, String> {
    match attack {
        JwtAttack::AlgNone => alg_none::variants(inputs),
        JwtAttack::NullSignature => null_signature::variants(inputs),
        JwtAttack::TruncatedSignature => truncated_signature::variants(inputs),
        JwtAttack::TamperedClaims => tampered_claims::variants(inputs),
        JwtAttack::BlankSecret => blank_secret::variants(inputs),
        JwtAttack::WeakSecrets => weak_secret::variants(inputs),
        JwtAttack::KeyConfusion => key_confusion::variants(inputs),
        JwtAttack::EmbeddedJwk => embedded_jwk::variants(inputs),
        JwtAttack::Jku => key_url::jku(inputs),
        JwtAttack::X5u => key_url::x5u(inputs),
        JwtAttack::KidInjection => kid_injection::variants(inputs),
        JwtAttack::Expired => time_claims::expired(inputs),
        JwtAttack::NbfFuture => time_claims::nbf_future(inputs),
        JwtAttack::NoExp => time_claims::no_exp(inputs),
        JwtAttack::WrongAud => audience::wrong_aud(inputs),
        JwtAttack::WrongIss => audience::wrong_iss(inputs),
        JwtAttack::Privilege => privilege::variants(inputs),
        JwtAttack::RefreshAsAccess => cross_token::refresh_as_access(inputs),
        JwtAttack::IdTokenAsAccess => cross_token::id_token_as_access(inputs),
    }
}

/// The variants of one API-key attack on `key`, sent at `placement`.
pub fn api_key_variants(
    attack: ApiKeyAttack,
    key: &str,
    placement: &ApiKeyPlacement,
) -> Result<Vec<Variant>, String> {
    let sent = match attack {
        ApiKeyAttack::Missing => Ok(Sent::WithoutCredential),
        ApiKeyAttack::Wrong => Ok(Sent::ApiKey(api_key::wrong(key))),
        ApiKeyAttack::Truncated => api_key::truncated(key).map(Sent::ApiKey),
        ApiKeyAttack::Extended => Ok(Sent::ApiKey(api_key::extended(key))),
        ApiKeyAttack::CaseFlipped => api_key::case_flipped(key).map(Sent::ApiKey),
        ApiKeyAttack::WhitespacePadded => {
            api_key::whitespace_padded(key, placement).map(Sent::ApiKey)
        }
        ApiKeyAttack::InQuery => api_key::in_query(key, placement),
    }?;
    Ok(vec![Variant {
        name: format!("api-key {}", attack.name()),
        sent,
        expects_no_fetch: false,
        wrong_key: attack.is_wrong_key(),
        risk: attack.risk(),
    }])
}

/// The `no-credential` attack: the request with no credential and no cookie.
pub fn no_credential_variant() -> Variant {
    Variant {
        name: "no-credential".to_owned(),
        sent: Sent::Bare,
        expects_no_fetch: false,
        wrong_key: false,
        risk: "it answers a request that carries no credential at all",
    }
}

/// The step's credential as sent in `request`, or why it is not there.
pub fn credential(request: &OutgoingRequest, site: &CredentialSite) -> Result<String, String> {
    match site {
        CredentialSite::Bearer => header(request, "authorization")
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            })
            .ok_or_else(|| "the request sends no `Authorization: Bearer` token".to_owned()),
        CredentialSite::ApiKey(ApiKeyPlacement::Header(name)) => header(request, name)
            .map(str::to_owned)
            .ok_or_else(|| format!("the request sends no `{name}` header")),
        CredentialSite::ApiKey(ApiKeyPlacement::Query(name)) => request
            .url
            .query_pairs()
            .find(|(key, _)| key == name.as_str())
            .map(|(_, value)| value.into_owned())
            .ok_or_else(|| format!("the request has no `{name}` query parameter")),
    }
}

fn header<'r>(request: &'r OutgoingRequest, name: &str) -> Option<&'r str> {
    request
        .headers
        .iter()
        .find(|(existing, _)| existing.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// `request` with its credential (at `site`) replaced as `sent` says.
pub fn apply(request: &OutgoingRequest, site: &CredentialSite, sent: &Sent) -> OutgoingRequest {
    let mut request = request.clone();
    remove_credential(&mut request, site);
    match sent {
        Sent::Bearer(token) => request
            .headers
            .push(("Authorization".to_owned(), format!("Bearer {token}"))),
        Sent::ApiKey(value) => match site {
            CredentialSite::ApiKey(placement) => place(&mut request, placement, value),
            CredentialSite::Bearer => place(
                &mut request,
                &ApiKeyPlacement::Header("X-API-Key".to_owned()),
                value,
            ),
        },
        Sent::ApiKeyMoved { to, value } => place(&mut request, to, value),
        Sent::WithoutCredential => {}
        Sent::Bare => request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("cookie")),
    }
    request
}

fn remove_credential(request: &mut OutgoingRequest, site: &CredentialSite) {
    match site {
        CredentialSite::Bearer => request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization")),
        CredentialSite::ApiKey(ApiKeyPlacement::Header(header)) => request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case(header)),
        CredentialSite::ApiKey(ApiKeyPlacement::Query(param)) => {
            let kept: Vec<(String, String)> = request
                .url
                .query_pairs()
                .filter(|(key, _)| key != param.as_str())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect();
            if kept.is_empty() {
                request.url.set_query(None);
            } else {
                request.url.query_pairs_mut().clear().extend_pairs(kept);
            }
        }
    }
}

fn place(request: &mut OutgoingRequest, placement: &ApiKeyPlacement, value: &str) {
    match placement {
        ApiKeyPlacement::Header(name) => request.headers.push((name.clone(), value.to_owned())),
        ApiKeyPlacement::Query(name) => {
            request.url.query_pairs_mut().append_pair(name, value);
        }
    }
}

/// The step's token re-signed with the suite's `key:` and nothing else changed: the control that
/// shows the key is the one the target verifies with (else every attack re-signed with it is
/// refused for its signature, whatever it changed).
pub fn resigned_unchanged(inputs: &JwtInputs<'_>) -> Result<Option<String>, String> {
    let Some(key) = inputs.signing_key else {
        return Ok(None);
    };
    let mut draft = crate::jwt::forge::Draft::from_token(inputs.token)?;
    sign_with_test_key(&mut draft, key).map(Some)
}

/// Signs `draft` with the target's test key: an RSA private key in PEM signs RS256, anything else
/// is an HMAC secret used with the token's own HMAC algorithm (HS256 when it has another).
fn sign_with_test_key(draft: &mut crate::jwt::forge::Draft, key: &str) -> Result<String, String> {
    use crate::jwt::forge::HmacAlg;
    use rsa::pkcs8::DecodePrivateKey as _;
    if key.trim_start().starts_with("-----BEGIN") {
        let private = RsaPrivateKey::from_pkcs8_pem(key.trim())
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(key.trim()))
            .map_err(|_| "`key` looks like PEM but is not an RSA private key".to_owned())?;
        return Ok(draft.sign_rs256(&RsaSigningKey::from_private(private)));
    }
    let alg = draft
        .header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(HmacAlg::from_name)
        .unwrap_or(HmacAlg::Hs256);
    Ok(draft.sign_hmac(alg, key.as_bytes()))
}

#[cfg(test)]
mod tests;
