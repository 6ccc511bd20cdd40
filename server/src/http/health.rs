//! `/healthz` (the process answers) and `/readyz` (it can do its job).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::provisioning::preflight::PreflightStatus;
use serde_json::json;

use super::AppState;

/// Liveness: the process answers; no dependencies are checked.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn live() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 while the database answers and the controller preflight passes; 503
/// with a JSON reason otherwise.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, description = "not ready, with the reason")))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let database = match tokio::time::timeout(Duration::from_secs(2), domain::db::ping(&state.services.db)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Err("database unreachable")
        }
        Err(_) => Err("database did not answer within 2 s"),
    };
    let controller = match state.services.provisioning.status() {
        PreflightStatus::Passed { .. } => Ok(()),
        PreflightStatus::NotRun => Err("controller preflight has not completed yet".to_owned()),
        PreflightStatus::Failed { reason, .. } => Err(format!("controller preflight failed: {reason}")),
    };
    let checks = json!({
        "database": database.err().unwrap_or("ok"),
        "controller": controller.as_ref().err().map(String::as_str).unwrap_or("ok"),
    });
    let reason = database.err().map(str::to_owned).or(controller.err());
    match reason {
        None => (StatusCode::OK, Json(json!({"status": "ready", "checks": checks}))).into_response(),
        Some(reason) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "not_ready", "reason": reason, "checks": checks}))).into_response()
        }
    }
}
