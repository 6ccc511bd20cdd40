//! `GET /api/v1/admin/requests`

use std::collections::HashMap;

use axum::extract::{Query, State};
use domain::requests::{self, AdminFilters, AdminQuery, FilterInput};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::session::Admin;
use crate::api::views::RequestView;
use crate::http::AppState;

const PARAMETERS: [&str; 8] = ["status", "asn", "zt_network_id", "min_age_minutes", "flag", "no_session_days", "limit", "offset"];

/// The filters as applied, echoed back.
#[derive(Serialize, ToSchema, Default)]
pub struct FiltersView {
    pub status: Option<String>,
    pub asn: Option<i64>,
    pub zt_network_id: Option<String>,
    pub min_age_minutes: Option<u32>,
    /// `affiliation_lost` when only flagged requests are listed.
    pub flag: Option<String>,
    /// Active members without an established BGP session for this many days.
    pub no_session_days: Option<u32>,
    pub limit: u64,
    pub offset: u64,
}

#[derive(Serialize, ToSchema)]
pub struct AdminListBody {
    /// Every match, not only this page.
    pub request_count: u64,
    pub filters: FiltersView,
    pub requests: Vec<RequestView>,
    /// `null` on the last page.
    pub next_offset: Option<u64>,
}

/// Query parameters, checked strictly: unknown names are refused (a typo would
/// otherwise silently widen the filter); the values by the domain's rules.
fn parse(query: &HashMap<String, String>) -> Result<(AdminQuery, FiltersView), ApiError> {
    if let Some(unknown) = query.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(ApiError::validation(format!("unknown query parameter '{unknown}'")).detail("field", unknown.clone()));
    }
    let value = |name: &str| query.get(name).map(String::as_str);
    let input = FilterInput {
        status: value("status"),
        asn: value("asn"),
        zt_network_id: value("zt_network_id"),
        min_age_minutes: value("min_age_minutes"),
        limit: value("limit"),
        offset: value("offset"),
        flag: value("flag"),
        no_session_days: value("no_session_days"),
    };
    let parsed = AdminFilters::parse(&input).map_err(|e| ApiError::validation(e.message).detail("field", e.field))?;
    let f = &parsed.filters;
    let view = FiltersView {
        status: f.status.map(|s| s.as_str().to_owned()),
        asn: f.asn,
        zt_network_id: f.zt_network_id.clone(),
        min_age_minutes: f.min_age_minutes,
        limit: parsed.limit,
        offset: parsed.offset,
        flag: f.affiliation_lost.then(|| "affiliation_lost".to_owned()),
        no_session_days: f.no_session_days,
    };
    Ok((parsed, view))
}

/// Every request, newest first, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/admin/requests", tag = "admin",
    params(
        ("status" = Option<String>, Query, description = "pending, approved, provisioning, active, rejected, failed, withdrawn, offboarding, removed or suspended"),
        ("flag" = Option<String>, Query, description = "affiliation_lost: only requests whose requester no longer holds the ASN"),
        ("asn" = Option<i64>, Query, minimum = 1, maximum = 4294967295.0),
        ("zt_network_id" = Option<String>, Query),
        ("min_age_minutes" = Option<u32>, Query, minimum = 0, maximum = 52704000, description = "only requests at least this old (at most a century)"),
        ("no_session_days" = Option<u32>, Query, minimum = 1, maximum = 365, description = "only active members provisioned at least this many days ago with no established BGP session in that time"),
        ("limit" = Option<u64>, Query, minimum = 1, maximum = 1000, description = "default 100, at most 1000"),
        ("offset" = Option<u64>, Query, minimum = 0),
    ),
    responses((status = 200, body = Data<AdminListBody>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Data<AdminListBody>> {
    let Query(query) = query.map_err(|e| ApiError::validation(format!("invalid query string: {e}")))?;
    let (query, view) = parse(&query)?;
    let page = requests::admin_list(&state.services.db, &query.filters, query.limit, query.offset).await?;
    Ok(Data::new(AdminListBody {
        request_count: page.total,
        requests: page.records.iter().map(RequestView::for_admin).collect::<Result<_, _>>()?,
        next_offset: page.next_offset,
        filters: view,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn unknown_parameters_and_bad_values_name_their_field() {
        let field = |pairs: &[(&str, &str)]| parse(&q(pairs)).err().expect("refused").details["field"].as_str().unwrap().to_owned();
        assert_eq!(field(&[("stauts", "pending")]), "stauts");
        assert_eq!(field(&[("min_age_minutes", "4000000000")]), "min_age_minutes");
        let (query, view) = parse(&q(&[("status", "failed"), ("limit", "5")])).ok().unwrap();
        assert_eq!((query.limit, view.limit, view.status.as_deref()), (5, 5, Some("failed")));
    }
}
