//! Cross-site request forgery protection (SPEC §4): a state-changing request whose
//! `Origin` is another origin than `PUBLIC_BASE_URL`, or whose `Sec-Fetch-Site` says it
//! came from another site, is refused before any handler runs. Requests with neither
//! header (scripts, curl) pass: they carry no ambient browser credentials; nor does a
//! request with an API token and no cookie, so it passes too.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;

fn changes_state(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// Why the request looks cross-site, if it does.
pub fn refusal(method: &Method, headers: &HeaderMap, public_origin: &str) -> Option<&'static str> {
    if !changes_state(method) {
        return None;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        if origin.to_str().map(|o| o.trim_end_matches('/') != public_origin).unwrap_or(true) {
            return Some("the Origin header names another site");
        }
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        if matches!(site.to_str().unwrap_or("cross-site"), "cross-site" | "same-site") {
            return Some("the browser reports a cross-site request");
        }
    }
    None
}

/// An API token and no cookie: nothing a browser adds on its own.
fn token_only(headers: &HeaderMap) -> bool {
    crate::api::session::bearer(headers).is_some() && !headers.contains_key(header::COOKIE)
}

pub async fn protect(State(public_origin): State<String>, request: Request, next: Next) -> Response {
    if token_only(request.headers()) {
        return next.run(request).await;
    }
    if let Some(reason) = refusal(request.method(), request.headers(), &public_origin) {
        tracing::warn!(reason, "cross-site request refused");
        return ApiError::new(contract::ErrorCode::CsrfFailed, "This request came from another site and was refused.")
            .detail("reason", reason)
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const ORIGIN: &str = "https://ix.example.net";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_and_same_origin_writes_pass() {
        assert!(refusal(&Method::GET, &headers(&[("origin", "https://evil.example")]), ORIGIN).is_none());
        assert!(refusal(&Method::POST, &headers(&[("origin", ORIGIN), ("sec-fetch-site", "same-origin")]), ORIGIN).is_none());
        assert!(refusal(&Method::POST, &headers(&[("sec-fetch-site", "none")]), ORIGIN).is_none());
        assert!(refusal(&Method::POST, &headers(&[]), ORIGIN).is_none(), "non-browser clients pass");
    }

    #[test]
    fn a_token_without_cookies_is_not_a_browser_credential() {
        assert!(token_only(&headers(&[("authorization", "Bearer ztix_abc"), ("origin", "https://evil.example")])));
        assert!(!token_only(&headers(&[("authorization", "Bearer ztix_abc"), ("cookie", "zt_ix_session=x")])));
        assert!(!token_only(&headers(&[("origin", "https://evil.example")])));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(refusal(&method, &headers(&[("origin", "https://evil.example")]), ORIGIN).is_some());
            assert!(refusal(&method, &headers(&[("origin", "null")]), ORIGIN).is_some());
            assert!(refusal(&method, &headers(&[("sec-fetch-site", "cross-site")]), ORIGIN).is_some());
            assert!(refusal(&method, &headers(&[("sec-fetch-site", "same-site")]), ORIGIN).is_some());
            assert!(refusal(&method, &headers(&[("origin", "https://ix.example.net:8443")]), ORIGIN).is_some());
        }
    }
}
