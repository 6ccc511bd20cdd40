//! The portal's cookies: the session (`zt_ix_session`) and the short-lived binding of a
//! PeeringDB login to the browser that started it (`zt_ix_login_state`). Both are
//! HttpOnly, SameSite=Lax, Path=/, and Secure in production. Where they are Secure
//! their names carry the `__Host-` prefix, so browsers take them only from this host
//! over https: a sibling subdomain cannot plant a session or login state of its own.

use cookie::time::Duration;
use cookie::{Cookie, SameSite};

use super::sessions::COOKIE_NAME;

/// Holds the `state` of a PeeringDB login; it must match at the callback (stops login CSRF).
pub const LOGIN_STATE_COOKIE: &str = "zt_ix_login_state";

/// The session cookie's name: `__Host-zt_ix_session` where cookies are Secure.
pub fn session_name(secure: bool) -> &'static str {
    if secure {
        "__Host-zt_ix_session"
    } else {
        COOKIE_NAME
    }
}

/// The login state cookie's name: `__Host-zt_ix_login_state` where cookies are Secure.
pub fn login_state_name(secure: bool) -> &'static str {
    if secure {
        "__Host-zt_ix_login_state"
    } else {
        LOGIN_STATE_COOKIE
    }
}

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
    build(session_name(secure), token, secure, max_age_seconds)
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear(secure: bool) -> String {
    build(session_name(secure), "", secure, 0)
}

/// The session token among `Cookie` header values, if any (only under the name this
/// deployment issues).
pub fn token_from<'a>(cookie_headers: impl IntoIterator<Item = &'a str>, secure: bool) -> Option<String> {
    named(cookie_headers, session_name(secure))
}

pub fn set_login_state(state: &str, secure: bool, max_age_seconds: i64) -> String {
    build(login_state_name(secure), state, secure, max_age_seconds)
}

pub fn clear_login_state(secure: bool) -> String {
    build(login_state_name(secure), "", secure, 0)
}

pub fn login_state_from<'a>(cookie_headers: impl IntoIterator<Item = &'a str>, secure: bool) -> Option<String> {
    named(cookie_headers, login_state_name(secure))
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
        let production = set("abc", true, 3600);
        assert!(production.starts_with("__Host-zt_ix_session=abc"), "{production}");
        assert!(production.contains("Secure") && production.contains("Path=/") && !production.contains("Domain"), "{production}");
        assert!(clear(true).starts_with("__Host-zt_ix_session=;") && clear(true).contains("Max-Age=0"));
        assert!(set_login_state("s", true, 60).starts_with("__Host-zt_ix_login_state=s"));
        assert!(set_login_state("s", false, 60).starts_with("zt_ix_login_state=s"));
    }

    #[test]
    fn a_production_portal_ignores_cookies_without_the_host_prefix() {
        // A sibling subdomain can set `zt_ix_session` for the parent domain, never `__Host-…`.
        assert_eq!(token_from(["zt_ix_session=planted"], true), None);
        assert_eq!(token_from(["zt_ix_session=planted; __Host-zt_ix_session=real"], true).as_deref(), Some("real"));
        assert_eq!(login_state_from(["zt_ix_login_state=planted"], true), None);
        assert_eq!(token_from(["__Host-zt_ix_session=x"], false), None);
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        assert_eq!(token_from(["a=1; zt_ix_session=tok; b=2"], false).as_deref(), Some("tok"));
        assert_eq!(token_from(["a=1", "zt_ix_session=tok2"], false).as_deref(), Some("tok2"));
        assert_eq!(token_from(["zt_ix_session="], false), None);
        assert_eq!(token_from(["other=1"], false), None);
    }
}
