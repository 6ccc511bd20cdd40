//! `POST /api/v1/admin/requests/{id}/offboard | suspend | resume | keep`: what admins do
//! with a member.

use axum::extract::{Path, State};
use domain::requests;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, NoFields};
use crate::api::requests::{request_id, RequestBody};
use crate::api::session::Admin;
use crate::api::views::RequestView;
use crate::http::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Required (400 `reason_required`), at most 2000 characters; the member reads it.
    reason: Option<String>,
}

/// `active → offboarding → removed`: an admin removes a member.
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/offboard", tag = "admin", params(("id" = String, Path, format = Uuid)),
    request_body = ReasonBody,
    responses((status = 200, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn offboard(State(state): State<AppState>, Admin(admin): Admin, Path(id): Path<String>, ApiJson(body): ApiJson<ReasonBody>) -> ApiResult<Data<RequestBody>> {
    let record = requests::offboard(&state.services, admin.session.user.id, request_id(&id)?, body.reason.as_deref()).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}

/// `active → suspended`: the node is deauthorized on the controller (its address kept)
/// and its route-server sessions are shut down.
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/suspend", tag = "admin", params(("id" = String, Path, format = Uuid)),
    request_body = ReasonBody,
    responses((status = 200, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn suspend(State(state): State<AppState>, Admin(admin): Admin, Path(id): Path<String>, ApiJson(body): ApiJson<ReasonBody>) -> ApiResult<Data<RequestBody>> {
    let record = requests::suspend(&state.services, admin.session.user.id, request_id(&id)?, body.reason.as_deref()).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}

/// `suspended → active`: the node is authorized again and the sessions come back.
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/resume", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn resume(State(state): State<AppState>, Admin(admin): Admin, Path(id): Path<String>, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Data<RequestBody>> {
    let record = requests::resume(&state.services, admin.session.user.id, request_id(&id)?).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}

/// Keeps a member whose requester no longer holds the ASN: clears the flag (409
/// `affiliation_not_lost` when there is none). Suspending or removing settles it too.
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/keep", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn keep(State(state): State<AppState>, Admin(admin): Admin, Path(id): Path<String>, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Data<RequestBody>> {
    let record = requests::keep(&state.services, admin.session.user.id, request_id(&id)?).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}
