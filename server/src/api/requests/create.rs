//! `POST /api/v1/requests`

use axum::extract::State;
use axum::http::StatusCode;
use domain::requests::{self, NewRequest};
use serde::Deserialize;
use utoipa::ToSchema;

use super::RequestBody;
use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, DataWithStatus};
use crate::api::session::Authenticated;
use crate::api::views::RequestView;
use crate::http::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// 1..4294967295, one of the caller's ASNs.
    asn: i64,
    /// 16 hex digits.
    zt_network_id: String,
    /// 10 hex digits (upper case accepted); not `0000000000`, not starting with `ff`.
    node_id: Option<String>,
    /// At most 2000 characters.
    notes: Option<String>,
}

/// Ask to join an exchange network. A node id belongs to one member: when any other live
/// request or membership on the network holds it, the answer is 409 `node_in_use` (naming
/// the existing request only when it is the caller's own); the same ASN, network and node
/// twice is 409 `duplicate_active_request`. `node_id` is left out (or null) for no node yet.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = CreateBody,
    responses((status = 201, body = Data<RequestBody>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<DataWithStatus<RequestBody>> {
    let input = NewRequest { asn: body.asn, zt_network_id: body.zt_network_id, node_id: body.node_id, notes: body.notes };
    let created = requests::create(&state.services, &auth.session.user, input).await?;
    let record = requests::find_for_user(&state.services.db, auth.session.user.id, created.id)
        .await?
        .ok_or(requests::RequestError::NotFound)?;
    Ok(DataWithStatus(StatusCode::CREATED, RequestBody { request: RequestView::for_member(&record)? }))
}
