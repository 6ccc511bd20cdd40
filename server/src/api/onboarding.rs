//! `GET /api/v1/onboarding/context`

use axum::extract::State;
use domain::requests;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiResult, ErrorEnvelope};
use super::json::Data;
use super::session::Authenticated;
use super::views::{asn_views, AsnView, NetworkView};
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct Constraints {
    pub has_network_restrictions: bool,
    pub restricted_network_ids: Vec<String>,
    pub submission_allowed: bool,
    /// `no_eligible_asn` or `no_available_network` while submission is not allowed.
    pub blocked_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OnboardingBody {
    pub eligible_asns: Vec<AsnView>,
    pub zt_networks: Vec<NetworkView>,
    pub constraints: Constraints,
}

/// What the logged-in operator may request: their ASNs and the networks open to them.
#[utoipa::path(get, path = "/api/v1/onboarding/context", tag = "requests",
    responses((status = 200, body = Data<OnboardingBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn context(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<OnboardingBody>> {
    let ctx = requests::onboarding_context(&state.services.db, auth.session.user.id).await?;
    Ok(Data::new(OnboardingBody {
        eligible_asns: asn_views(&ctx.eligible_asns),
        zt_networks: ctx.networks.iter().map(NetworkView::from).collect(),
        constraints: Constraints {
            has_network_restrictions: ctx.has_network_restrictions(),
            submission_allowed: ctx.submission_allowed(),
            blocked_reason: ctx.blocked_reason.map(|r| r.as_str().to_owned()),
            restricted_network_ids: ctx.restricted_network_ids,
        },
    }))
}
