//! `GET /api/v1/me` and `GET /api/v1/asns`

use axum::extract::State;
use domain::identity::users;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiResult, ErrorEnvelope};
use super::json::Data;
use super::session::Authenticated;
use super::views::{asn_views, AsnView, UserView};
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct MeBody {
    pub user: UserView,
    pub asns: Vec<AsnView>,
}

#[derive(Serialize, ToSchema)]
pub struct AsnsBody {
    pub asns: Vec<AsnView>,
}

/// Who is logged in, and the ASNs they may represent.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity",
    responses((status = 200, body = Data<MeBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn me(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<MeBody>> {
    let user = &auth.session.user;
    let asns = users::asns(&state.services.db, user.id).await?;
    Ok(Data::new(MeBody { user: UserView::from(user), asns: asn_views(&asns) }))
}

/// The ASNs the logged-in user may represent.
#[utoipa::path(get, path = "/api/v1/asns", tag = "identity",
    responses((status = 200, body = Data<AsnsBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn asns(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<AsnsBody>> {
    let asns = users::asns(&state.services.db, auth.session.user.id).await?;
    Ok(Data::new(AsnsBody { asns: asn_views(&asns) }))
}
