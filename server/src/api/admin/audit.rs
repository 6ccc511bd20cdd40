//! `GET /api/v1/admin/audit`: the audit trail searched by actor, action, target and
//! time, newest first, with a keyset cursor; `format=csv` gives the same page as CSV.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::audit_log::{self, QueryInput};
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::session::Admin;
use crate::api::views::AuditEventView;
use crate::http::AppState;

const PARAMETERS: [&str; 8] = ["actor", "action", "target", "from", "to", "limit", "cursor", "format"];

#[derive(Serialize, ToSchema)]
pub struct AuditBody {
    pub events: Vec<AuditEventView>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The audit trail, newest first. `actor` is a username, a user id or `system`; `action`
/// an action or a family ending in `.`; `target` an id or `type:id`; `from` / `to` RFC
/// 3339 times or dates (`to` excluded); `limit` 1 to 1000 (default 100).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin",
    params(("actor" = Option<String>, Query), ("action" = Option<String>, Query), ("target" = Option<String>, Query),
        ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("limit" = Option<u64>, Query, minimum = 1, maximum = 1000),
        ("cursor" = Option<String>, Query), ("format" = Option<String>, Query, description = "`json` (default) or `csv`")),
    responses((status = 200, description = "The page (or CSV with `format=csv`)", content((Data<AuditBody> = "application/json"), (String = "text/csv"))),
        (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn search(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    if let Some(unknown) = query.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(ApiError::validation(format!("unknown parameter '{unknown}'")).detail("field", unknown.as_str()));
    }
    let get = |key: &str| query.get(key).map(String::as_str);
    let input = QueryInput { actor: get("actor"), action: get("action"), target: get("target"), from: get("from"), to: get("to"), limit: get("limit"), cursor: get("cursor") };
    let parsed = audit_log::parse(&state.services.db, input).await?.map_err(|e| ApiError::validation(e.to_string()).detail("field", e.field))?;
    let page = audit_log::search(&state.services.db, &parsed).await?;
    match get("format").unwrap_or("json") {
        "json" | "" => Ok(Data::new(AuditBody {
            events: page.events.iter().map(AuditEventView::from).collect(),
            next_cursor: page.next.map(|c| c.encode()),
        })
        .into_response()),
        "csv" => Ok((
            [(CONTENT_TYPE, "text/csv; charset=utf-8"), (CONTENT_DISPOSITION, "attachment; filename=\"zt-ix-audit.csv\"")],
            audit_log::csv(&page.events),
        )
            .into_response()),
        _ => Err(ApiError::validation("format: json or csv").detail("field", "format")),
    }
}
