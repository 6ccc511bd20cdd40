//! The correlation id of the work in progress (an HTTP request id, or the join request a
//! worker handles), passed on to upstream APIs as `x-request-id`.

use std::future::Future;

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
