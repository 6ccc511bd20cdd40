//! `POST /api/v1/requests/{id}/withdraw | leave | replace-node`: what a member does with
//! their own request after filing it.

use axum::extract::{Path, State};
use domain::requests;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{request_id, RequestBody};
use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, NoFields};
use crate::api::session::Authenticated;
use crate::api::views::RequestView;
use crate::http::AppState;

/// `pending | failed → withdrawn`: the operator takes their request back. Any other
/// status answers 409 `invalid_status_transition` with `details.current_status`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/withdraw", tag = "requests", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RequestBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
pub async fn withdraw(State(state): State<AppState>, auth: Authenticated, Path(id): Path<String>, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Data<RequestBody>> {
    let record = requests::withdraw(&state.services, auth.session.user.id, request_id(&id)?).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_member(&record)? }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    /// Optional, at most 2000 characters, kept with the request.
    note: Option<String>,
}

/// `active → offboarding → removed`: the member leaves the exchange (no approval
/// needed). The worker takes the node off the controller and the peer file off every
/// route server; the address stays retired.
#[utoipa::path(post, path = "/api/v1/requests/{id}/leave", tag = "requests", params(("id" = String, Path, format = Uuid)),
    request_body = LeaveBody,
    responses((status = 200, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn leave(State(state): State<AppState>, auth: Authenticated, Path(id): Path<String>, ApiJson(body): ApiJson<LeaveBody>) -> ApiResult<Data<RequestBody>> {
    let record = requests::leave(&state.services, auth.session.user.id, request_id(&id)?, body.note.as_deref()).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_member(&record)? }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceNodeBody {
    /// The new router's ZeroTier node id (10 hex digits, `zerotier-cli info`).
    node_id: String,
}

/// Replaces the node of an active request: the new node gets the same IPv6 address and
/// the old one is taken off the controller; the route-server configuration is
/// unchanged. The node must be free on the network (409 `node_in_use`); a replacement
/// still in progress answers 409 `replacement_in_progress`.
#[utoipa::path(post, path = "/api/v1/requests/{id}/replace-node", tag = "requests", params(("id" = String, Path, format = Uuid)),
    request_body = ReplaceNodeBody,
    responses((status = 200, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn replace_node(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplaceNodeBody>,
) -> ApiResult<Data<RequestBody>> {
    let record = requests::replace_node(&state.services, auth.session.user.id, request_id(&id)?, &body.node_id).await?;
    Ok(Data::new(RequestBody { request: RequestView::for_member(&record)? }))
}
