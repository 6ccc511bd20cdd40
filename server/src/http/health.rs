//! `/healthz` (the process answers) and `/readyz` (it can do its job).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::AppState;

/// Liveness: no dependencies are checked.
pub async fn live() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: the database answers within two seconds.
pub async fn ready(State(state): State<AppState>) -> Response {
    let database = match tokio::time::timeout(Duration::from_secs(2), domain::db::ping(&state.services.db)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Err("database unreachable")
        }
        Err(_) => Err("database did not answer within 2 s"),
    };
    match database {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready", "checks": {"database": "ok"}}))).into_response(),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "not_ready", "reason": reason, "checks": {"database": reason}})),
        )
            .into_response(),
    }
}
