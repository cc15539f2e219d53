//! `attacks:` against small servers that misbehave in one way each: the controls catch a server
//! that refuses everything or locks up after the attacks, a 5xx is never a refusal, a server that
//! accepts anything fails every variant, and wrong keys that get different answers fail the
//! same-answer check.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::support::{check, only_step, run_suite, sample_jwt};
use authprobe::runner::StepStatus;

/// How the server treats the requests it gets (the `n`th, counting from 0).
#[derive(Clone, Copy)]
enum Behaviour {
    RefusesEverything,
    /// Grants the first request, refuses all later ones.
    LocksUp,
    /// Grants the genuine token, answers 500 to any other.
    CrashesOnForgeries,
    AcceptsAnything,
    /// Grants the genuine key; a wrong key gets 403 with a body that depends on its length.
    LeaksKeyLength,
    /// A one-time link that never expires: redirects every time.
    RedirectsAlways,
    /// A one-time link done right: redirects once, then refuses.
    RedirectsOnce,
    /// A one-time link done right, the browser way: signs in once, then sends back to the login.
    RedirectsOnceThenToLogin,
    /// A one-time link done right, another way: signs in once, then shows a page that says the
    /// link has expired (a 200).
    RedirectsOnceThenExpiredPage,
    /// Grants the genuine key; a wrong key gets one 403, stamped with the time and a request id.
    StampsItsRefusals,
    /// Grants any token signed with [`TARGET_KEY`], whatever its `exp` says.
    IgnoresExpiry,
    /// Grants a request with the session cookie whatever its token says, or the genuine token
    /// alone, as an API that takes either does.
    SessionOrToken,
    /// Wants the session cookie and some token, and checks only the cookie.
    SessionAndAnyToken,
    /// Grants the session cookie, or the genuine key alone, compared exactly.
    SessionOrKey,
    /// Wants the session cookie and some key, and checks only the cookie.
    SessionAndAnyKey,
}

const TARGET_KEY: &str = "the-target-key";

/// A token signed with `key` (HS256).
fn signed_jwt(key: &str, claims: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::Mac as _;
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key");
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Whether `token` carries a valid HS256 signature by `key`.
fn verifies(token: &str, key: &str) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::Mac as _;
    let Some((input, signature)) = token.rsplit_once('.') else {
        return false;
    };
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key");
    mac.update(input.as_bytes());
    mac.verify_slice(&signature).is_ok()
}

async fn serve(behaviour: Behaviour) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let state = Arc::new((behaviour, AtomicUsize::new(0)));
    let router = Router::new().route("/me", get(me)).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url::Url::parse(&format!("http://{address}")).expect("url")
}

