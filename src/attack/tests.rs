//! Each attack's tokens and requests, taken apart and checked part by part: header, claims, and
//! whether the signature verifies with the key the attack claims to use.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::Method;
use serde_json::{Map, Value, json};
use std::time::Duration;

use super::*;
use crate::jwt::forge::{HmacAlg, hmac_signature};

const SERVER_KEY: &str = "server-test-key";
const NOW: u64 = 1_800_000_000;

fn original() -> String {
    let claims = json!({
        "sub": "alice", "iss": "issuer", "aud": "api", "iat": NOW, "exp": NOW + 900, "role": "user"
    });
    let key = EncodingKey::from_secret(SERVER_KEY.as_bytes()).expect("key");
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signs")
}

struct Fixture {
    token: String,
    attacker: RsaSigningKey,
    listener: Url,
    claims: Map<String, Value>,
    public_keys: Vec<PublicKeyForm>,
}

impl Fixture {
    fn new() -> Fixture {
        let attacker = attacker_key().expect("the attacker key loads");
        let jwks = attacker_jwks(&attacker);
        Fixture {
            token: original(),
            public_keys: forms_from_jwks(&jwks).expect("forms"),
            attacker,
            listener: Url::parse("http://127.0.0.1:4567/").expect("url"),
            claims: [("role".to_owned(), json!("admin"))].into_iter().collect(),
        }
    }

    fn inputs(&self, signing_key: Option<&'static str>) -> JwtInputs<'_> {
        JwtInputs {
            token: &self.token,
            signing_key,
            public_keys: &self.public_keys,
            refresh_token: Some("refresh.token.value"),
            id_token: None,
            privilege_claims: &self.claims,
            listener: Some(&self.listener),
            attacker: &self.attacker,
            now: NOW,
        }
    }

    fn variants(&self, attack: JwtAttack) -> Vec<Variant> {
        jwt_variants(attack, &self.inputs(Some(SERVER_KEY))).expect("builds")
    }
}

/// The token a variant sends.
fn sent_token(variant: &Variant) -> &str {
    match &variant.sent {
        Sent::Bearer(token) => token,
        other => panic!("{} sends {other:?}, not a bearer token", variant.name),
    }
}

/// (header, claims, raw signature segment).
fn parts(token: &str) -> (Value, Value, String) {
    let mut segments = token.split('.');
    let mut json_part = || -> Value {
        let segment = segments.next().expect("a segment");
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).expect("base64url")).expect("json")
    };
    let header = json_part();
    let claims = json_part();
    let signature = segments.next().expect("a signature segment").to_owned();
    assert!(segments.next().is_none(), "three parts");
    (header, claims, signature)
}

fn signing_input(token: &str) -> &str {
    token.rsplit_once('.').expect("dots").0
}

fn hmac_verifies(token: &str, key: &[u8]) -> bool {
    let (_, _, signature) = parts(token);
    URL_SAFE_NO_PAD.encode(hmac_signature(
        HmacAlg::Hs256,
        key,
        signing_input(token).as_bytes(),
    )) == signature
}

fn rs256_verifies(token: &str, jwk: &Value) -> bool {
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).expect("a jwk");
    let key = DecodingKey::from_jwk(&jwk).expect("an RSA key");
    let (_, _, signature) = parts(token);
    jsonwebtoken::crypto::verify(
        &signature,
        signing_input(token).as_bytes(),
        &key,
        Algorithm::RS256,
    )
    .expect("verifies or not")
}

fn original_claims() -> Value {
    parts(&original()).1
}

#[test]
fn every_attack_name_reads_back_and_names_are_unique() {
    for attack in JwtAttack::ALL {
        assert_eq!(JwtAttack::from_name(attack.name()), Some(*attack));
    }
    for attack in ApiKeyAttack::ALL {
        assert_eq!(ApiKeyAttack::from_name(attack.name()), Some(*attack));
    }
    let mut names = JwtAttack::names();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), JwtAttack::ALL.len());
    assert_eq!(JwtAttack::from_name("alg_none"), None);
}

