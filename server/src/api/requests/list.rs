//! `GET /api/v1/requests`

use axum::extract::State;
use domain::requests;

use super::RequestsBody;
use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::session::Authenticated;
use crate::api::views::RequestView;
use crate::http::AppState;

/// The caller's own requests, newest first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    responses((status = 200, body = Data<RequestsBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn list(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<RequestsBody>> {
    let records = requests::list_for_user(&state.services.db, auth.session.user.id).await?;
    Ok(Data::new(RequestsBody { requests: records.iter().map(RequestView::for_member).collect::<Result<_, _>>()? }))
}
