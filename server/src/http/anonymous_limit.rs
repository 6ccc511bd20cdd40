//! Requests anyone can send that make the portal write or work (a PeeringDB login
//! started or completed, a set-password link used, a two-factor code tried) are rate limited per client address, so one client cannot fill the login
//! state table or keep the provider busy. Over the limit: `429 rate_limited` with
//! `Retry-After`. Each process keeps its own counts (a GCRA per address).

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::identity::limit::PerKey;
use domain::identity::ClientAddr;
use http::{HeaderValue, Method, StatusCode};

use crate::api::error::ApiError;

/// The anonymous routes that write: (method, path).
const LIMITED: [(Method, &str); 9] = [
    (Method::POST, "/api/v1/auth/peeringdb/start"),
    (Method::POST, "/api/v1/auth/peeringdb/callback"),
    (Method::GET, "/auth/peeringdb/login"),
    (Method::GET, "/auth/callback"),
    (Method::POST, "/api/ui/peeringdb-callback"),
    (Method::POST, "/api/v1/auth/password-link"),
    (Method::POST, "/api/ui/set-password"),
    (Method::POST, "/api/v1/auth/local/second-factor"),
    (Method::POST, "/api/ui/login-code"),
];

/// One limiter for the whole site.
#[derive(Clone)]
pub struct AnonymousLimit(Arc<PerKey<IpAddr>>);

impl AnonymousLimit {
    /// `per_minute` requests per client address and minute, all of them at once at most.
    pub fn per_minute(per_minute: u32) -> Self {
        Self(Arc::new(PerKey::per_minute(per_minute)))
    }

    /// `Err(seconds)` when `client` has to wait.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.0.check(&client)
    }
}

fn is_limited(method: &Method, path: &str) -> bool {
    LIMITED.iter().any(|(m, p)| m == method && *p == path)
}

pub async fn layer(State(limit): State<AnonymousLimit>, request: Request, next: Next) -> Response {
    if !is_limited(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let Some(ClientAddr(client)) = request.extensions().get::<ClientAddr>().copied() else {
        return next.run(request).await;
    };
    match limit.check(client) {
        Ok(()) => next.run(request).await,
        Err(seconds) => {
            if request.uri().path().starts_with("/api/v1/") {
                ApiError::rate_limited(seconds).with_message("Too many login requests from your address. Try again later.").into_response()
            } else {
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, "Too many login requests from your address. Try again in a minute.").into_response();
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    response.headers_mut().insert(http::header::RETRY_AFTER, value);
                }
                response
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_own_budget() {
        let limit = AnonymousLimit::per_minute(3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limit.check(a), Ok(()));
        }
        let wait = limit.check(a).unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert_eq!(limit.check(b), Ok(()));
    }

    #[test]
    fn only_the_anonymous_writes_are_limited() {
        assert!(is_limited(&Method::POST, "/api/v1/auth/peeringdb/start"));
        assert!(is_limited(&Method::GET, "/auth/callback"));
        assert!(!is_limited(&Method::GET, "/api/v1/auth/peeringdb/start"));
        assert!(!is_limited(&Method::POST, "/api/v1/auth/local/login"));
    }
}
