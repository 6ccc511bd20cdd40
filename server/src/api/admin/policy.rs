//! The route-server policy of a request: `GET /api/v1/requests/{id}/route-policy` (the
//! member's own), `GET | PUT /api/v1/admin/requests/{id}/route-policy` (any; admins set
//! per-request max-prefix limits and the AS-SET over what PeeringDB says).

use axum::extract::{Path, State};
use domain::audit::Actor;
use domain::entities::join_request;
use domain::policy::{self, OverrideError, Overrides};
use domain::requests::{self, RequestError};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data};
use crate::api::requests::request_id;
use crate::api::session::{Admin, Authenticated};
use crate::http::AppState;

/// What the route servers apply to the member, and where each value came from
/// (`override`, `peeringdb` or `default`).
#[derive(Serialize, ToSchema)]
pub struct RoutePolicyBody {
    #[schema(value_type = Object)]
    pub route_policy: contract::view::RoutePolicy,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    /// 1…10000000, or null for PeeringDB's value (within the exchange's floor and ceiling).
    max_prefixes_v4: Option<u32>,
    max_prefixes_v6: Option<u32>,
    /// AS-SET names (`AS-FOO`, `RIPE::AS-FOO`, `AS65001:AS-BAR`) or `AS<n>`, separated by
    /// spaces; null for PeeringDB's `irr_as_set`.
    irr_as_set: Option<String>,
}

impl From<OverrideError> for ApiError {
    fn from(error: OverrideError) -> Self {
        match error {
            OverrideError::Invalid(message) => ApiError::validation(message),
            OverrideError::NotFound => RequestError::NotFound.into(),
            OverrideError::Database(e) => e.into(),
        }
    }
}

async fn body(state: &AppState, request: &join_request::Model, admin: bool) -> ApiResult<Data<RoutePolicyBody>> {
    Ok(Data::new(RoutePolicyBody { route_policy: policy::view(&state.services, request, admin).await? }))
}

async fn find(state: &AppState, id: &str) -> ApiResult<join_request::Model> {
    Ok(join_request::Entity::find_by_id(request_id(id)?).one(&state.services.db).await?.ok_or(RequestError::NotFound)?)
}

/// The route-server policy of one of the caller's requests.
#[utoipa::path(get, path = "/api/v1/requests/{id}/route-policy", tag = "requests", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RoutePolicyBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn member(State(state): State<AppState>, auth: Authenticated, Path(id): Path<String>) -> ApiResult<Data<RoutePolicyBody>> {
    let id = request_id(&id)?;
    let record = requests::find_for_user(&state.services.db, auth.session.user.id, id).await?.ok_or(RequestError::NotFound)?;
    body(&state, &record.request, false).await
}

/// Any request's route-server policy, with fetch and expansion errors and the overrides.
#[utoipa::path(get, path = "/api/v1/admin/requests/{id}/route-policy", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<RoutePolicyBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn show(State(state): State<AppState>, _admin: Admin, Path(id): Path<String>) -> ApiResult<Data<RoutePolicyBody>> {
    let request = find(&state, &id).await?;
    body(&state, &request, true).await
}

/// Sets the request's overrides (all null: back to PeeringDB and the defaults). An active
/// or suspended member's peer file is pushed again.
#[utoipa::path(put, path = "/api/v1/admin/requests/{id}/route-policy", tag = "admin", params(("id" = String, Path, format = Uuid)),
    request_body = OverrideBody,
    responses((status = 200, body = Data<RoutePolicyBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn set(State(state): State<AppState>, Admin(admin): Admin, Path(id): Path<String>, ApiJson(input): ApiJson<OverrideBody>) -> ApiResult<Data<RoutePolicyBody>> {
    let id = request_id(&id)?;
    let overrides = Overrides { max_prefixes_v4: input.max_prefixes_v4, max_prefixes_v6: input.max_prefixes_v6, irr_as_set: input.irr_as_set };
    policy::set_overrides(&state.services, Actor::User(admin.session.user.id), id, overrides).await?;
    let request = find(&state, &id.to_string()).await?;
    body(&state, &request, true).await
}
