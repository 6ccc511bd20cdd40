//! What the exchange publishes: the IX-F member export (`GET /participants.json`, also
//! `GET /api/v1/ixf/member-export`; public, the IX-F document itself rather than the
//! API envelope, cached with `ETag` / `Last-Modified`), a member's listing choice
//! (`GET | PUT /api/v1/asns/{asn}/listing`) and the PeeringDB check
//! (`GET /api/v1/admin/peeringdb/netixlan`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::exchange::listing::{self, Listing, ListingError};
use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::json::{ApiJson, Data};
use super::session::{Admin, Authenticated};
use crate::http::AppState;

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is current: `If-None-Match` decides when sent, else
/// `If-Modified-Since` (to the second).
fn not_modified(headers: &HeaderMap, etag: &str, changed_at: DateTime<Utc>) -> bool {
    if let Some(tags) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
        return tags.split(',').any(|t| t.trim() == "*" || bare(t) == bare(etag));
    }
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| changed_at.timestamp() <= since.timestamp())
}

/// The IX-F member export (Euro-IX schema 1.0) of the exchange's active and suspended
/// members.
#[utoipa::path(get, path = "/api/v1/ixf/member-export", tag = "exchange",
    responses((status = 200, description = "The IX-F member list (schema 1.0)", content_type = "application/json"),
        (status = 304, description = "The client's copy (`If-None-Match` / `If-Modified-Since`) is current")))]
pub async fn member_export(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let built = match state.services.published.get(&state.services).await {
        Ok(built) => built,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let etag = format!("W/\"{}\"", built.digest);
    let max_age = state.services.settings.exchange.cache_seconds;
    let mut response = if not_modified(&headers, &etag, built.changed_at) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let export = domain::exchange::ixf::export(&state.services.settings.exchange, &built.list);
        match serde_json::to_vec_pretty(&export) {
            Ok(body) => ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response(),
            Err(e) => return ApiError::internal(e).into_response(),
        }
    };
    let set = response.headers_mut();
    let value = |text: String| HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""));
    set.insert(ETAG, value(etag));
    set.insert(LAST_MODIFIED, value(http_date(built.changed_at)));
    set.insert(CACHE_CONTROL, value(format!("public, max-age={max_age}")));
    // Public data, read by validators and peering tools from other origins.
    set.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// Whether the member's details (name, member since, max-prefix, AS-SET) are listed in
/// the public member list and the IX-F export; `chosen` is false while the exchange's
/// default applies.
#[derive(Serialize, ToSchema)]
pub struct ListingBody {
    #[schema(value_type = Object)]
    pub listing: Listing,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetListingBody {
    /// List the details (true) or only what peers need to find the member (false).
    details: bool,
}

impl From<ListingError> for ApiError {
    fn from(error: ListingError) -> Self {
        match error {
            ListingError::NotHeld => ApiError::new(contract::ErrorCode::AsnNotAuthorized, "You do not represent this ASN."),
            ListingError::Database(e) => e.into(),
        }
    }
}

fn asn(text: &str) -> ApiResult<u32> {
    text.parse::<domain::types::Asn>()
        .map(|a| a.get())
        .map_err(|e| ApiError::validation(e.to_string()).detail("field", "asn"))
}

/// The listing of one of the caller's ASNs (admins: any).
#[utoipa::path(get, path = "/api/v1/asns/{asn}/listing", tag = "identity", params(("asn" = u32, Path)),
    responses((status = 200, body = Data<ListingBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
pub async fn show_listing(State(state): State<AppState>, auth: Authenticated, Path(text): Path<String>) -> ApiResult<Data<ListingBody>> {
    let user = &auth.session.user;
    let listing = listing::get(&state.services, user.id, auth.acts_as_admin(&state).await?, asn(&text)?).await?;
    Ok(Data::new(ListingBody { listing }))
}

/// Chooses whether the ASN's details are listed (audited).
#[utoipa::path(put, path = "/api/v1/asns/{asn}/listing", tag = "identity", params(("asn" = u32, Path)), request_body = SetListingBody,
    responses((status = 200, body = Data<ListingBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
pub async fn set_listing(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(text): Path<String>,
    ApiJson(body): ApiJson<SetListingBody>,
) -> ApiResult<Data<ListingBody>> {
    let user = &auth.session.user;
    let listing = listing::set(&state.services, user.id, auth.acts_as_admin(&state).await?, asn(&text)?, body.details).await?;
    Ok(Data::new(ListingBody { listing }))
}

/// The last comparison of the members' PeeringDB entries with the portal (`null` before
/// the first, or without `peeringdb.ixlan_id`).
#[derive(Serialize, ToSchema)]
pub struct NetixlanBody {
    #[schema(value_type = Option<Object>)]
    pub netixlan_check: Option<contract::view::NetixlanCheck>,
}

/// Every difference between PeeringDB's entries of the exchange LAN and the portal.
#[utoipa::path(get, path = "/api/v1/admin/peeringdb/netixlan", tag = "admin",
    responses((status = 200, body = Data<NetixlanBody>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn netixlan(State(state): State<AppState>, _admin: Admin) -> ApiResult<Data<NetixlanBody>> {
    Ok(Data::new(NetixlanBody { netixlan_check: domain::exchange::netixlan::latest(&state.services, true).await? }))
}