async fn me(State(state): State<Arc<(Behaviour, AtomicUsize)>>, headers: HeaderMap) -> Response {
    let (behaviour, count) = &*state;
    let seen = count.fetch_add(1, Ordering::SeqCst);
    let bearer = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok());
    let genuine = bearer == Some(format!("Bearer {}", sample_jwt()).as_str());
    let key = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok());
    let session = headers
        .get("cookie")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|cookies| cookies.contains("session=valid"));
    match behaviour {
        Behaviour::RefusesEverything => StatusCode::UNAUTHORIZED.into_response(),
        Behaviour::LocksUp if seen == 0 => "ok".into_response(),
        Behaviour::LocksUp => StatusCode::UNAUTHORIZED.into_response(),
        Behaviour::CrashesOnForgeries if genuine => "ok".into_response(),
        Behaviour::CrashesOnForgeries => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Behaviour::AcceptsAnything => "ok".into_response(),
        Behaviour::IgnoresExpiry => match bearer.and_then(|value| value.strip_prefix("Bearer ")) {
            Some(token) if verifies(token, TARGET_KEY) => "ok".into_response(),
            _ => StatusCode::UNAUTHORIZED.into_response(),
        },
        Behaviour::SessionAndAnyToken => {
            if session && bearer.is_some() {
                "ok".into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }
        Behaviour::SessionOrKey => {
            if session || key == Some("the-real-key") {
                "ok".into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }
        Behaviour::SessionAndAnyKey => {
            if session && key.is_some() {
                "ok".into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }
        Behaviour::SessionOrToken => {
            if session || genuine {
                "ok".into_response()
            } else {
                StatusCode::UNAUTHORIZED.into_response()
            }
        }
        Behaviour::RedirectsAlways => {
            (StatusCode::FOUND, [("location", "/signed-in")]).into_response()
        }
        Behaviour::RedirectsOnce if seen == 0 => (
            StatusCode::FOUND,
            [
                ("location", "/signed-in"),
                ("set-cookie", "session=granted-once; Path=/; HttpOnly"),
            ],
        )
            .into_response(),
        Behaviour::RedirectsOnce => StatusCode::BAD_REQUEST.into_response(),
        Behaviour::RedirectsOnceThenToLogin if seen == 0 => {
            (StatusCode::FOUND, [("location", "/signed-in")]).into_response()
        }
        Behaviour::RedirectsOnceThenToLogin => {
            (StatusCode::FOUND, [("location", "/login?expired")]).into_response()
        }
        Behaviour::RedirectsOnceThenExpiredPage if seen == 0 => {
            (StatusCode::FOUND, [("location", "/signed-in")]).into_response()
        }
        Behaviour::RedirectsOnceThenExpiredPage => "this link has expired".into_response(),
        Behaviour::StampsItsRefusals => match key {
            Some("the-real-key") => "ok".into_response(),
            _ => (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({
                    "timestamp": humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
                    "request_id": uuid::Uuid::new_v4().to_string(),
                    "error": "Forbidden",
                })),
            )
                .into_response(),
        },
        Behaviour::LeaksKeyLength => match key {
            Some("the-real-key") => "ok".into_response(),
            Some(other) => (
                StatusCode::FORBIDDEN,
                format!("wrong key of length {}", other.len()),
            )
                .into_response(),
            None => StatusCode::UNAUTHORIZED.into_response(),
        },
    }
}

fn jwt_suite(expect_status: &str) -> String {
    format!(
        "name: attacks\nsteps:\n  - name: forged tokens are refused\n    request: {{ url: /me, bearer: \"{}\" }}\n    attacks:\n      jwt: [alg-none, null-signature]\n      expect: {{ status: {expect_status} }}\n",
        sample_jwt()
    )
}

#[tokio::test]
async fn a_server_that_refuses_everything_fails_both_controls() {
    let url = serve(Behaviour::RefusesEverything).await;
    let result = run_suite(&jwt_suite("401"), &url).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed);
    assert!(!check(step, "attack control before").passed);
    assert!(!check(step, "attack control after").passed);
    assert!(check(step, "attack jwt alg-none (nOnE)").passed);
    assert_eq!(check(step, "attack control after").actual, "status 401");
}

#[tokio::test]
async fn a_server_that_locks_up_after_the_attacks_fails_the_persistence_control() {
    let url = serve(Behaviour::LocksUp).await;
    let result = run_suite(&jwt_suite("401"), &url).await;
    let step = only_step(&result);
    assert!(check(step, "attack control before").passed);
    assert!(!check(step, "attack control after").passed);
    assert_eq!(step.status, StepStatus::Failed);
}

#[tokio::test]
async fn a_server_error_is_never_a_refusal_even_when_the_expected_status_allows_it() {
    let url = serve(Behaviour::CrashesOnForgeries).await;
    let result = run_suite(&jwt_suite("{ one_of: [401, 500] }"), &url).await;
    let step = only_step(&result);
    let crashed = check(step, "attack jwt null-signature");
    assert!(!crashed.passed);
    assert!(
        crashed
            .actual
            .starts_with("status 500 (a server error is never a refusal)"),
        "{}",
        crashed.actual
    );
    assert!(check(step, "attack control after").passed);
}

#[tokio::test]
async fn a_server_that_accepts_anything_fails_every_variant_each_by_name() {
    let url = serve(Behaviour::AcceptsAnything).await;
    let result = run_suite(&jwt_suite("401"), &url).await;
    let step = only_step(&result);
    let attack_checks: Vec<&str> = step
        .checks
        .iter()
        .filter(|check| check.name.starts_with("attack jwt"))
        .map(|check| check.name.as_str())
        .collect();
    assert_eq!(
        attack_checks,
        [
            "attack jwt alg-none (none)",
            "attack jwt alg-none (None)",
            "attack jwt alg-none (NONE)",
            "attack jwt alg-none (nOnE)",
            "attack jwt null-signature",
        ]
    );
    for name in attack_checks {
        let outcome = check(step, name);
        assert!(!outcome.passed, "{name}");
        assert_eq!(outcome.expected, "refused: status 401");
    }
}