#[test]
fn alg_none_sends_each_spelling_unsigned_with_the_claims_untouched() {
    let variants = Fixture::new().variants(JwtAttack::AlgNone);
    let names: Vec<&str> = variants
        .iter()
        .map(|variant| variant.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "jwt alg-none (none)",
            "jwt alg-none (None)",
            "jwt alg-none (NONE)",
            "jwt alg-none (nOnE)"
        ]
    );
    for (variant, spelling) in variants.iter().zip(alg_none::SPELLINGS) {
        let token = sent_token(variant);
        assert!(token.ends_with('.'), "the trailing dot is kept: {token}");
        let (header, claims, signature) = parts(token);
        assert_eq!(header["alg"], *spelling);
        assert_eq!(header["typ"], "JWT");
        assert_eq!(claims, original_claims());
        assert_eq!(signature, "");
    }
}

#[test]
fn null_signature_is_the_issued_token_byte_for_byte_without_its_signature() {
    let fixture = Fixture::new();
    let variants = fixture.variants(JwtAttack::NullSignature);
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0].name, "jwt null-signature");
    assert_eq!(
        sent_token(&variants[0]),
        format!("{}.", signing_input(&fixture.token))
    );
}

#[test]
fn truncated_signature_cuts_four_characters_and_keeps_everything_else() {
    let fixture = Fixture::new();
    let token = sent_token(&fixture.variants(JwtAttack::TruncatedSignature)[0]).to_owned();
    let (_, _, original_signature) = parts(&fixture.token);
    let (_, claims, signature) = parts(&token);
    assert_eq!(
        signature,
        original_signature[..original_signature.len() - 4]
    );
    assert_eq!(claims, original_claims());
    assert!(fixture.token.starts_with(&token));
}

#[test]
fn tampered_claims_moves_exp_an_hour_under_the_old_signature() {
    let fixture = Fixture::new();
    let variant = &fixture.variants(JwtAttack::TamperedClaims)[0];
    assert_eq!(variant.name, "jwt tampered-claims (exp +1h)");
    let (header, claims, signature) = parts(sent_token(variant));
    assert_eq!(claims["exp"], NOW + 900 + 3600);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(header["alg"], "HS256");
    assert_eq!(signature, parts(&fixture.token).2);
    assert!(!hmac_verifies(sent_token(variant), SERVER_KEY.as_bytes()));
}

#[test]
fn blank_secret_signs_hs256_with_an_empty_key() {
    let token = sent_token(&Fixture::new().variants(JwtAttack::BlankSecret)[0]).to_owned();
    let (header, claims, _) = parts(&token);
    assert_eq!(header["alg"], "HS256");
    assert_eq!(claims, original_claims());
    assert!(hmac_verifies(&token, b""));
    assert!(!hmac_verifies(&token, SERVER_KEY.as_bytes()));
}

#[test]
fn weak_secrets_sign_one_token_per_common_secret() {
    let variants = Fixture::new().variants(JwtAttack::WeakSecrets);
    assert_eq!(variants.len(), WEAK_SECRETS.len());
    for (variant, secret) in variants.iter().zip(WEAK_SECRETS) {
        assert_eq!(variant.name, format!("jwt weak-secrets ({secret})"));
        let key = DecodingKey::from_secret(secret.as_bytes()).expect("key");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&["api"]);
        let decoded = jsonwebtoken::decode::<Value>(sent_token(variant), &key, &validation)
            .expect("verifies with the weak secret");
        assert_eq!(decoded.claims, original_claims());
    }
}

#[test]
fn key_confusion_signs_hs256_with_each_byte_form_of_the_public_key() {
    let fixture = Fixture::new();
    let variants = fixture.variants(JwtAttack::KeyConfusion);
    let labels: Vec<&str> = fixture
        .public_keys
        .iter()
        .map(|form| form.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "spki pem",
            "spki pem without final newline",
            "spki pem crlf",
            "pkcs1 pem",
            "spki der"
        ]
    );
    assert_eq!(variants.len(), fixture.public_keys.len());
    for (variant, form) in variants.iter().zip(&fixture.public_keys) {
        assert_eq!(variant.name, format!("jwt key-confusion ({})", form.label));
        let token = sent_token(variant);
        assert_eq!(parts(token).0["alg"], "HS256");
        assert!(hmac_verifies(token, &form.bytes), "{}", form.label);
    }
    let pem = String::from_utf8(fixture.public_keys[0].bytes.clone()).expect("text");
    assert!(
        pem.starts_with("-----BEGIN PUBLIC KEY-----\n")
            && pem.ends_with("-----END PUBLIC KEY-----\n")
    );
    assert!(!fixture.public_keys[1].bytes.ends_with(b"\n"));
    assert!(String::from_utf8_lossy(&fixture.public_keys[2].bytes).contains("\r\n"));
    assert!(
        String::from_utf8_lossy(&fixture.public_keys[3].bytes)
            .starts_with("-----BEGIN RSA PUBLIC KEY-----")
    );
    assert_eq!(
        fixture.public_keys[4].bytes[0], 0x30,
        "DER starts with a SEQUENCE"
    );
}

