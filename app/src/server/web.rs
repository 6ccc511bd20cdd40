//! The web session, one adapter for every entry point (the page guard, the JSON API and
//! the server functions): the portal's cookies, the client's address, and the caller's
//! session read from a request's headers.
//!
//! The page guard resolves the session of a page request once and leaves it in the
//! request's extensions; the server functions a page render calls read it from there
//! instead of looking it up again.
//!
//! Cookies: the session (`zt_ix_session`) and the short-lived binding of a PeeringDB
//! login to the browser that started it (`zt_ix_login_state`). Both are HttpOnly,
//! SameSite=Lax, Path=/, and Secure in production, where their names carry the `__Host-`
//! prefix: browsers take them only from this host over https, so a sibling subdomain
//! cannot plant a session or a login state of its own.

use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use domain::identity::{sessions, ClientAddr, CurrentSession, IdentityConfig};
use domain::Services;
use http::header::COOKIE;
use http::{Extensions, HeaderMap};

/// The session a page request came with, as the page guard resolved it.
#[derive(Debug, Clone)]
pub struct ResolvedSession(pub Option<CurrentSession>);

const SESSION: (&str, &str) = ("zt_ix_session", "__Host-zt_ix_session");
const LOGIN_STATE: (&str, &str) = ("zt_ix_login_state", "__Host-zt_ix_login_state");
const LOGIN_CHALLENGE: (&str, &str) = ("zt_ix_login_challenge", "__Host-zt_ix_login_challenge");

/// The portal's cookies, named and flagged for this deployment.
#[derive(Debug, Clone, Copy)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn new(identity: &IdentityConfig) -> Self {
        Self { secure: identity.secure_cookies }
    }

    /// The cookie's name: `__Host-` prefixed in production (Secure, no Domain, Path=/).
    fn name(self, (plain, host): (&'static str, &'static str)) -> &'static str {
        if self.secure {
            host
        } else {
            plain
        }
    }

    fn build(self, name: &'static str, value: &str, max_age_seconds: i64) -> String {
        Cookie::build((name, value.to_owned()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/")
            .max_age(Duration::seconds(max_age_seconds))
            .build()
            .to_string()
    }

    fn named(self, headers: &HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name && !c.value().is_empty())
            .map(|c| c.value().to_owned())
    }

    /// `Set-Cookie` value that stores the session `token` for `max_age_seconds`.
    pub fn set_session(self, token: &str, max_age_seconds: i64) -> String {
        self.build(self.name(SESSION), token, max_age_seconds)
    }

    /// `Set-Cookie` value that removes the session cookie.
    pub fn clear_session(self) -> String {
        self.build(self.name(SESSION), "", 0)
    }

    /// The session token among the request's cookies (only under the name this
    /// deployment issues).
    pub fn session_token(self, headers: &HeaderMap) -> Option<String> {
        self.named(headers, self.name(SESSION))
    }

    pub fn set_login_state(self, state: &str, max_age_seconds: i64) -> String {
        self.build(self.name(LOGIN_STATE), state, max_age_seconds)
    }

    pub fn clear_login_state(self) -> String {
        self.build(self.name(LOGIN_STATE), "", 0)
    }

    pub fn login_state(self, headers: &HeaderMap) -> Option<String> {
        self.named(headers, self.name(LOGIN_STATE))
    }

    /// The password step's challenge, carried to the two-factor code step.
    pub fn set_login_challenge(self, challenge: &str, max_age_seconds: i64) -> String {
        self.build(self.name(LOGIN_CHALLENGE), challenge, max_age_seconds)
    }

    pub fn clear_login_challenge(self) -> String {
        self.build(self.name(LOGIN_CHALLENGE), "", 0)
    }

    pub fn login_challenge(self, headers: &HeaderMap) -> Option<String> {
        self.named(headers, self.name(LOGIN_CHALLENGE))
    }
}

/// The client's address as the web tier decided it (the peer, or the client a trusted
/// proxy named), for login throttling and the audit trail.
pub fn client_addr(extensions: &Extensions) -> String {
    extensions.get::<ClientAddr>().map_or_else(|| "unknown".to_owned(), ToString::to_string)
}

/// The caller's live session: the one the page guard resolved, or the one its cookie names.
pub async fn session(services: &Services, headers: &HeaderMap, extensions: &Extensions) -> Result<Option<CurrentSession>, domain::DbErr> {
    if let Some(ResolvedSession(resolved)) = extensions.get::<ResolvedSession>() {
        return Ok(resolved.clone());
    }
    let Some(token) = Cookies::new(&services.identity).session_token(headers) else { return Ok(None) };
    sessions::resolve(&services.db, &services.identity, &services.settings.auth, &token).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(secure: bool) -> Cookies {
        Cookies { secure }
    }

    fn headers(cookie: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.append(COOKIE, cookie.parse().unwrap());
        map
    }

    #[test]
    fn the_cookie_has_the_required_flags() {
        let dev = cookies(false).set_session("abc", 3600);
        assert!(dev.starts_with("zt_ix_session=abc"), "{dev}");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=3600"] {
            assert!(dev.contains(flag), "{flag} missing in {dev}");
        }
        assert!(!dev.contains("Secure"));
        let production = cookies(true).set_session("abc", 3600);
        assert!(production.starts_with("__Host-zt_ix_session=abc"), "{production}");
        assert!(production.contains("Secure") && production.contains("Path=/") && !production.contains("Domain"), "{production}");
        assert!(cookies(true).clear_session().starts_with("__Host-zt_ix_session=;"));
        assert!(cookies(true).clear_session().contains("Max-Age=0"));
        assert!(cookies(true).set_login_state("s", 60).starts_with("__Host-zt_ix_login_state=s"));
        assert!(cookies(false).set_login_state("s", 60).starts_with("zt_ix_login_state=s"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        assert_eq!(cookies(false).session_token(&headers("a=1; zt_ix_session=tok; b=2")).as_deref(), Some("tok"));
        assert_eq!(cookies(false).session_token(&headers("zt_ix_session=")), None);
        assert_eq!(cookies(false).session_token(&headers("other=1")), None);
    }

    #[test]
    fn a_production_portal_ignores_cookies_without_the_host_prefix() {
        // A sibling subdomain can set `zt_ix_session` for the parent domain, never `__Host-…`.
        assert_eq!(cookies(true).session_token(&headers("zt_ix_session=planted")), None);
        assert_eq!(cookies(true).session_token(&headers("zt_ix_session=planted; __Host-zt_ix_session=real")).as_deref(), Some("real"));
        assert_eq!(cookies(true).login_state(&headers("zt_ix_login_state=planted")), None);
        assert_eq!(cookies(false).session_token(&headers("__Host-zt_ix_session=x")), None);
    }
}
