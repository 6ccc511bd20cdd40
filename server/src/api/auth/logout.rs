//! `POST /api/v1/auth/logout`

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Response};
use app::server::web::Cookies;
use domain::identity;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, NoFields};
use crate::api::session::Authenticated;
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct LoggedOutBody {
    pub logged_out: bool,
}

/// End the session (the cookie is cleared and the session deleted on the server).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 200, body = Data<LoggedOutBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn logout(State(state): State<AppState>, auth: Authenticated, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Response> {
    identity::logout(&state.services, &auth.session, &auth.token).await?;
    let clear = Cookies::new(&state.services.identity).clear_session();
    Ok((AppendHeaders([(SET_COOKIE, clear)]), Data::new(LoggedOutBody { logged_out: true })).into_response())
}
