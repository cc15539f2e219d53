//! `GET /oauth2/v3/certs`: the public keys ID tokens are signed with. The current key always; the
//! rotated key once a suite's `key-rotation` scenario has started signing with it. The rogue key of
//! `bad-signature` and `unknown-kid` is never published.

use serde_json::{Value, json};

use super::state::GoogleState;
use crate::mock::http::Reply;
use crate::mock::keys::{self, KeyRole};

pub(super) fn respond(state: &GoogleState) -> Reply {
    let mut published: Vec<Value> = Vec::with_capacity(2);
    if state.any_rotated() {
        published.extend(keys::get(KeyRole::Next).map(|key| key.jwk()));
    }
    published.extend(keys::get(KeyRole::Current).map(|key| key.jwk()));
    Reply::json(200, &json!({ "keys": published }))
}
