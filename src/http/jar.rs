//! A cookie jar for one identity: stores what responses set, sends back what matches the URL.

use cookie_store::CookieStore;
use url::Url;

#[derive(Debug, Default)]
pub struct CookieJar {
    store: CookieStore,
}

impl CookieJar {
    /// The `Cookie` header value for a request to `url`, if any cookie applies.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        let pairs: Vec<String> = self
            .store
            .get_request_values(url)
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// Stores the cookies of `Set-Cookie` header values received from `url`.
    pub fn store<'a>(&mut self, set_cookie_values: impl Iterator<Item = &'a str>, url: &Url) {
        let cookies =
            set_cookie_values.filter_map(|value| cookie::Cookie::parse(value.to_owned()).ok());
        self.store.store_response_cookies(cookies, url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_go_back_to_matching_paths_only() {
        let mut jar = CookieJar::default();
        let origin = Url::parse("http://127.0.0.1:8080/login").expect("url");
        jar.store(
            ["session=abc; Path=/; HttpOnly", "scoped=1; Path=/admin"].into_iter(),
            &origin,
        );
        let me = Url::parse("http://127.0.0.1:8080/me").expect("url");
        assert_eq!(jar.header_for(&me).as_deref(), Some("session=abc"));
        let admin = Url::parse("http://127.0.0.1:8080/admin/x").expect("url");
        let header = jar.header_for(&admin).expect("cookies");
        assert!(header.contains("session=abc") && header.contains("scoped=1"));
    }

    #[test]
    fn an_expired_cookie_is_removed() {
        let mut jar = CookieJar::default();
        let origin = Url::parse("http://127.0.0.1:8080/").expect("url");
        jar.store(["session=abc; Path=/"].into_iter(), &origin);
        jar.store(["session=; Path=/; Max-Age=0"].into_iter(), &origin);
        assert_eq!(jar.header_for(&origin), None);
    }
}
