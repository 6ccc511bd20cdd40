//! Turn-up and visibility of a request: `GET /api/v1/requests/{id}/turn-up` and
//! `…/filtered-routes` (the member's own), and the same under `/api/v1/admin/requests`
//! (any request, with why a route server could not be read).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use domain::entities::join_request;
use domain::requests::{self, RequestError};
use domain::sessions::filtered::{read_visible, FilteredError};
use sea_orm::EntityTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::requests::request_id;
use crate::api::session::{Admin, Authenticated};
use crate::http::AppState;

/// Sessions per route server, the node's state and the router configuration (`null`
/// before the member is provisioned and after it left).
#[derive(Serialize, ToSchema)]
pub struct TurnUpBody {
    #[schema(value_type = Option<Object>)]
    pub turn_up: Option<contract::view::TurnUp>,
}

/// One page of the member's filtered routes with the reasons (`rpki_invalid`,
/// `not_in_irr`, …, or `code_<n>`).
#[derive(Serialize, ToSchema)]
pub struct FilteredRoutesBody {
    #[schema(value_type = Object)]
    pub filtered_routes: contract::view::FilteredRoutes,
}

impl From<FilteredError> for ApiError {
    fn from(error: FilteredError) -> Self {
        match error {
            FilteredError::RateLimited(seconds) => {
                ApiError::rate_limited(seconds).with_message("Too many reads of filtered routes. Try again in a minute.")
            }
            FilteredError::NotFound => RequestError::NotFound.into(),
            FilteredError::Database(e) => e.into(),
        }
    }
}

/// `?page=N` (from 1); anything else is refused.
fn page(query: &HashMap<String, String>) -> Result<u64, ApiError> {
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "page") {
        return Err(ApiError::validation(format!("unknown query parameter '{unknown}'")).detail("field", unknown.clone()));
    }
    match query.get("page").map(|p| p.trim()).filter(|p| !p.is_empty()) {
        None => Ok(1),
        Some(p) => p
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| ApiError::validation("page must be a whole number from 1 to 100000").detail("field", "page")),
    }
}

async fn turn_up(state: &AppState, request: &join_request::Model, admin: bool) -> ApiResult<Data<TurnUpBody>> {
    Ok(Data::new(TurnUpBody { turn_up: domain::sessions::view::of_request(&state.services, request, admin).await? }))
}

/// The turn-up of one of the caller's requests.
#[utoipa::path(get, path = "/api/v1/requests/{id}/turn-up", tag = "requests", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<TurnUpBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn member(State(state): State<AppState>, auth: Authenticated, Path(id): Path<String>) -> ApiResult<Data<TurnUpBody>> {
    let id = request_id(&id)?;
    let record = requests::find_for_user(&state.services.db, auth.session.user.id, id).await?.ok_or(RequestError::NotFound)?;
    turn_up(&state, &record.request, false).await
}

/// Any request's turn-up, with why an unreadable route server could not be read.
#[utoipa::path(get, path = "/api/v1/admin/requests/{id}/turn-up", tag = "admin", params(("id" = String, Path, format = Uuid)),
    responses((status = 200, body = Data<TurnUpBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn show(State(state): State<AppState>, _admin: Admin, Path(id): Path<String>) -> ApiResult<Data<TurnUpBody>> {
    let request = join_request::Entity::find_by_id(request_id(&id)?).one(&state.services.db).await?.ok_or(RequestError::NotFound)?;
    turn_up(&state, &request, true).await
}

/// The filtered routes of one of the caller's requests, read live from every route
/// server (rate limited per person; pages reuse a read for a minute).
#[utoipa::path(get, path = "/api/v1/requests/{id}/filtered-routes", tag = "requests",
    params(("id" = String, Path, format = Uuid), ("page" = Option<u64>, Query, minimum = 1, maximum = 100000)),
    responses((status = 200, body = Data<FilteredRoutesBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn member_filtered(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Data<FilteredRoutesBody>> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    let (id, page) = (request_id(&id)?, page(&query)?);
    let routes = read_visible(&state.services, auth.session.user.id, false, id, page).await?;
    Ok(Data::new(FilteredRoutesBody { filtered_routes: routes }))
}

/// Any member's filtered routes.
#[utoipa::path(get, path = "/api/v1/admin/requests/{id}/filtered-routes", tag = "admin",
    params(("id" = String, Path, format = Uuid), ("page" = Option<u64>, Query, minimum = 1, maximum = 100000)),
    responses((status = 200, body = Data<FilteredRoutesBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn admin_filtered(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Data<FilteredRoutesBody>> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    let (id, page) = (request_id(&id)?, page(&query)?);
    let routes = read_visible(&state.services, admin.session.user.id, true, id, page).await?;
    Ok(Data::new(FilteredRoutesBody { filtered_routes: routes }))
}