#[test]
fn a_pem_public_key_gives_the_same_forms_as_its_jwks() {
    let fixture = Fixture::new();
    let pem = String::from_utf8(fixture.public_keys[0].bytes.clone()).expect("text");
    assert_eq!(forms_from_pem(&pem).expect("forms"), fixture.public_keys);
    assert!(forms_from_pem("not a key").is_err());
    assert!(forms_from_jwks(&json!({ "keys": [] })).is_err());
}

#[test]
fn key_confusion_without_a_public_key_is_an_error_not_a_pass() {
    let fixture = Fixture::new();
    let mut inputs = fixture.inputs(None);
    inputs.public_keys = &[];
    assert!(jwt_variants(JwtAttack::KeyConfusion, &inputs).is_err());
}

#[test]
fn embedded_jwk_carries_the_attacker_key_and_verifies_with_it() {
    let fixture = Fixture::new();
    let variant = &fixture.variants(JwtAttack::EmbeddedJwk)[0];
    assert!(!variant.expects_no_fetch);
    let token = sent_token(variant);
    let (header, claims, _) = parts(token);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], ATTACKER_KID);
    assert_eq!(header["jwk"]["n"], fixture.attacker.jwk()["n"]);
    assert!(
        header["jwk"].get("d").is_none(),
        "no private part in the header"
    );
    assert_eq!(claims, original_claims());
    assert!(rs256_verifies(token, &header["jwk"]));
}

#[test]
fn jku_and_x5u_point_at_the_listener_and_expect_no_fetch() {
    let fixture = Fixture::new();
    for (attack, field, path) in [
        (JwtAttack::Jku, "jku", "/authprobe/jwks.json"),
        (JwtAttack::X5u, "x5u", "/authprobe/cert.pem"),
    ] {
        let variant = &fixture.variants(attack)[0];
        assert!(variant.expects_no_fetch, "{}", variant.name);
        let token = sent_token(variant);
        let (header, _, _) = parts(token);
        assert_eq!(header[field], format!("http://127.0.0.1:4567{path}"));
        assert_eq!(header["kid"], ATTACKER_KID);
        assert!(rs256_verifies(
            token,
            &attacker_jwks(&fixture.attacker)["keys"][0]
        ));
    }
    let mut inputs = fixture.inputs(None);
    inputs.listener = None;
    assert!(jwt_variants(JwtAttack::Jku, &inputs).is_err());
}

#[test]
fn kid_injection_signs_with_the_key_each_injection_selects() {
    let variants = Fixture::new().variants(JwtAttack::KidInjection);
    assert_eq!(variants.len(), kid_injection::INJECTIONS.len());
    for (variant, (detail, kid, key)) in variants.iter().zip(kid_injection::INJECTIONS) {
        assert_eq!(variant.name, format!("jwt kid-injection ({detail})"));
        let token = sent_token(variant);
        let (header, _, _) = parts(token);
        assert_eq!(header["kid"], *kid);
        assert_eq!(header["alg"], "HS256");
        assert!(hmac_verifies(token, key.as_bytes()), "{detail}");
    }
    assert_eq!(
        kid_injection::INJECTIONS[0].1,
        "../../../../../../../dev/null"
    );
}

#[test]
fn time_claims_are_re_signed_with_the_test_key_and_only_the_time_wrong() {
    let fixture = Fixture::new();
    let expired = fixture.variants(JwtAttack::Expired);
    let (_, claims, _) = parts(sent_token(&expired[0]));
    assert_eq!(claims["exp"], NOW - 600);
    assert!(claims["iat"].as_u64() < claims["exp"].as_u64());
    assert_eq!(claims["sub"], "alice");
    assert!(hmac_verifies(
        sent_token(&expired[0]),
        SERVER_KEY.as_bytes()
    ));

    let nbf = fixture.variants(JwtAttack::NbfFuture);
    let (_, claims, _) = parts(sent_token(&nbf[0]));
    assert_eq!(claims["nbf"], NOW + 600);
    assert_eq!(claims["exp"], NOW + 900);
    assert!(hmac_verifies(sent_token(&nbf[0]), SERVER_KEY.as_bytes()));

    let no_exp = fixture.variants(JwtAttack::NoExp);
    let (_, claims, _) = parts(sent_token(&no_exp[0]));
    assert!(claims.get("exp").is_none());
    assert_eq!(claims["iat"], NOW);
    assert!(hmac_verifies(sent_token(&no_exp[0]), SERVER_KEY.as_bytes()));

    for attack in [
        JwtAttack::Expired,
        JwtAttack::NbfFuture,
        JwtAttack::NoExp,
        JwtAttack::WrongAud,
        JwtAttack::WrongIss,
    ] {
        let error = jwt_variants(attack, &fixture.inputs(None)).expect_err("needs the key");
        assert!(error.contains("key"), "{error}");
    }
}

