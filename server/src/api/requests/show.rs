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
