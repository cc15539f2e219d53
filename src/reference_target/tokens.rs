//! JWT access tokens: `POST /token` (OAuth2 password grant, as a form) issues an access token and
//! a refresh token; `GET /users/me` takes the access token as a bearer token; the JWKS publishes
//! the RS256 key. Verification pins the algorithm, checks the signature, `exp`, `iss`, `aud` and
//! the token's use, and answers every failure with 401 and a Bearer challenge (RFC 6750 §3).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::demo::{self, DemoUser};
use super::flaw::Flaw;
use super::header_keys::{self, Fetched};
use super::input::Fields;
use super::reply::{self, Failure};
use super::session::Profile;
use super::state::{AppState, RefreshFamily, random_id, unix_now};

pub const ISSUER: &str = "authprobe-reference-target";
pub const AUDIENCE: &str = "authprobe-reference-api";
/// The `aud` of ID tokens: the client that logged the user in, not the API (OIDC Core §2).
pub const ID_TOKEN_AUDIENCE: &str = "authprobe-demo-client";
const CHALLENGE: &str = r#"Bearer realm="authprobe reference target""#;
const INVALID_TOKEN: &str = r#"Bearer realm="authprobe reference target", error="invalid_token""#;
/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY: u64 = 5;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/token", post(token))
        .route("/users/me", get(users_me))
        .route("/.well-known/jwks.json", get(jwks))
}

/// What a token is for; a token of one use is refused where the other is expected (RFC 8725
/// §3.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum TokenUse {
    Access,
    Refresh,
    /// Who logged in, for the client (issued with `scope=openid`); never a credential for the API.
    Id,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub jti: String,
    pub token_use: TokenUse,
    /// The refresh-token family this token belongs to (refresh tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

async fn token(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the token request is a form",
        );
    }
    let fields = Fields::form(&body);
    if let Some(grant) = fields
        .get("grant_type")
        .filter(|grant| *grant != "password")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type `{grant}` is not supported here; refresh at /refresh"),
        );
    }
    let (Some(username), Some(password)) = (fields.get("username"), fields.get("password")) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "username and password are required",
        );
    };
    let Some(user) = demo::authenticate(username, password) else {
        return reply::unauthorized(state.flaws(), CHALLENGE, "Incorrect username or password");
    };
    let Ok(family) = random_id(16) else {
        return Failure::internal("no randomness for a token family").into_response();
    };
    let (access, refresh) = match (
        sign(&state, user, TokenUse::Access, None),
        sign(&state, user, TokenUse::Refresh, Some(&family)),
    ) {
        (Ok(access), Ok(refresh)) => (access, refresh),
        (Err(failure), _) | (_, Err(failure)) => return failure.into_response(),
    };
    let wants_id_token = fields
        .get("scope")
        .is_some_and(|scope| scope.split(' ').any(|scope| scope == "openid"));
    let id_token = if wants_id_token {
        match sign(&state, user, TokenUse::Id, None) {
            Ok(id_token) => Some(id_token.token),
            Err(failure) => return failure.into_response(),
        }
    } else {
        None
    };
    state.families.lock().insert(
        family,
        RefreshFamily {
            username: user.username.to_owned(),
            current: refresh.jti,
            revoked: false,
        },
    );
    token_response(&state, &access.token, &refresh.token, id_token.as_deref())
}

async fn users_me(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return reply::unauthorized(state.flaws(), CHALLENGE, "Not authenticated");
    };
    let fetched = header_keys::fetch(&state, token).await;
    match verify_access(&state, token, &fetched) {
        Ok(claims) => match demo::user(&claims.sub) {
            Some(user) => reply::json(StatusCode::OK, Profile::of(user).to_json()),
            None => reply::unauthorized(
                state.flaws(),
                INVALID_TOKEN,
                "Could not validate credentials",
            ),
        },
        Err(_) => reply::unauthorized(
            state.flaws(),
            INVALID_TOKEN,
            "Could not validate credentials",
        ),
    }
}

async fn jwks(State(state): State<Arc<AppState>>) -> Response {
    match serde_json::to_value(&state.keys.jwks) {
        Ok(value) => reply::json(StatusCode::OK, value),
        Err(_) => Failure::internal("the JWKS does not serialize").into_response(),
    }
}

/// The token response for `access` and `refresh`.
pub(super) fn token_response(
    state: &AppState,
    access: &str,
    refresh: &str,
    id_token: Option<&str>,
) -> Response {
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": state.config.access_token_ttl.as_secs(),
        "refresh_token": refresh,
    });
    if let (Some(id_token), Some(fields)) = (id_token, body.as_object_mut()) {
        fields.insert("id_token".to_owned(), Value::String(id_token.to_owned()));
    }
    reply::json(StatusCode::OK, body)
}

/// A signed token and its `jti`.
pub(super) struct Signed {
    pub token: String,
    pub jti: String,
}