#[test]
fn wrong_audience_and_issuer_change_one_claim_each_and_are_validly_signed() {
    let fixture = Fixture::new();
    let aud = fixture.variants(JwtAttack::WrongAud);
    let (_, claims, _) = parts(sent_token(&aud[0]));
    assert_eq!(claims["aud"], audience::WRONG_AUDIENCE);
    assert_eq!(claims["iss"], "issuer");
    assert!(hmac_verifies(sent_token(&aud[0]), SERVER_KEY.as_bytes()));
    let iss = fixture.variants(JwtAttack::WrongIss);
    let (_, claims, _) = parts(sent_token(&iss[0]));
    assert_eq!(claims["iss"], audience::WRONG_ISSUER);
    assert_eq!(claims["aud"], "api");
}

#[test]
fn an_rsa_test_key_re_signs_as_rs256() {
    let fixture = Fixture::new();
    let pem = include_str!("attacker_rsa.pem");
    let mut draft = crate::jwt::forge::Draft::from_token(&fixture.token).expect("draft");
    let token = sign_with_test_key(&mut draft, pem).expect("signs");
    assert_eq!(parts(&token).0["alg"], "RS256");
    assert!(rs256_verifies(&token, &fixture.attacker.jwk()));
    let mut draft = crate::jwt::forge::Draft::from_token(&fixture.token).expect("draft");
    assert!(sign_with_test_key(&mut draft, "-----BEGIN nonsense").is_err());
}

#[test]
fn privilege_sets_the_claims_under_the_old_signature() {
    let fixture = Fixture::new();
    let variant = &fixture.variants(JwtAttack::Privilege)[0];
    assert_eq!(variant.name, "jwt privilege (role)");
    let (_, claims, signature) = parts(sent_token(variant));
    assert_eq!(claims["role"], "admin");
    assert_eq!(signature, parts(&fixture.token).2);
}

#[test]
fn cross_token_attacks_send_the_other_token_unchanged() {
    let fixture = Fixture::new();
    let variant = &fixture.variants(JwtAttack::RefreshAsAccess)[0];
    assert_eq!(sent_token(variant), "refresh.token.value");
    assert!(jwt_variants(JwtAttack::IdTokenAsAccess, &fixture.inputs(None)).is_err());
}

#[test]
fn a_token_that_is_not_a_jwt_is_an_error_for_every_forging_attack() {
    let fixture = Fixture::new();
    let mut inputs = fixture.inputs(Some(SERVER_KEY));
    inputs.token = "opaque-token";
    for attack in JwtAttack::ALL {
        if matches!(
            attack,
            JwtAttack::RefreshAsAccess | JwtAttack::IdTokenAsAccess
        ) {
            continue;
        }
        assert!(jwt_variants(*attack, &inputs).is_err(), "{}", attack.name());
    }
}

const KEY: &str = "apk_demo_7f3c9a1e5b2d4f6a8c0e";

fn api_key_sent(attack: ApiKeyAttack, placement: &ApiKeyPlacement) -> Variant {
    let mut variants = api_key_variants(attack, KEY, placement).expect("applies");
    assert_eq!(variants.len(), 1);
    variants.remove(0)
}