#[tokio::test]
async fn wrong_keys_answered_differently_fail_the_same_answer_check() {
    let url = serve(Behaviour::LeaksKeyLength).await;
    let yaml = "name: keys\nsteps:\n  - name: wrong keys are refused alike\n    request: { url: /me, api_key: the-real-key }\n    attacks:\n      api_key: [wrong, truncated, extended]\n      expect: { status: 403 }\n";
    let result = run_suite(yaml, &url).await;
    let step = only_step(&result);
    assert!(check(step, "attack api-key wrong").passed);
    assert!(check(step, "attack api-key truncated").passed);
    let same = check(step, "attack api-key same answer for every wrong key");
    assert!(!same.passed);
    assert!(
        same.actual.starts_with(
            "api-key wrong: 403; api-key truncated: 403; api-key extended: 403. The bodies: "
        ) && same
            .actual
            .contains("api-key truncated: wrong key of length 11"),
        "{}",
        same.actual
    );
}

#[tokio::test]
async fn wrong_keys_refused_alike_but_for_a_timestamp_and_request_id_pass_the_same_answer_check() {
    let url = serve(Behaviour::StampsItsRefusals).await;
    let yaml = "name: keys\nsteps:\n  - name: wrong keys are refused alike\n    request: { url: /me, api_key: the-real-key }\n    attacks:\n      api_key: [wrong, truncated, extended]\n      expect: { status: 403 }\n";
    let result = run_suite(yaml, &url).await;
    let step = only_step(&result);
    let same = check(step, "attack api-key same answer for every wrong key");
    assert!(same.passed, "{}", same.actual);
}

