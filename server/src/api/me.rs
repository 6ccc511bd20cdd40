//! `GET /api/v1/me` and `GET /api/v1/asns`

use axum::extract::State;
use domain::identity::users;
use serde_json::{json, Value};

use super::error::ApiResult;
use super::json::Data;
use super::session::Authenticated;
use super::views::{asn_views, UserView};
use crate::http::AppState;

pub async fn me(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<Value>> {
    let user = &auth.session.user;
    let asns = users::asns(&state.services.db, user.id).await?;
    Ok(Data(json!({"user": UserView::from(user), "asns": asn_views(&asns)})))
}

pub async fn asns(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<Value>> {
    let asns = users::asns(&state.services.db, auth.session.user.id).await?;
    Ok(Data(json!({"asns": asn_views(&asns)})))
}
