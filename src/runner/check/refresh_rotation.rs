//! `check: { refresh_rotation: { url, token } }`: spends one refresh token and judges the family
//! (RFC 9700 §4.14.2; RFC 6749 §6):
//!
//! 1. refreshing with the token is answered with a new refresh token;
//! 2. the rotated-out token is refused when sent again;
//! 3. that reuse revoked the family: the newest token is refused too.

use serde_json::Value;

use super::{Answer, Sequence};
use crate::http::OutgoingRequest;
use crate::suite::RefreshRotationCheck;

const ISSUED: &str = "refresh_rotation: a new refresh token is issued";
const OLD_REFUSED: &str = "refresh_rotation: the rotated-out token is refused";
const FAMILY_REVOKED: &str = "refresh_rotation: reuse revokes the family, newest token included";

const ISSUED_EXPECTED: &str = "2xx with a refresh token different from the one sent";
const REFUSED_EXPECTED: &str = "refused (3xx or 4xx)";

pub(super) async fn run(
    sequence: &mut Sequence<'_, '_>,
    spec: &RefreshRotationCheck,
) -> Result<(), String> {
    let original = sequence.render(&spec.token, "check.refresh_rotation.token")?;
    let first = refresh(sequence, spec, &original).await?;
    let rotated = first
        .json
        .as_ref()
        .and_then(|json| json.get(&spec.field))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (issued, actual) = match (&rotated, first.succeeded()) {
        (Some(rotated), true) if *rotated != original => (true, first.describe() + ", new token"),
        (Some(_), true) => (false, first.describe() + ", the same token back"),
        (None, true) => (
            false,
            format!("{}, no `{}` in the JSON body", first.describe(), spec.field),
        ),
        (_, false) => (false, first.describe()),
    };
    sequence.verdict(ISSUED, issued, ISSUED_EXPECTED, actual);
    if !first.succeeded() {
        let reason = "the first refresh did not succeed";
        sequence.not_reached(OLD_REFUSED, REFUSED_EXPECTED, reason);
        sequence.not_reached(FAMILY_REVOKED, REFUSED_EXPECTED, reason);
        return Ok(());
    }

    let reuse = refresh(sequence, spec, &original).await?;
    sequence.verdict(
        OLD_REFUSED,
        reuse.refused(),
        REFUSED_EXPECTED,
        reuse.describe(),
    );

    match rotated.filter(|rotated| *rotated != original) {
        Some(newest) => {
            let after = refresh(sequence, spec, &newest).await?;
            sequence.verdict(
                FAMILY_REVOKED,
                after.refused(),
                REFUSED_EXPECTED,
                after.describe(),
            );
        }
        None => sequence.not_reached(
            FAMILY_REVOKED,
            REFUSED_EXPECTED,
            "no new refresh token was issued",
        ),
    }
    Ok(())
}

/// POSTs `token` to the refresh endpoint in the body field the check names, with the check's
/// other fields and headers.
async fn refresh(
    sequence: &mut Sequence<'_, '_>,
    spec: &RefreshRotationCheck,
    token: &str,
) -> Result<Answer, String> {
    let url = sequence.render(&spec.url, "check.refresh_rotation.url")?;
    let mut fields = Vec::with_capacity(spec.fields.len() + 1);
    for (name, value) in &spec.fields {
        fields.push((
            name.clone(),
            sequence.render(value, "check.refresh_rotation.fields")?,
        ));
    }
    fields.push((spec.field.clone(), token.to_owned()));
    let (content_type, body) = if spec.form {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            body.append_pair(name, value);
        }
        ("application/x-www-form-urlencoded", body.finish())
    } else {
        let object: serde_json::Map<String, Value> = fields
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect();
        ("application/json", Value::Object(object).to_string())
    };
    let mut headers = Vec::with_capacity(spec.headers.len() + 1);
    for (name, value) in &spec.headers {
        headers.push((
            name.clone(),
            sequence.render(value, "check.refresh_rotation.headers")?,
        ));
    }
    // The check's own content type unless the suite gives one.
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        headers.insert(0, ("Content-Type".to_owned(), content_type.to_owned()));
    }
    let request = OutgoingRequest {
        method: reqwest::Method::POST,
        url: super::super::request::resolve(&url, sequence.state)?,
        headers,
        body: Some(body),
        timeout: sequence
            .step
            .timeout
            .unwrap_or(sequence.state.options.timeout),
    };
    Ok(sequence.send(request).await)
}
