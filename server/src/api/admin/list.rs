//! `GET /api/v1/admin/requests`

use std::collections::HashMap;

use axum::extract::{Query, State};
use domain::requests::{self, AdminFilters, MAX_MIN_AGE_MINUTES, MAX_OFFSET, MAX_PAGE_SIZE};
use domain::types::{Asn, NetworkId};
use domain::workflow::RequestStatus;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::session::Admin;
use crate::api::views::RequestView;
use crate::http::AppState;

const DEFAULT_LIMIT: u64 = 100;
const PARAMETERS: [&str; 6] = ["status", "asn", "zt_network_id", "min_age_minutes", "limit", "offset"];

/// The filters as applied, echoed back.
#[derive(Serialize, ToSchema, Default)]
pub struct FiltersView {
    pub status: Option<String>,
    pub asn: Option<i64>,
    pub zt_network_id: Option<String>,
    pub min_age_minutes: Option<u32>,
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

fn invalid(field: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::validation(message).detail("field", field)
}

fn number<T: std::str::FromStr>(query: &HashMap<String, String>, field: &'static str) -> Result<Option<T>, ApiError> {
    query
        .get(field)
        .map(|v| v.trim().parse::<T>().map_err(|_| invalid(field, format!("{field} must be a non-negative whole number"))))
        .transpose()
}

/// Query parameters, checked strictly: unknown names are refused (a typo would
/// otherwise silently widen the filter).
fn parse(query: &HashMap<String, String>) -> Result<(AdminFilters, FiltersView), ApiError> {
    if let Some(unknown) = query.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(ApiError::validation(format!("unknown query parameter '{unknown}'")).detail("field", unknown.clone()));
    }
    let status = match query.get("status").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(RequestStatus::parse(s).ok_or_else(|| {
            let all: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
            invalid("status", format!("status must be one of {}", all.join(", ")))
        })?),
    };
    let asn = match query.get("asn").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Asn>().map_err(|e| invalid("asn", e.0))?.as_i64()),
    };
    let zt_network_id = match query.get("zt_network_id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(NetworkId::parse(s).map_err(|e| invalid("zt_network_id", e.0))?.to_string()),
    };
    let min_age_minutes = number::<u32>(query, "min_age_minutes")?;
    if min_age_minutes.is_some_and(|m| m > MAX_MIN_AGE_MINUTES) {
        return Err(invalid("min_age_minutes", format!("min_age_minutes must be at most {MAX_MIN_AGE_MINUTES}")));
    }
    let limit = number::<u64>(query, "limit")?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(invalid("limit", format!("limit must be between 1 and {MAX_PAGE_SIZE}")));
    }
    let offset = number::<u64>(query, "offset")?.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(invalid("offset", format!("offset must be at most {MAX_OFFSET}")));
    }
    let filters = AdminFilters { status, asn, zt_network_id: zt_network_id.clone(), min_age_minutes };
    let view = FiltersView { status: status.map(|s| s.as_str().to_owned()), asn, zt_network_id, min_age_minutes, limit, offset };
    Ok((filters, view))
}

/// Every request, newest first, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/admin/requests", tag = "admin",
    params(
        ("status" = Option<String>, Query, description = "pending, approved, provisioning, active, rejected or failed"),
        ("asn" = Option<i64>, Query, minimum = 1, maximum = 4294967295.0),
        ("zt_network_id" = Option<String>, Query),
        ("min_age_minutes" = Option<u32>, Query, minimum = 0, maximum = 52704000, description = "only requests at least this old (at most a century)"),
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
    let (filters, view) = parse(&query)?;
    let page = requests::admin_list(&state.services.db, &filters, view.limit, view.offset).await?;
    Ok(Data::new(AdminListBody {
        request_count: page.total,
        requests: page.records.iter().map(RequestView::for_admin).collect(),
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

    fn field(result: Result<(AdminFilters, FiltersView), ApiError>) -> String {
        result.err().expect("refused").details["field"].as_str().unwrap().to_owned()
    }

    #[test]
    fn defaults_and_values_parse() {
        let (f, v) = parse(&q(&[])).ok().unwrap();
        assert_eq!(f, AdminFilters::default());
        assert_eq!((v.limit, v.offset), (100, 0));
        let (f, v) = parse(&q(&[("status", "failed"), ("asn", "AS64500"), ("zt_network_id", "8056C2E21C000001"), ("limit", "1000"), ("offset", "5"), ("min_age_minutes", "30")])).ok().unwrap();
        assert_eq!(f.status, Some(RequestStatus::Failed));
        assert_eq!(f.asn, Some(64500));
        assert_eq!(f.zt_network_id.as_deref(), Some("8056c2e21c000001"));
        assert_eq!(f.min_age_minutes, Some(30));
        assert_eq!((v.limit, v.offset), (1000, 5));
    }

    #[test]
    fn every_bad_parameter_is_named() {
        assert_eq!(field(parse(&q(&[("status", "done")]))), "status");
        assert_eq!(field(parse(&q(&[("asn", "0")]))), "asn");
        assert_eq!(field(parse(&q(&[("zt_network_id", "abc")]))), "zt_network_id");
        assert_eq!(field(parse(&q(&[("limit", "0")]))), "limit");
        assert_eq!(field(parse(&q(&[("limit", "1001")]))), "limit");
        assert_eq!(field(parse(&q(&[("offset", "-1")]))), "offset");
        assert_eq!(field(parse(&q(&[("offset", "9223372036854775808")]))), "offset");
        assert_eq!(field(parse(&q(&[("min_age_minutes", "x")]))), "min_age_minutes");
        assert_eq!(field(parse(&q(&[("min_age_minutes", "4000000000")]))), "min_age_minutes");
        assert_eq!(field(parse(&q(&[("min_age_minutes", "52704001")]))), "min_age_minutes");
        assert!(parse(&q(&[("min_age_minutes", "52704000")])).is_ok());
        assert_eq!(field(parse(&q(&[("stauts", "pending")]))), "stauts");
    }
}
