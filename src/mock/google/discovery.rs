//! `GET /.well-known/openid-configuration`: Google's discovery document with every Google host
//! replaced by the stand-in's base URL.

use serde_json::json;

use super::GoogleUrls;
use crate::mock::http::Reply;

pub(super) fn respond(urls: &GoogleUrls) -> Reply {
    Reply::json(
        200,
        &json!({
            "issuer": urls.issuer,
            "authorization_endpoint": urls.authorize_url,
            "device_authorization_endpoint": format!("{}/device/code", urls.url),
            "token_endpoint": urls.token_url,
            "userinfo_endpoint": urls.userinfo_url,
            "revocation_endpoint": urls.revoke_url,
            "jwks_uri": urls.jwks_url,
            "response_types_supported": [
                "code", "token", "id_token", "code token", "code id_token", "token id_token",
                "code token id_token", "none"
            ],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": [
                "aud", "email", "email_verified", "exp", "family_name", "given_name", "iat", "iss",
                "name", "picture", "sub"
            ],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": [
                "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:jwt-bearer"
            ],
        }),
    )
}
