//! A real OpenID Connect client (openidconnect-rs) against the Google stand-in: the honest provider
//! passes every check, and each misbehaving scenario makes the client reject what it should.

use authprobe::mock::{
    ClientAuth, DEFAULT_GOOGLE_CLIENT_ID, DEFAULT_GOOGLE_CLIENT_SECRET, DEFAULT_TENANT,
    GoogleStandIn, PkceOutcome, Scenario,
};
use openidconnect::core::{
    CoreClient, CoreIdTokenClaims, CoreIdTokenVerifier, CoreProviderMetadata, CoreResponseType,
    CoreTokenResponse, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthType, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};

use crate::support::{Browser, GOOGLE_REDIRECT, calls_to, google, google_config, query};

fn http_client() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

async fn discover(
    google: &GoogleStandIn,
    http: &openidconnect::reqwest::Client,
) -> CoreProviderMetadata {
    let issuer = IssuerUrl::new(google.urls().issuer.clone()).expect("issuer url");
    CoreProviderMetadata::discover_async(issuer, http)
        .await
        .expect("discovery succeeds: issuer matches, JWKS loads")
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn client(metadata: CoreProviderMetadata, auth_type: AuthType) -> Client {
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(DEFAULT_GOOGLE_CLIENT_ID.to_owned()),
        Some(ClientSecret::new(DEFAULT_GOOGLE_CLIENT_SECRET.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(GOOGLE_REDIRECT.to_owned()).expect("redirect url"))
    .set_auth_type(auth_type)
}

/// One login up to the token response: authorization URL with PKCE and nonce, the browser's trip
/// through the stand-in, the code exchange.
struct Login {
    http: openidconnect::reqwest::Client,
    client: Client,
    nonce: Nonce,
    tokens: CoreTokenResponse,
}

async fn login(google: &GoogleStandIn, auth_type: AuthType, extra: &[(&str, &str)]) -> Login {
    let http = http_client();
    let client = client(discover(google, &http).await, auth_type);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge);
    for (name, value) in extra {
        request = request.add_extra_param(*name, *value);
    }
    let (url, csrf, nonce) = request.url();
    let location = Browser::new().authorize(url.as_str()).await;
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str()),
        "state is echoed"
    );
    let code = query(&location, "code").expect("a code");
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("a token endpoint")
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code exchange succeeds");
    Login {
        http,
        client,
        nonce,
        tokens,
    }
}

fn verify(login: &Login) -> Result<CoreIdTokenClaims, ClaimsVerificationError> {
    let verifier: CoreIdTokenVerifier = login.client.id_token_verifier();
    let id_token = login
        .tokens
        .id_token()
        .expect("an ID token with the openid scope");
    id_token.claims(&verifier, &login.nonce).cloned()
}

