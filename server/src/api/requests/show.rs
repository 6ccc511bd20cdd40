//! `GET /api/v1/requests/{id}`

use axum::extract::{Path, State};
use domain::requests::{self, RequestError};

use super::{request_id, RequestBody};
use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::session::Authenticated;
use crate::api::views::RequestView;
use crate::http::AppState;

/// One of the caller's requests; another operator's request is "not found" too.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn show(State(state): State<AppState>, auth: Authenticated, Path(id): Path<String>) -> ApiResult<Data<RequestBody>> {
    let id = request_id(&id)?;
    let record = requests::find_for_user(&state.services.db, auth.session.user.id, id)
        .await?
        .ok_or(RequestError::NotFound)?;
    Ok(Data::new(RequestBody { request: RequestView::for_member(&record)? }))
}

/// One audit event of a member's own request.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberEventView {
    pub at: String,
    /// The audit action, e.g. `join_request.approved`.
    pub action: String,
    /// `you`, `exchange` (an admin) or `system` (the portal on its own).
    pub actor: &'static str,
    pub from_status: Option<&'static str>,
    pub to_status: Option<&'static str>,
    /// A reason given with a rejection, suspension or removal.
    pub reason: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberEventsBody {
    pub events: Vec<MemberEventView>,
}

/// The audit events of one of the caller's requests, oldest first, as members see them
/// (admins appear as `exchange`; internal details are left out).
#[utoipa::path(get, path = "/api/v1/requests/{id}/events", tag = "requests", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<MemberEventsBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn events(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Data<MemberEventsBody>> {
    use contract::view::{AuditActor, AuditNote};

    let id = request_id(&id)?;
    let detail = domain::views::my_request(&state.services.db, auth.session.user.id, id)
        .await?
        .ok_or(RequestError::NotFound)?;
    let events = detail
        .activity
        .into_iter()
        .map(|line| {
            let actor = match line.actor {
                AuditActor::You => "you",
                AuditActor::System(_) => "system",
                _ => "exchange",
            };
            MemberEventView {
                at: line.at,
                action: line.action_code,
                actor,
                from_status: line.transition.map(|(from, _)| from.as_str()),
                to_status: line.transition.map(|(_, to)| to.as_str()),
                reason: match line.note {
                    Some(AuditNote::Reason(reason)) => Some(reason),
                    _ => None,
                },
            }
        })
        .collect();
    Ok(Data::new(MemberEventsBody { events }))
}
