//! `GET /api/v1/admin/requests/{id}`

use axum::extract::{Path, State};
use domain::requests::{self, RequestError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::requests::request_id;
use crate::api::session::Admin;
use crate::api::views::{AuditEventView, RequestView};
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct AdminDetailBody {
    pub request: RequestView,
    /// Oldest first.
    pub audit_events: Vec<AuditEventView>,
}

/// Any request, with its audit trail.
#[utoipa::path(get, path = "/api/v1/admin/requests/{id}", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<AdminDetailBody>), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn show(State(state): State<AppState>, _admin: Admin, Path(id): Path<String>) -> ApiResult<Data<AdminDetailBody>> {
    let id = request_id(&id)?;
    let (record, events) = requests::admin_detail(&state.services.db, id).await?.ok_or(RequestError::NotFound)?;
    Ok(Data::new(AdminDetailBody {
        request: RequestView::for_admin(&record)?,
        audit_events: events.iter().map(AuditEventView::from).collect(),
    }))
}