#[test]
fn api_key_variants_are_near_misses_of_the_real_key() {
    let header = ApiKeyPlacement::Header("X-API-Key".to_owned());
    let wrong = api_key_sent(ApiKeyAttack::Wrong, &header);
    assert_eq!(wrong.name, "api-key wrong");
    assert!(wrong.wrong_key);
    let Sent::ApiKey(wrong) = wrong.sent else {
        panic!("a key")
    };
    assert_eq!(wrong.len(), KEY.len());
    assert_eq!(wrong, "bql_efnp_8g4d0b2f6c3e5g7b9d1f");

    assert_eq!(
        api_key_sent(ApiKeyAttack::Truncated, &header).sent,
        Sent::ApiKey(KEY[..KEY.len() - 1].to_owned())
    );
    assert_eq!(
        api_key_sent(ApiKeyAttack::Extended, &header).sent,
        Sent::ApiKey(format!("{KEY}0"))
    );
    assert_eq!(
        api_key_sent(ApiKeyAttack::CaseFlipped, &header).sent,
        Sent::ApiKey("APK_DEMO_7F3C9A1E5B2D4F6A8C0E".to_owned())
    );
    let missing = api_key_sent(ApiKeyAttack::Missing, &header);
    assert_eq!(missing.sent, Sent::WithoutCredential);
    assert!(!missing.wrong_key);
    assert_eq!(
        api_key_sent(ApiKeyAttack::InQuery, &header).sent,
        Sent::ApiKeyMoved {
            to: ApiKeyPlacement::Query("api_key".to_owned()),
            value: KEY.to_owned()
        }
    );
    assert!(api_key_variants(ApiKeyAttack::WhitespacePadded, KEY, &header).is_err());

    let query = ApiKeyPlacement::Query("key".to_owned());
    assert_eq!(
        api_key_sent(ApiKeyAttack::WhitespacePadded, &query).sent,
        Sent::ApiKey(format!(" {KEY} "))
    );
    assert!(api_key_variants(ApiKeyAttack::InQuery, KEY, &query).is_err());
    assert!(api_key_variants(ApiKeyAttack::CaseFlipped, "1234", &header).is_err());
    assert!(api_key_variants(ApiKeyAttack::Truncated, "k", &header).is_err());
}

fn request(url: &str, headers: &[(&str, &str)]) -> OutgoingRequest {
    OutgoingRequest {
        method: Method::GET,
        url: Url::parse(url).expect("url"),
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        body: None,
        timeout: Duration::from_secs(1),
    }
}

#[test]
fn applying_a_variant_replaces_only_the_credential() {
    let original = request(
        "http://t/users/me?x=1",
        &[
            ("Authorization", "Bearer real"),
            ("Cookie", "s=1"),
            ("Accept", "a"),
        ],
    );
    let site = CredentialSite::Bearer;
    assert_eq!(credential(&original, &site).expect("a token"), "real");
    let forged = apply(&original, &site, &Sent::Bearer("forged".to_owned()));
    assert_eq!(
        forged.headers,
        [
            ("Cookie", "s=1"),
            ("Accept", "a"),
            ("Authorization", "Bearer forged")
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
    );
    assert_eq!(forged.url, original.url);
    let bare = apply(&original, &site, &Sent::Bare);
    assert_eq!(bare.headers, [("Accept".to_owned(), "a".to_owned())]);
    let without = apply(&original, &site, &Sent::WithoutCredential);
    assert_eq!(without.headers.len(), 2);
}

#[test]
fn an_api_key_moves_between_header_and_query() {
    let original = request("http://t/route?x=1", &[("x-api-key", "real")]);
    let site = CredentialSite::ApiKey(ApiKeyPlacement::Header("X-API-Key".to_owned()));
    assert_eq!(credential(&original, &site).expect("a key"), "real");
    let moved = apply(
        &original,
        &site,
        &Sent::ApiKeyMoved {
            to: ApiKeyPlacement::Query("api_key".to_owned()),
            value: "real".to_owned(),
        },
    );
    assert!(moved.headers.is_empty());
    assert_eq!(moved.url.as_str(), "http://t/route?x=1&api_key=real");

    let in_query = request("http://t/route?key=real&x=1", &[]);
    let query_site = CredentialSite::ApiKey(ApiKeyPlacement::Query("key".to_owned()));
    assert_eq!(credential(&in_query, &query_site).expect("a key"), "real");
    let padded = apply(&in_query, &query_site, &Sent::ApiKey(" real ".to_owned()));
    assert_eq!(padded.url.as_str(), "http://t/route?x=1&key=+real+");
    let missing = apply(
        &request("http://t/route?key=real", &[]),
        &query_site,
        &Sent::WithoutCredential,
    );
    assert_eq!(missing.url.as_str(), "http://t/route");
    assert!(credential(&request("http://t/", &[]), &site).is_err());
}
