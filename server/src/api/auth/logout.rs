//! `POST /api/v1/auth/logout`

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Response};
use domain::identity::{self, cookie};
use serde_json::json;

use crate::api::error::ApiResult;
use crate::api::json::{ApiJson, Data, NoFields};
use crate::api::session::Authenticated;
use crate::http::AppState;

pub async fn logout(State(state): State<AppState>, auth: Authenticated, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Response> {
    identity::logout(&state.services, &auth.session, &auth.token).await?;
    let clear = cookie::clear(state.services.identity.secure_cookies);
    Ok((AppendHeaders([(SET_COOKIE, clear)]), Data(json!({"logged_out": true}))).into_response())
}
