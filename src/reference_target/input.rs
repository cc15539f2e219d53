//! Reading a request body that may be JSON or an HTML form, as `POST /login` and `/refresh` accept
//! both.

use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;

use super::reply::Failure;

/// The string fields of a JSON object or a form body.
#[derive(Debug, Default)]
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The fields of a form body.
    pub fn form(body: &[u8]) -> Fields {
        Fields(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// Parses `body` by its `Content-Type`: JSON, or `application/x-www-form-urlencoded`.
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Fields, Failure> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
                return Err(Failure::bad_request("the body is not a JSON object"));
            };
            let fields = map
                .into_iter()
                .filter_map(|(name, value)| match value {
                    Value::String(text) => Some((name, text)),
                    _ => None,
                })
                .collect();
            Ok(Fields(fields))
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            Ok(Fields::form(body))
        } else {
            Err(Failure {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "send application/json or application/x-www-form-urlencoded".to_owned(),
            })
        }
    }

    /// A required field, or a 400 naming it.
    pub fn require(&self, name: &str) -> Result<&str, Failure> {
        self.get(name)
            .ok_or_else(|| Failure::bad_request(format!("missing field `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("valid"),
        );
        headers
    }

    #[test]
    fn json_and_form_bodies_give_the_same_fields() {
        let json = Fields::parse(
            &headers("application/json"),
            br#"{"username":"alice","n":1}"#,
        )
        .expect("parses");
        let form = Fields::parse(
            &headers("application/x-www-form-urlencoded; charset=utf-8"),
            b"username=alice",
        )
        .expect("parses");
        assert_eq!(json.get("username"), Some("alice"));
        assert_eq!(form.get("username"), Some("alice"));
        assert_eq!(json.get("n"), None);
    }

    #[test]
    fn other_content_types_are_415() {
        let error = Fields::parse(&headers("text/plain"), b"x").expect_err("refused");
        assert_eq!(error.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let error = Fields::parse(&headers("application/json"), b"[1]").expect_err("refused");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }
}
