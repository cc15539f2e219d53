//! `authprobe jwt decode | verify | forge`: the JWT toolkit of suites on the command line. Decode
//! shows header and claims without checking anything; verify checks the signature against a
//! secret or PEM key, the algorithm against an allow-list and the time claims within a leeway;
//! forge prints the tokens an attack would send.

use std::io::Write;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::AppError;
use crate::attack::{self, JwtAttack, JwtInputs};
use crate::exit;

/// One `authprobe jwt` command, its inputs read.
#[derive(Debug, Clone)]
pub enum JwtCommand {
    Decode {
        token: String,
    },
    Verify {
        token: String,
        key: VerifyKey,
        /// Algorithms accepted; empty accepts the one the key is for.
        algorithms: Vec<String>,
        /// Seconds of clock skew allowed on `exp` and `nbf`.
        leeway: u64,
    },
    Forge(ForgeCommand),
}

/// `authprobe jwt forge`: the token, the attack, and what the attack may need.
#[derive(Debug, Clone)]
pub struct ForgeCommand {
    pub token: String,
    pub attack: String,
    /// The target's test signing key, for the attacks that re-sign.
    pub key: Option<String>,
    /// The target's RSA public key in PEM, for key confusion.
    pub public_key_pem: Option<String>,
    /// The base URL `jku`/`x5u` point under.
    pub listener: Option<url::Url>,
    /// For `refresh-as-access`.
    pub refresh_token: Option<String>,
    /// For `id-token-as-access`.
    pub id_token: Option<String>,
}

#[derive(Debug, Clone)]
pub enum VerifyKey {
    Secret(String),
    /// A public key (RSA or EC) in PEM.
    Pem(String),
}

/// Runs `command`, writing to `out`: 0 when done (or valid), 1 when `verify` finds the token
/// invalid.
pub fn jwt(command: &JwtCommand, out: &mut dyn Write) -> Result<u8, AppError> {
    match command {
        JwtCommand::Decode { token } => decode(token, out),
        JwtCommand::Verify {
            token,
            key,
            algorithms,
            leeway,
        } => verify(token, key, algorithms, *leeway, out),
        JwtCommand::Forge(command) => forge(command, out),
    }
}

fn decode(token: &str, out: &mut dyn Write) -> Result<u8, AppError> {
    let decoded = crate::jwt::decode(token).map_err(AppError::Usage)?;
    let pretty =
        |value: &Value| serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    let mut text = format!(
        "header:\n{}\nclaims:\n{}\nsignature: {} characters, not verified\n",
        pretty(&decoded.header),
        pretty(&decoded.claims),
        decoded.signature.len()
    );
    for claim in ["iat", "nbf", "exp"] {
        if let Some(seconds) = decoded.claims.get(claim).and_then(Value::as_u64) {
            let date =
                crate::jwt::claim_date(seconds).unwrap_or_else(|| "past the year 9999".to_owned());
            text.push_str(&format!("{claim}: {date}\n"));
        }
    }
    write(out, &text)?;
    Ok(exit::SUCCESS)
}

