//! `POST /api/v1/admin/requests/{id}/approve | reject | retry`

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

/// `pending → approved`. A request that is no longer pending answers 409
/// `invalid_status_transition` with its status; one whose requester no longer holds its
/// ASN or may no longer use its network answers 409 `requester_not_eligible` with
/// `details.reason` (`asn_not_held`, `network_not_allowed`, `network_inactive`).
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/approve", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn approve(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(_): ApiJson<NoFields>,
) -> ApiResult<Data<RequestBody>> {
    let record = requests::approve(&state.services, admin.session.user.id, request_id(&id)?).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Shown to the operator; required, at most 2000 characters.
    reject_reason: Option<String>,
}

/// `pending → rejected`, with the reason the operator will read.
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/reject", tag = "admin", params(("id" = String, Path, format = Uuid)),
    request_body = RejectBody,
    responses((status = 200, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn reject(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectBody>,
) -> ApiResult<Data<RequestBody>> {
    let id = request_id(&id)?;
    let record = requests::reject(&state.services, admin.session.user.id, id, body.reject_reason.as_deref()).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}

/// `failed → approved`: provision again. Only a failed request can be retried, and only
/// while its requester is still eligible (409 `requester_not_eligible`, as for approve).
#[utoipa::path(post, path = "/api/v1/admin/requests/{id}/retry", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn retry(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(_): ApiJson<NoFields>,
) -> ApiResult<Data<RequestBody>> {
    let record = requests::retry(&state.services, admin.session.user.id, request_id(&id)?).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_admin(&record)? }))
}