#[tokio::test]
async fn a_full_login_passes_discovery_pkce_nonce_id_token_verification_and_userinfo() {
    // Arrange
    let google = google(google_config(None)).await;

    // Act
    let login = login(&google, AuthType::BasicAuth, &[]).await;
    let claims = verify(&login).expect("the honest ID token verifies");

    // Assert
    assert_eq!(claims.subject().as_str(), "110169484474386276334");
    assert_eq!(
        claims.email().map(|email| email.as_str()),
        Some("alice@example.com")
    );
    assert_eq!(claims.email_verified(), Some(true));
    let verifier = login.client.id_token_verifier();
    let id_token = login.tokens.id_token().expect("id token");
    let expected_hash = AccessTokenHash::from_token(
        login.tokens.access_token(),
        id_token.signing_alg().expect("signed"),
        id_token.signing_key(&verifier).expect("published key"),
    )
    .expect("hashable");
    assert_eq!(
        claims.access_token_hash(),
        Some(&expected_hash),
        "at_hash matches the access token"
    );
    assert_eq!(login.tokens.expires_in().map(|d| d.as_secs()), Some(3599));

    let userinfo: CoreUserInfoClaims = login
        .client
        .user_info(
            login.tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .expect("a userinfo endpoint")
        .request_async(&login.http)
        .await
        .expect("userinfo answers for the same subject");
    assert_eq!(
        userinfo.email().map(|email| email.as_str()),
        Some("alice@example.com")
    );

    let calls = google.calls(DEFAULT_TENANT);
    let token_calls = calls_to(&calls, "google.token");
    assert_eq!(token_calls.len(), 1);
    assert_eq!(token_calls[0].findings.client_auth, Some(ClientAuth::Basic));
    assert_eq!(token_calls[0].findings.pkce, Some(PkceOutcome::Verified));
    assert_eq!(token_calls[0].findings.same_redirect_uri, Some(true));
    assert_eq!(calls_to(&calls, "google.discovery").len(), 1);
    assert_eq!(calls_to(&calls, "google.jwks").len(), 1);
    assert_eq!(calls_to(&calls, "google.userinfo").len(), 1);
}

#[tokio::test]
async fn client_secret_post_is_accepted_and_recorded() {
    let google = google(google_config(None)).await;
    let login = login(&google, AuthType::RequestBody, &[]).await;
    verify(&login).expect("verifies");
    let calls = google.calls(DEFAULT_TENANT);
    assert_eq!(
        calls_to(&calls, "google.token")[0].findings.client_auth,
        Some(ClientAuth::Post)
    );
}

#[tokio::test]
async fn an_offline_login_gets_a_refresh_token_whose_grant_returns_a_new_id_token_without_nonce() {
    let google = google(google_config(None)).await;
    let login = login(&google, AuthType::BasicAuth, &[("access_type", "offline")]).await;
    let refresh = login
        .tokens
        .refresh_token()
        .expect("a refresh token on first consent")
        .clone();

    let refreshed = login
        .client
        .exchange_refresh_token(&refresh)
        .expect("a token endpoint")
        .request_async(&login.http)
        .await
        .expect("the refresh grant succeeds");

    assert!(
        refreshed.refresh_token().is_none(),
        "Google does not rotate refresh tokens"
    );
    assert_ne!(
        refreshed.access_token().secret(),
        login.tokens.access_token().secret()
    );
    let id_token = refreshed.id_token().expect("openid was granted");
    let claims = id_token
        .claims(
            &login.client.id_token_verifier(),
            |_: Option<&Nonce>| Ok(()),
        )
        .expect("verifies");
    assert!(claims.nonce().is_none());
}

#[tokio::test]
async fn a_second_consent_without_prompt_consent_gets_no_refresh_token() {
    let google = google(google_config(None)).await;
    let first = login(&google, AuthType::BasicAuth, &[("access_type", "offline")]).await;
    assert!(first.tokens.refresh_token().is_some());
    let second = login(&google, AuthType::BasicAuth, &[("access_type", "offline")]).await;
    assert!(second.tokens.refresh_token().is_none());
    let forced = login(
        &google,
        AuthType::BasicAuth,
        &[("access_type", "offline"), ("prompt", "consent")],
    )
    .await;
    assert!(forced.tokens.refresh_token().is_some());
}

async fn rejection(scenario: Scenario) -> ClaimsVerificationError {
    let google = google(google_config(Some(scenario))).await;
    let login = login(&google, AuthType::BasicAuth, &[]).await;
    verify(&login).expect_err("the client must reject this ID token")
}

#[tokio::test]
async fn a_token_for_another_audience_is_rejected() {
    assert!(matches!(
        rejection(Scenario::WrongAud).await,
        ClaimsVerificationError::InvalidAudience(_)
    ));
}

#[tokio::test]
async fn a_token_from_another_issuer_is_rejected() {
    assert!(matches!(
        rejection(Scenario::WrongIss).await,
        ClaimsVerificationError::InvalidIssuer(_)
    ));
}

#[tokio::test]
async fn a_token_with_another_nonce_is_rejected() {
    assert!(matches!(
        rejection(Scenario::WrongNonce).await,
        ClaimsVerificationError::InvalidNonce(_)
    ));
}

#[tokio::test]
async fn a_token_without_the_nonce_is_rejected() {
    assert!(matches!(
        rejection(Scenario::MissingNonce).await,
        ClaimsVerificationError::InvalidNonce(_)
    ));
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_rejected() {
    let error = rejection(Scenario::AlgNone).await;
    assert!(
        matches!(
            error,
            ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoSignature)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_token_signed_by_another_key_under_the_published_kid_is_rejected() {
    let error = rejection(Scenario::BadSignature).await;
    assert!(
        matches!(
            error,
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::CryptoError(_)
            )
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    assert!(matches!(
        rejection(Scenario::Expired).await,
        ClaimsVerificationError::Expired(_)
    ));
}

#[tokio::test]
async fn a_token_signed_by_an_unpublished_key_is_rejected() {
    let error = rejection(Scenario::UnknownKid).await;
    assert!(
        matches!(
            error,
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey
            )
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn after_key_rotation_a_cached_jwks_fails_and_a_fresh_one_verifies() {
    // Arrange: discovery (and its JWKS) happens before the rotation.
    let google = google(google_config(Some(Scenario::KeyRotation))).await;
    let login = login(&google, AuthType::BasicAuth, &[]).await;

    // Act + Assert: the cached key set does not know the new kid.
    let error = verify(&login).expect_err("the cached JWKS predates the new key");
    assert!(
        matches!(
            error,
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey
            )
        ),
        "{error:?}"
    );

    // A client that fetches the key set again finds the new key.
    let fresh = client(discover(&google, &login.http).await, AuthType::BasicAuth);
    let id_token = login.tokens.id_token().expect("id token");
    id_token
        .claims(&fresh.id_token_verifier(), &login.nonce)
        .expect("the rotated key is published now");
}

#[tokio::test]
async fn a_denied_consent_redirects_with_access_denied_and_no_code() {
    let google = google(google_config(Some(Scenario::DenyConsent))).await;
    let http = http_client();
    let client = client(discover(&google, &http).await, AuthType::BasicAuth);
    let (url, csrf, _) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();

    let location = Browser::new().authorize(url.as_str()).await;

    assert_eq!(query(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    assert_eq!(query(&location, "code"), None);
    assert!(location.as_str().starts_with(GOOGLE_REDIRECT));
}

#[tokio::test]
async fn invalid_grant_makes_the_code_exchange_fail_with_the_servers_error() {
    let google = google(google_config(Some(Scenario::InvalidGrant))).await;
    let http = http_client();
    let client = client(discover(&google, &http).await, AuthType::BasicAuth);
    let (url, _, _) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();
    let code = Browser::new().code(url.as_str()).await;

    let error = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .request_async(&http)
        .await
        .expect_err("invalid_grant");

    match error {
        openidconnect::RequestTokenError::ServerResponse(response) => {
            assert_eq!(response.error().as_ref(), "invalid_grant");
            assert_eq!(
                response.error_description().map(String::as_str),
                Some("Bad Request")
            );
        }
        other => panic!("expected the server's error, got {other:?}"),
    }
}