fn verify(
    token: &str,
    key: &VerifyKey,
    algorithms: &[String],
    leeway: u64,
    out: &mut dyn Write,
) -> Result<u8, AppError> {
    // `--help` promises exit 1 for any token that is not valid: one that is not a JWT at all too.
    let decoded = match crate::jwt::decode(token) {
        Ok(decoded) => decoded,
        Err(reason) => {
            write(out, &format!("invalid: {reason}\n"))?;
            return Ok(exit::CHECK_FAILED);
        }
    };
    let alg = decoded
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !algorithms.is_empty() && !algorithms.contains(&alg) {
        write(
            out,
            &format!(
                "invalid: alg `{alg}` is not one of {}\n",
                algorithms.join(", ")
            ),
        )?;
        return Ok(exit::CHECK_FAILED);
    }
    let Ok(algorithm) = alg.parse::<Algorithm>() else {
        write(
            out,
            &format!("invalid: alg `{alg}` is not a signing algorithm authprobe verifies\n"),
        )?;
        return Ok(exit::CHECK_FAILED);
    };
    let decoding = match key {
        VerifyKey::Secret(secret) => DecodingKey::from_secret(secret.as_bytes())
            .map_err(|_| AppError::Usage("--secret must not be empty".to_owned()))?,
        VerifyKey::Pem(pem) if pem.contains("PRIVATE KEY-----") => {
            return Err(AppError::Usage(
                "--pem takes the public key, and this is a private key: derive the public one \
                 (`openssl pkey -in key.pem -pubout`)"
                    .to_owned(),
            ));
        }
        VerifyKey::Pem(pem) => DecodingKey::from_rsa_pem(pem.as_bytes())
            .or_else(|_| DecodingKey::from_ec_pem(pem.as_bytes()))
            .map_err(|_| {
                AppError::Usage("--pem is not an RSA or EC public key in PEM".to_owned())
            })?,
    };
    let mut validation = Validation::new(algorithm);
    let now = jsonwebtoken::get_current_timestamp();
    // jsonwebtoken takes the leeway from the current time: more than that wraps around (and calls
    // every token expired); a leeway back to 1970 already accepts any `exp`.
    validation.leeway = leeway.min(now);
    validation.validate_nbf = true;
    validation.validate_aud = false;
    // As `expect.jwt` does: a token that never expires is not a valid access token.
    validation.set_required_spec_claims(&["exp"]);
    match jsonwebtoken::decode::<Value>(token.trim(), &decoding, &validation) {
        Ok(_) => {
            write(
                out,
                &format!("valid: {alg} signature verifies; exp and nbf within {leeway}s\n"),
            )?;
            Ok(exit::SUCCESS)
        }
        Err(error) => {
            use jsonwebtoken::errors::ErrorKind;
            let reason = match error.kind() {
                ErrorKind::InvalidSignature => {
                    "the signature does not verify with this key".to_owned()
                }
                ErrorKind::ExpiredSignature => {
                    format!("expired: `exp` is more than {leeway}s past")
                }
                ErrorKind::ImmatureSignature => {
                    format!("not valid yet: `nbf` is more than {leeway}s ahead")
                }
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidKeyFormat => format!(
                    "the key does not fit alg `{alg}` (HS* takes --secret, RS* and PS* an RSA \
                     public key, ES* an EC public key)"
                ),
                ErrorKind::Base64(_) => "the signature is not base64url".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => {
                    format!("no `{claim}`: the token never expires")
                }
                _ => error.to_string(),
            };
            write(out, &format!("invalid: {reason}\n"))?;
            Ok(exit::CHECK_FAILED)
        }
    }
}

fn forge(command: &ForgeCommand, out: &mut dyn Write) -> Result<u8, AppError> {
    let attack_name = command.attack.as_str();
    let key = command.key.as_deref();
    let Some(kind) = JwtAttack::from_name(attack_name) else {
        let names = JwtAttack::names();
        let hint = names
            .iter()
            .copied()
            .filter(|name| {
                name.starts_with(attack_name) || strsim::levenshtein(name, attack_name) <= 2
            })
            .min_by_key(|name| strsim::levenshtein(name, attack_name))
            .map(|near| format!("did you mean `{near}`?"))
            .unwrap_or_else(|| format!("one of {}", names.join(", ")));
        return Err(AppError::Usage(format!(
            "unknown JWT attack `{attack_name}`: {hint}"
        )));
    };
    let missing_flag = match kind.need() {
        attack::Need::SigningKey if key.is_none() => Some(("the target's signing key", "--key")),
        attack::Need::PublicKey if command.public_key_pem.is_none() => {
            Some(("the target's public key", "--public-key"))
        }
        attack::Need::RefreshToken if command.refresh_token.is_none() => {
            Some(("a refresh token the target issued", "--refresh-token"))
        }
        attack::Need::IdToken if command.id_token.is_none() => {
            Some(("an ID token the target took", "--id-token"))
        }
        _ if kind.uses_listener() && command.listener.is_none() => Some((
            "where the forged header points (a server you watch for the target's fetch)",
            "--listener URL",
        )),
        _ => None,
    };
    if let Some((what, flag)) = missing_flag {
        return Err(AppError::Usage(format!(
            "`{attack_name}` needs {what}: pass `{flag}`"
        )));
    }
    let public_keys = match command.public_key_pem.as_deref() {
        Some(pem) => attack::forms_from_pem(pem).map_err(AppError::Usage)?,
        None => Vec::new(),
    };
    let attacker = attack::attacker_key().map_err(AppError::Usage)?;
    let claims: Map<String, Value> = [("role".to_owned(), Value::String("admin".to_owned()))]
        .into_iter()
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let inputs = JwtInputs {
        token: command.token.trim(),
        signing_key: key,
        public_keys: &public_keys,
        refresh_token: command.refresh_token.as_deref().map(str::trim),
        id_token: command.id_token.as_deref().map(str::trim),
        privilege_claims: &claims,
        listener: command.listener.as_ref(),
        attacker: &attacker,
        now,
    };
    let variants = attack::jwt_variants(kind, &inputs)
        .map_err(|reason| AppError::Usage(format!("`{attack_name}`: {reason}")))?;
    let mut text = String::new();
    for variant in variants {
        if let attack::Sent::Bearer(forged) = variant.sent {
            text.push_str(&format!("{}\t{forged}\n", variant.name));
        }
    }
    write(out, &text)?;
    Ok(exit::SUCCESS)
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), AppError> {
    out.write_all(text.as_bytes())
        .map_err(|error| AppError::Usage(format!("could not write the output: {error}")))
}
