//! The correlation id of the work in progress (an HTTP request id, or the join request a
//! worker handles), passed on to upstream APIs as `x-request-id`; the ids upstreams
//! answer with are logged beside ours, so one grep finds both sides of a call.

use std::future::Future;

/// The header both directions use.
pub const HEADER: &str = "x-request-id";

/// Headers upstreams are known to answer with their own id in.
const UPSTREAM_HEADERS: [&str; 3] = ["x-request-id", "x-correlation-id", "x-amzn-requestid"];

tokio::task_local! {
    static CORRELATION_ID: String;
}

/// The id of the current task, if it runs inside `scope`.
pub fn current() -> Option<String> {
    CORRELATION_ID.try_with(Clone::clone).ok()
}

/// Runs `future` with `id` as its correlation id.
pub async fn scope<F: Future>(id: String, future: F) -> F::Output {
    CORRELATION_ID.scope(id, future).await
}

/// The id an upstream gave its answer, if it gave one.
pub fn upstream_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    UPSTREAM_HEADERS.iter().find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
}

/// Logs one upstream call with both ids (ours is on the span already).
pub fn record_upstream(service: &'static str, operation: &str, status: u16, headers: &reqwest::header::HeaderMap) {
    tracing::info!(
        upstream = service,
        operation,
        status,
        upstream_request_id = upstream_id(headers).unwrap_or("-"),
        correlation_id = current().as_deref().unwrap_or("-"),
        "upstream call"
    );
}