/// Serves `token` as `{"access_token": ...}` at `/token`.
async fn serve_token(token: String) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let router = Router::new().route(
        "/token",
        get(move || {
            let token = token.clone();
            async move { axum::Json(serde_json::json!({ "access_token": token })) }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url::Url::parse(&format!("http://{address}")).expect("url")
}

fn hs256(claims: serde_json::Value, secret: &str) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("key");
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).expect("signs")
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

const JWT_EXPECT: &str = "name: jwt\nsteps:\n  - name: the token is sound\n    request: { url: /token }\n    expect:\n      jwt:\n        $.access_token: { secret: s3cret, alg: [HS256], skew: 30s }\n";

#[tokio::test]
async fn expect_jwt_passes_a_sound_token_and_lists_every_broken_rule_of_another() {
    let sound = hs256(
        serde_json::json!({ "sub": "alice", "iat": now(), "exp": now() + 600 }),
        "s3cret",
    );
    let result = run_suite(JWT_EXPECT, &serve_token(sound).await).await;
    let outcome = check(only_step(&result), "jwt $.access_token");
    assert!(outcome.passed, "{}", outcome.actual);
    assert_eq!(
        outcome.expected,
        "alg one of HS256; signature verifies with the secret; exp present; exp, nbf, iat within 30s"
    );

    let unsound = hs256(
        serde_json::json!({ "sub": "alice", "iat": now() + 3600, "nbf": now() + 3600 }),
        "another",
    );
    let result = run_suite(JWT_EXPECT, &serve_token(unsound).await).await;
    let outcome = check(only_step(&result), "jwt $.access_token");
    assert!(!outcome.passed);
    assert!(
        outcome
            .actual
            .starts_with("the HS256 signature does not verify with the key; no exp; nbf is 3"),
        "{}",
        outcome.actual
    );
    assert!(outcome.actual.contains("; iat is 3"), "{}", outcome.actual);

    let unsigned = format!(
        "{}.",
        hs256(serde_json::json!({ "exp": now() + 600 }), "s3cret")
            .rsplit_once('.')
            .expect("dots")
            .0
    )
    .replace(
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
        "eyJhbGciOiJub25lIn0",
    );
    let result = run_suite(JWT_EXPECT, &serve_token(unsigned).await).await;
    let outcome = check(only_step(&result), "jwt $.access_token");
    assert_eq!(outcome.actual, "alg `none` is not a signing algorithm");
}

#[tokio::test]
async fn a_race_fails_when_more_requests_succeed_than_allowed_and_passes_otherwise() {
    let yaml = "name: race\nsteps:\n  - name: one use only\n    request: { url: /me }\n    race: { count: 5 }\n";
    let result = run_suite(yaml, &serve(Behaviour::AcceptsAnything).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "5 succeeded (200 ×5)");

    let result = run_suite(yaml, &serve(Behaviour::LocksUp).await).await;
    let step = only_step(&result);
    let outcome = check(step, "race: at most 1 of 5 succeed");
    assert!(outcome.passed, "{}", outcome.actual);
    assert_eq!(outcome.actual, "1 succeeded (200 ×1, 401 ×4)");
    // The step goes on with the one success; every other answer follows it, labelled.
    assert_eq!(step.exchanges.len(), 5);
    assert_eq!(
        step.exchanges[0].response().map(|response| response.status),
        Some(200)
    );
    assert!(step.exchanges[0].label.is_none());
    for exchange in &step.exchanges[1..] {
        let label = exchange.label.as_deref().unwrap_or_default();
        assert!(
            label.starts_with("race answer ") && label.ends_with(" of 5 (refused)"),
            "{label}"
        );
        assert_eq!(
            exchange.response().map(|response| response.status),
            Some(401)
        );
    }
}

#[tokio::test]
async fn a_race_counts_the_status_the_step_expects_as_success() {
    let yaml = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { status: 302 }\n    race: { count: 5 }\n";
    let result = run_suite(yaml, &serve(Behaviour::RedirectsAlways).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(!outcome.passed, "{outcome:?}");
    assert_eq!(outcome.expected, "at most 1 granted answer(s)");
    assert_eq!(outcome.actual, "5 succeeded (302 ×5)");

    let result = run_suite(yaml, &serve(Behaviour::RedirectsOnce).await).await;
    let step = only_step(&result);
    let outcome = check(step, "race: at most 1 of 5 succeed");
    assert!(outcome.passed, "{}", outcome.actual);
    assert_eq!(outcome.actual, "1 succeeded (302 ×1, 400 ×4)");
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);

    // Where the step says the redirect goes, a redirect elsewhere (back to the login) is no grant.
    let to_where = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { status: 302, redirect: { to: /signed-in } }\n    race: { count: 5 }\n";
    let result = run_suite(to_where, &serve(Behaviour::RedirectsOnceThenToLogin).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(outcome.passed, "{}", outcome.actual);
    assert_eq!(outcome.actual, "1 succeeded (302 ×5)");

    // Where only the redirect's target is named, a redirect there is a grant all the same.
    let target_only = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { redirect: { to: /signed-in } }\n    race: { count: 5 }\n";
    let result = run_suite(target_only, &serve(Behaviour::RedirectsAlways).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(!outcome.passed, "{}", outcome.actual);
    assert_eq!(outcome.actual, "5 succeeded (302 ×5)");
}

#[tokio::test]
async fn race_success_says_what_a_grant_is_when_a_2xx_is_not_one() {
    // By default a 200 is a grant: the page saying the link expired counts four times.
    let default = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { status: 302 }\n    race: { count: 5 }\n";
    let result = run_suite(
        default,
        &serve(Behaviour::RedirectsOnceThenExpiredPage).await,
    )
    .await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "5 succeeded (200 ×4, 302 ×1)");

    let described = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { status: 302 }\n    race:\n      count: 5\n      success: { status: 302, redirect: { to: /signed-in } }\n";
    let result = run_suite(
        described,
        &serve(Behaviour::RedirectsOnceThenExpiredPage).await,
    )
    .await;
    let step = only_step(&result);
    let outcome = check(step, "race: at most 1 of 5 succeed");
    assert!(outcome.passed, "{}", outcome.actual);
    assert_eq!(
        outcome.expected,
        "at most 1 granted answer(s) (as race.success describes)"
    );
    assert_eq!(outcome.actual, "1 succeeded (200 ×4, 302 ×1)");
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert_eq!(
        step.exchanges[0].response().map(|response| response.status),
        Some(302),
        "the step goes on with the grant"
    );

    // A link that never expires redirects every time: five grants.
    let result = run_suite(described, &serve(Behaviour::RedirectsAlways).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 5 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "5 succeeded (302 ×5)");

    // Any part of an answer can define the grant: here its body.
    let by_body = "name: race\nsteps:\n  - name: a coupon\n    request: { url: /me }\n    race:\n      count: 4\n      success: { body: { contains: ok } }\n";
    let result = run_suite(by_body, &serve(Behaviour::LocksUp).await).await;
    assert!(check(only_step(&result), "race: at most 1 of 4 succeed").passed);
    let result = run_suite(by_body, &serve(Behaviour::AcceptsAnything).await).await;
    let outcome = check(only_step(&result), "race: at most 1 of 4 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "4 succeeded (200 ×4)");
}

#[tokio::test]
async fn a_race_signs_in_with_its_grant_and_is_not_a_redirect_loop_however_many_it_sends() {
    // The grant's cookie is the identity's for the steps after.
    let yaml = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    expect: { status: 302 }\n    race: { count: 5 }\n  - name: signed in\n    request: { url: /me }\n";
    let result = run_suite(yaml, &serve(Behaviour::RedirectsOnce).await).await;
    let after = &result.suites[0].steps[1];
    assert!(
        after.exchanges[0]
            .request
            .headers
            .iter()
            .any(|(name, value)| name.eq_ignore_ascii_case("cookie")
                && value.contains("session=granted-once")),
        "{:?}",
        after.exchanges[0].request.headers
    );

    // More answers than the redirect limit, with follow_redirects: a race, not a loop.
    let many = "name: race\nsteps:\n  - name: a one-time link\n    request: { url: /me }\n    follow_redirects: true\n    race: { count: 12, success: { status: 302 } }\n";
    let result = run_suite(many, &serve(Behaviour::RedirectsAlways).await).await;
    let step = only_step(&result);
    assert_eq!(step.error, None);
    let outcome = check(step, "race: at most 1 of 12 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "12 succeeded (302 ×12)");
}

#[tokio::test]
async fn a_race_never_counts_a_refusal_as_a_grant_even_when_the_step_expects_one() {
    let yaml = "name: race\nsteps:\n  - name: a used token is refused every time\n    request: { url: /me }\n    expect: { status: 401 }\n    race: { count: 5, max_success: 0 }\n";
    let result = run_suite(yaml, &serve(Behaviour::RefusesEverything).await).await;
    assert!(check(only_step(&result), "race: at most 0 of 5 succeed").passed);
    let result = run_suite(yaml, &serve(Behaviour::AcceptsAnything).await).await;
    let outcome = check(only_step(&result), "race: at most 0 of 5 succeed");
    assert!(!outcome.passed);
    assert_eq!(outcome.actual, "5 succeeded (200 ×5)");
}

#[tokio::test]
async fn expect_jwt_verifies_with_the_jwks_key_the_token_names() {
    let key = authprobe::jwt::RsaSigningKey::generate(1024).expect("a key");
    let jwks = serde_json::json!({ "keys": [key.jwk()] });
    let mut draft = authprobe::jwt::forge::Draft {
        header: serde_json::Map::from_iter([("kid".to_owned(), serde_json::json!(key.kid()))]),
        claims: serde_json::Map::from_iter([("exp".to_owned(), serde_json::json!(now() + 600))]),
        signature: String::new(),
    };
    let token = draft.sign_rs256(&key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let router = Router::new()
        .route(
            "/token",
            get(move || async move { axum::Json(serde_json::json!({ "access_token": token })) }),
        )
        .route("/jwks", get(move || async move { axum::Json(jwks) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let url = url::Url::parse(&format!("http://{address}")).expect("url");
    let yaml = "name: jwks\nsteps:\n  - name: the token verifies\n    request: { url: /token }\n    expect:\n      jwt:\n        $.access_token: { jwks: /jwks, alg: [RS256] }\n        $.missing: { jwks: /nowhere }\n";
    let result = run_suite(yaml, &url).await;
    let step = only_step(&result);
    let verified = check(step, "jwt $.access_token");
    assert!(verified.passed, "{}", verified.actual);
    assert_eq!(
        verified.expected,
        "alg one of RS256; signature verifies with a key of the JWKS; exp present; exp, nbf, iat within 60s"
    );
    assert_eq!(
        check(step, "jwt $.missing").actual,
        "no token (a string) at this path"
    );
}

fn expiry_suite(key: &str) -> String {
    format!(
        "name: attacks\nsteps:\n  - name: stale tokens are refused\n    request: {{ url: /me, bearer: \"{}\" }}\n    attacks:\n      jwt: [expired, alg-none]\n      key: {key}\n",
        signed_jwt(TARGET_KEY, r#"{"sub":"alice","exp":4102444800}"#)
    )
}

#[tokio::test]
async fn an_attack_re_signed_with_the_target_key_catches_a_server_that_ignores_expiry() {
    let url = serve(Behaviour::IgnoresExpiry).await;
    let result = run_suite(&expiry_suite(TARGET_KEY), &url).await;
    let step = only_step(&result);
    assert!(check(step, "attack control key").passed);
    let expired = check(step, "attack jwt expired");
    assert!(!expired.passed);
    assert!(
        expired.actual.contains("Why it matters"),
        "{}",
        expired.actual
    );
    assert!(check(step, "attack jwt alg-none (none)").passed);
}

#[tokio::test]
async fn a_key_the_target_does_not_verify_with_fails_the_key_control_instead_of_passing_quietly() {
    let url = serve(Behaviour::IgnoresExpiry).await;
    let result = run_suite(&expiry_suite("not-the-target-key"), &url).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed);
    let control = check(step, "attack control key");
    assert!(!control.passed);
    assert!(
        control
            .actual
            .starts_with("status 401: the target refuses the token re-signed with `key:`"),
        "{}",
        control.actual
    );
    let expired = check(step, "attack jwt expired");
    assert!(!expired.passed);
    assert!(
        expired.actual.starts_with("not judged"),
        "{}",
        expired.actual
    );
    // The attacks that need no key are judged as ever.
    assert!(check(step, "attack jwt alg-none (none)").passed);
    // The genuine re-signed token is a credential: its signature is among the step's secrets.
    let genuine = signed_jwt("not-the-target-key", r#"{"sub":"alice","exp":4102444800}"#);
    let signature = genuine.rsplit_once('.').expect("three parts").1;
    assert!(step.secrets.iter().any(|secret| secret == signature));
}

#[tokio::test]
async fn forged_tokens_go_without_the_session_cookie_when_the_token_alone_is_taken() {
    let url = serve(Behaviour::SessionOrToken).await;
    let yaml = format!(
        "name: attacks\nsteps:\n  - name: forged tokens are refused\n    request: {{ url: /me, bearer: \"{}\", headers: {{ Cookie: session=valid }} }}\n    attacks:\n      jwt: [alg-none, null-signature]\n      no_credential: true\n",
        sample_jwt()
    );
    let result = run_suite(&yaml, &url).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert!(
        step.exchanges
            .iter()
            .any(|exchange| exchange.label.as_deref()
                == Some("attack control token without cookies"))
    );
}

#[tokio::test]
async fn forged_keys_go_without_the_session_cookie_when_the_key_alone_is_taken_and_are_not_judged_when_the_cookies_let_any_key_in()
 {
    let yaml = "name: attacks\nsteps:\n  - name: forged keys are refused\n    request: { url: /me, api_key: the-real-key, headers: { Cookie: session=valid } }\n    attacks:\n      api_key: [missing, wrong, truncated, extended, case-flipped]\n";
    let result = run_suite(yaml, &serve(Behaviour::SessionOrKey).await).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Passed, "{:#?}", step.checks);
    assert!(
        step.exchanges
            .iter()
            .any(|exchange| exchange.label.as_deref() == Some("attack control key without cookies"))
    );

    let result = run_suite(yaml, &serve(Behaviour::SessionAndAnyKey).await).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed);
    assert!(!check(step, "attack control cookies").passed);
    let forged = check(step, "attack api-key truncated");
    assert!(forged.actual.starts_with("not judged"), "{}", forged.actual);
}

#[tokio::test]
async fn cookies_that_let_any_token_in_leave_the_forged_tokens_not_judged() {
    let url = serve(Behaviour::SessionAndAnyToken).await;
    let yaml = format!(
        "name: attacks\nsteps:\n  - name: forged tokens are refused\n    request: {{ url: /me, bearer: \"{}\", headers: {{ Cookie: session=valid }} }}\n    attacks:\n      jwt: [alg-none]\n",
        sample_jwt()
    );
    let result = run_suite(&yaml, &url).await;
    let step = only_step(&result);
    assert_eq!(step.status, StepStatus::Failed);
    assert!(!check(step, "attack control cookies").passed);
    let forged = check(step, "attack jwt alg-none (none)");
    assert!(!forged.passed);
    assert!(forged.actual.starts_with("not judged"), "{}", forged.actual);
}
