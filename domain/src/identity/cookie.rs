//! The portal's cookies: the session (`zt_ix_session`) and the short-lived binding of a
//! PeeringDB login to the browser that started it (`zt_ix_login_state`). Both are
//! HttpOnly, SameSite=Lax, Path=/, and Secure in production.

use cookie::time::Duration;
use cookie::{Cookie, SameSite};

use super::sessions::COOKIE_NAME;

/// Holds the `state` of a PeeringDB login; it must match at the callback (stops login CSRF).
pub const LOGIN_STATE_COOKIE: &str = "zt_ix_login_state";

fn build(name: &'static str, value: &str, secure: bool, max_age_seconds: i64) -> String {
    Cookie::build((name, value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(Duration::seconds(max_age_seconds))
        .build()
        .to_string()
}

fn named<'a>(cookie_headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<String> {
    cookie_headers
        .into_iter()
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` value that stores the session `token` for `max_age_seconds`.
pub fn set(token: &str, secure: bool, max_age_seconds: i64) -> String {
    build(COOKIE_NAME, token, secure, max_age_seconds)
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear(secure: bool) -> String {
    build(COOKIE_NAME, "", secure, 0)
}

/// The session token among `Cookie` header values, if any.
pub fn token_from<'a>(cookie_headers: impl IntoIterator<Item = &'a str>) -> Option<String> {
    named(cookie_headers, COOKIE_NAME)
}

pub fn set_login_state(state: &str, secure: bool, max_age_seconds: i64) -> String {
    build(LOGIN_STATE_COOKIE, state, secure, max_age_seconds)
}

pub fn clear_login_state(secure: bool) -> String {
    build(LOGIN_STATE_COOKIE, "", secure, 0)
}

pub fn login_state_from<'a>(cookie_headers: impl IntoIterator<Item = &'a str>) -> Option<String> {
    named(cookie_headers, LOGIN_STATE_COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_the_required_flags() {
        let dev = set("abc", false, 3600);
        assert!(dev.starts_with("zt_ix_session=abc"), "{dev}");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"] {
            assert!(dev.contains(flag), "{flag} missing in {dev}");
        }
        assert!(!dev.contains("Secure"));
        assert!(set("abc", true, 3600).contains("Secure"));
        assert!(clear(true).contains("Max-Age=0"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        assert_eq!(token_from(["a=1; zt_ix_session=tok; b=2"]).as_deref(), Some("tok"));
        assert_eq!(token_from(["a=1", "zt_ix_session=tok2"]).as_deref(), Some("tok2"));
        assert_eq!(token_from(["zt_ix_session="]), None);
        assert_eq!(token_from(["other=1"]), None);
    }
}