pub(super) fn sign(
    state: &AppState,
    user: &DemoUser,
    token_use: TokenUse,
    family: Option<&str>,
) -> Result<Signed, Failure> {
    let now = unix_now();
    let ttl = match token_use {
        TokenUse::Access | TokenUse::Id => state.config.access_token_ttl,
        TokenUse::Refresh => state.config.refresh_token_ttl,
    };
    let jti = random_id(16).map_err(|_| Failure::internal("no randomness for a token id"))?;
    let claims = Claims {
        sub: user.username.to_owned(),
        iss: ISSUER.to_owned(),
        aud: match token_use {
            TokenUse::Id => ID_TOKEN_AUDIENCE,
            TokenUse::Access | TokenUse::Refresh => AUDIENCE,
        }
        .to_owned(),
        iat: now,
        exp: Some(now + ttl.as_secs()),
        nbf: None,
        jti: jti.clone(),
        token_use,
        family: family.map(str::to_owned),
    };
    let mut header = Header::new(state.keys.algorithm);
    header.kid = state.keys.kid.clone();
    header.typ = Some(
        match token_use {
            TokenUse::Access => "at+jwt",
            TokenUse::Refresh | TokenUse::Id => "JWT",
        }
        .to_owned(),
    );
    let token = jsonwebtoken::encode(&header, &claims, &state.keys.encoding)
        .map_err(|_| Failure::internal("the token could not be signed"))?;
    Ok(Signed { token, jti })
}

/// Why a token was refused; the reason stays on the server, the client sees `invalid_token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refused(pub &'static str);

/// Checks an access token the way `/users/me` does, flaws included.
/// `fetched` is what a flawed verifier fetched for the token's header keys.
pub(super) fn verify_access(
    state: &AppState,
    token: &str,
    fetched: &Fetched,
) -> Result<Claims, Refused> {
    let flaws = state.flaws();
    let ignore_exp = flaws.has(Flaw::IgnoreExp);
    let unchecked = flaws.has(Flaw::SkipSignatureCheck)
        || (flaws.has(Flaw::AcceptAlgNone) && alg_is_none(token))
        || header_keys::signature_trusted(state, token, fetched);
    let claims = if unchecked {
        let claims = claims_unverified(token).ok_or(Refused("malformed token"))?;
        if !ignore_exp && claims.exp.is_none_or(|exp| exp + LEEWAY <= unix_now()) {
            return Err(Refused("expired"));
        }
        claims
    } else {
        match verify_signed(state, token, ignore_exp, AUDIENCE) {
            // The flawed API also takes tokens minted for the client: ID tokens.
            Err(_) if flaws.has(Flaw::IdTokenAsAccess) => {
                verify_signed(state, token, ignore_exp, ID_TOKEN_AUDIENCE)?
            }
            verified => verified?,
        }
    };
    let accepted = match claims.token_use {
        TokenUse::Access => true,
        TokenUse::Refresh => flaws.has(Flaw::RefreshTokenAsAccess),
        TokenUse::Id => flaws.has(Flaw::IdTokenAsAccess),
    };
    if !accepted {
        return Err(Refused("not an access token"));
    }
    Ok(claims)
}

/// Checks a refresh token: always strictly, whatever the access-token flaws.
pub(super) fn verify_refresh(state: &AppState, token: &str) -> Result<Claims, Refused> {
    let claims = verify_signed(state, token, false, AUDIENCE)?;
    if claims.token_use != TokenUse::Refresh {
        return Err(Refused("not a refresh token"));
    }
    Ok(claims)
}

/// Signature (with the one configured algorithm), `iss`, `aud` and, unless ignored, `exp`.
fn verify_signed(
    state: &AppState,
    token: &str,
    ignore_exp: bool,
    audience: &str,
) -> Result<Claims, Refused> {
    let flaws = state.flaws();
    let skip_aud_iss = flaws.has(Flaw::SkipAudIssCheck);
    let mut validation = Validation::new(state.keys.algorithm);
    validation.leeway = LEEWAY;
    validation.validate_exp = !ignore_exp;
    validation.validate_nbf = !flaws.has(Flaw::IgnoreNbf);
    let mut required = vec!["sub"];
    if !ignore_exp {
        required.push("exp");
    }
    if skip_aud_iss {
        validation.validate_aud = false;
    } else {
        required.extend(["iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
    }
    validation.set_required_spec_claims(&required);
    jsonwebtoken::decode::<Claims>(token, &state.keys.decoding, &validation)
        .map(|data| data.claims)
        .map_err(|_| Refused("signature or claims invalid"))
}

/// The claims of a token, read without any check.
fn claims_unverified(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// True when the token's header says `alg: none`, in any letter case.
fn alg_is_none(token: &str) -> bool {
    let header = token
        .split('.')
        .next()
        .and_then(|part| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    header
        .as_ref()
        .and_then(|header| header.get("alg"))
        .and_then(Value::as_str)
        .is_some_and(|alg| alg.eq_ignore_ascii_case("none"))
}

/// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    reply::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}
