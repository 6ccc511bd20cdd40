//! `/healthz` (the process answers) and `/readyz` (it can do its job).

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
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

/// Whether the caller may read why the portal is not ready: the reasons name internal
/// hosts and settings. Operators send the metrics token; admins are logged in.
async fn may_read_reasons(state: &AppState, headers: &HeaderMap) -> bool {
    if super::metrics::bearer_matches(state, headers) {
        return true;
    }
    matches!(
        app::server::web::session(&state.services, headers, &http::Extensions::new()).await,
        Ok(Some(session)) if session.user.is_admin
    )
}

/// Readiness: 200 while the database answers and the controller preflight passes; 503
/// otherwise. The reasons are given to operators (the metrics token) and admins only.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"),
        (status = 503, description = "not ready; with the metrics token (`Authorization: Bearer`) or an admin session, the reason")))]
pub async fn ready(State(state): State<AppState>, headers: HeaderMap) -> Response {
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
    let detailed = may_read_reasons(&state, &headers).await;
    match (reason, detailed) {
        (None, true) => (StatusCode::OK, Json(json!({"status": "ready", "checks": checks}))).into_response(),
        (None, false) => (StatusCode::OK, Json(json!({"status": "ready"}))).into_response(),
        (Some(reason), true) => {
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "not_ready", "reason": reason, "checks": checks}))).into_response()
        }
        (Some(_), false) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "not_ready"}))).into_response(),
    }
}
