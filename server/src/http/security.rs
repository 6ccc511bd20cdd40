//! Headers every answer carries, and the limits every request lives within.
//!
//! Pages get a Content-Security-Policy with a fresh nonce per response: the server
//! renders that nonce into the hydration script (Leptos reads it from the request), so
//! no inline script runs without it and `unsafe-inline` is never needed. The JSON API
//! and files get a policy that allows nothing at all.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderName, HeaderValue, StatusCode};
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

use contract::ErrorCode;

use crate::api::error::ApiError;

/// Longest time a request may take before it is answered with a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest body any route accepts (server functions included); `/api/v1` is stricter.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A policy for documents that are not pages: nothing may load, nothing may frame them.
const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// What the headers depend on.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// `Strict-Transport-Security` (production, where the public URL is https).
    pub hsts: bool,
}

/// The policy of a page rendered with `nonce`.
///
/// `strict-dynamic` lets the nonced hydration script import the bundle it names;
/// `wasm-unsafe-eval` lets that bundle compile its WebAssembly (it evaluates no text).
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The API never renders pages, so its answers need no nonce.
fn may_render_a_page(path: &str) -> bool {
    !path.starts_with("/api/")
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Sets the security headers; pages get a policy with a nonce made for this response.
pub async fn headers(State(settings): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let nonce = may_render_a_page(request.uri().path()).then(|| {
        let nonce = Nonce::new();
        request.extensions_mut().insert(nonce.clone());
        nonce
    });
    let mut response = next.run(request).await;
    let policy = match nonce {
        Some(nonce) if is_html(&response) => page_policy(&nonce),
        _ => LOCKED_DOWN.to_owned(),
    };
    // Pages and API answers can carry a person's data: never stored by browsers or
    // shared caches, unless the handler marked its answer public (the IX-F export).
    // Files (the bundle, the logo) keep their own caching.
    let public = response.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"));
    let personal = (is_html(&response) || api) && !public;
    let headers = response.headers_mut();
    if personal {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // OAuth callbacks carry codes in their query: never hand the URL to another site.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if settings.hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}

/// For the Leptos context: hands the nonce of this response to the renderer, so the
/// hydration script and streamed chunks carry the one the header allows.
pub fn provide_request_nonce() {
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned()) {
        provide_context(nonce);
    }
}

/// Refuses a body whose declared length is over [`MAX_BODY_BYTES`] before anything reads
/// it (in the envelope on the API). Bodies without a length are cut off at the same size
/// by the body limit layer.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        let message = format!("Request bodies are limited to {MAX_BODY_BYTES} bytes.");
        return if request.uri().path().starts_with("/api/v1/") {
            ApiError::new(ErrorCode::PayloadTooLarge, message).into_response()
        } else {
            (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
        };
    }
    next.run(request).await
}

/// Answers requests that take longer than [`REQUEST_TIMEOUT`]: in the envelope on the
/// API, as text elsewhere. The work is dropped (database transactions roll back).
pub async fn timeout(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_secs = REQUEST_TIMEOUT.as_secs(), "request timed out");
            if api {
                ApiError::new(ErrorCode::Timeout, "The request took too long and was stopped; try again.")
                    .into_response()
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "The request took too long and was stopped; try again.").into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_policy;

    #[test]
    fn pages_get_a_nonce_policy_without_unsafe_inline() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
