//! Request ids: an incoming `x-request-id` is kept when it is sane, otherwise one is
//! generated; it is echoed in the response and recorded on the span every log line of the
//! request belongs to.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http::HeaderName;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Ids from clients are kept only if short and made of safe characters, so they can
/// neither forge log structure nor bloat every line.
fn is_acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

async fn drop_unacceptable_ids(mut request: Request, next: Next) -> Response {
    let acceptable = request
        .headers()
        .get(&HEADER)
        .map(|v| v.to_str().map(is_acceptable).unwrap_or(false));
    if acceptable == Some(false) {
        request.headers_mut().remove(&HEADER);
    }
    next.run(request).await
}

/// Runs the request as a correlation scope, so calls it makes upstream (PeeringDB,
/// ZeroTier) carry the same id.
async fn correlate(request: Request, next: Next) -> Response {
    match request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned) {
        Some(id) => domain::correlation::scope(id, next.run(request)).await,
        None => next.run(request).await,
    }
}

fn span_for(request: &http::Request<Body>) -> Span {
    let id = request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
    // The path only: query strings can carry OAuth codes and state.
    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
}

/// Wraps `router` with id handling and request tracing.
pub fn layer(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(drop_unacceptable_ids))
            .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(span_for)
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(HEADER))
            .layer(middleware::from_fn(correlate)),
    )
}

#[cfg(test)]
mod tests {
    use super::is_acceptable;

    #[test]
    fn sane_ids_are_kept_and_others_replaced() {
        assert!(is_acceptable("3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b"));
        assert!(is_acceptable("lb-01:abc.def_1"));
        for bad in ["", "has space", "new\nline", "{\"json\":1}", &"x".repeat(129)] {
            assert!(!is_acceptable(bad), "{bad:?}");
        }
    }
}
