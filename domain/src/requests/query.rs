//! Reading join requests with what provisioning attached to them.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    QueryTrait, SelectThree,
};
use uuid::Uuid;

use crate::audit;
use crate::entities::{audit_event, join_request, request_turn_up, zt_ipv6_assignment, zt_membership};
use crate::types::{Asn, NetworkId};
use crate::workflow::RequestStatus;

/// The most rows one admin page may hold.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// The oldest `min_age_minutes` filter accepted (a century): older cut-offs fall outside
/// what the databases store as timestamps.
pub const MAX_MIN_AGE_MINUTES: u32 = 100 * 366 * 24 * 60;

/// The largest offset a database accepts (a signed 64-bit integer).
pub const MAX_OFFSET: u64 = i64::MAX as u64;

/// A request with its IPv6 assignment and ZeroTier membership, once they exist.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub request: join_request::Model,
    pub ipv6: Option<zt_ipv6_assignment::Model>,
    pub membership: Option<zt_membership::Model>,
}

/// `select` with each request's IPv6 assignment and membership joined (both are at
/// most one row per request, so the joins never multiply rows): one query.
fn with_provisioning(
    select: Select<join_request::Entity>,
) -> SelectThree<join_request::Entity, zt_ipv6_assignment::Entity, zt_membership::Entity> {
    select.find_also_related(zt_ipv6_assignment::Entity).find_also_related(zt_membership::Entity)
}

async fn records<C: ConnectionTrait>(
    conn: &C,
    query: SelectThree<join_request::Entity, zt_ipv6_assignment::Entity, zt_membership::Entity>,
) -> Result<Vec<RequestRecord>, DbErr> {
    Ok(query
        .all(conn)
        .await?
        .into_iter()
        .map(|(request, ipv6, membership)| RequestRecord { request, ipv6, membership })
        .collect())
}

fn newest_first(select: Select<join_request::Entity>) -> Select<join_request::Entity> {
    select.order_by_desc(join_request::Column::RequestedAt).order_by_desc(join_request::Column::Id)
}

/// An operator's own requests, newest first.
pub async fn list_for_user<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<RequestRecord>, DbErr> {
    records(conn, with_provisioning(newest_first(join_request::Entity::find().filter(join_request::Column::UserId.eq(user_id))))).await
}

/// One of the operator's own requests; someone else's is "not found", like a missing one.
pub async fn find_for_user<C: ConnectionTrait>(conn: &C, user_id: Uuid, id: Uuid) -> Result<Option<RequestRecord>, DbErr> {
    let select = join_request::Entity::find_by_id(id).filter(join_request::Column::UserId.eq(user_id));
    Ok(records(conn, with_provisioning(select)).await?.pop())
}

/// Rows of an admin page unless the client asks for another number, in the JSON API as
/// on the admin page.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// Filters of the admin queue; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminFilters {
    pub status: Option<RequestStatus>,
    pub asn: Option<i64>,
    pub zt_network_id: Option<String>,
    /// Only requests at least this old.
    pub min_age_minutes: Option<u32>,
    /// Only requests whose requester lost the ASN (`flag=affiliation_lost`).
    pub affiliation_lost: bool,
    /// Only active requests, provisioned at least this many days ago, with no
    /// established BGP session in that time (`no_session_days`).
    pub no_session_days: Option<u32>,
}

/// The admin queue's parameters as a client sends them (query parameters or form
/// fields); blank values mean "not set".
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterInput<'a> {
    pub status: Option<&'a str>,
    pub asn: Option<&'a str>,
    pub zt_network_id: Option<&'a str>,
    pub min_age_minutes: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub offset: Option<&'a str>,
    /// `affiliation_lost`, or blank.
    pub flag: Option<&'a str>,
    /// 1 to 365, or blank.
    pub no_session_days: Option<&'a str>,
}

/// A parameter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
}

/// A value that was sent and is not blank.
fn present_value(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A checked admin query: the filters and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminQuery {
    pub filters: AdminFilters,
    pub limit: u64,
    pub offset: u64,
}

impl AdminFilters {
    /// Checks every parameter of the admin queue, with one set of rules and messages for
    /// the JSON API and the admin page.
    pub fn parse(input: &FilterInput<'_>) -> Result<AdminQuery, FilterError> {
        let invalid = |field: &'static str, message: String| FilterError { field, message };
        let number = |field: &'static str, value: Option<&str>| -> Result<Option<u64>, FilterError> {
            present_value(value)
                .map(|v| v.parse::<u64>().map_err(|_| invalid(field, format!("{field} must be a non-negative whole number"))))
                .transpose()
        };
        let status = match present_value(input.status) {
            None => None,
            Some(s) => Some(RequestStatus::parse(s).ok_or_else(|| {
                let all: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
                invalid("status", format!("status must be one of {}", all.join(", ")))
            })?),
        };
        let asn = match present_value(input.asn) {
            None => None,
            Some(s) => Some(s.parse::<Asn>().map_err(|e| invalid("asn", e.0))?.as_i64()),
        };
        let zt_network_id = match present_value(input.zt_network_id) {
            None => None,
            Some(s) => Some(NetworkId::parse(s).map_err(|e| invalid("zt_network_id", e.0))?.to_string()),
        };
        let min_age_minutes = match number("min_age_minutes", input.min_age_minutes)? {
            Some(m) if m > u64::from(MAX_MIN_AGE_MINUTES) => {
                return Err(invalid("min_age_minutes", format!("min_age_minutes must be at most {MAX_MIN_AGE_MINUTES}")));
            }
            other => other.map(|m| m as u32),
        };
        let affiliation_lost = match present_value(input.flag) {
            None => false,
            Some("affiliation_lost") => true,
            Some(_) => return Err(invalid("flag", "flag must be affiliation_lost".into())),
        };
        let no_session_days = match number("no_session_days", input.no_session_days)? {
            Some(d @ 1..=365) => Some(d as u32),
            Some(_) => return Err(invalid("no_session_days", "no_session_days must be between 1 and 365".into())),
            None => None,
        };
        let limit = number("limit", input.limit)?.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(invalid("limit", format!("limit must be between 1 and {MAX_PAGE_SIZE}")));
        }
        let offset = number("offset", input.offset)?.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(invalid("offset", format!("offset must be at most {MAX_OFFSET}")));
        }
        Ok(AdminQuery { filters: AdminFilters { status, asn, zt_network_id, min_age_minutes, affiliation_lost, no_session_days }, limit, offset })
    }
}

/// One page of the admin queue.
#[derive(Debug, Clone)]
pub struct AdminPage {
    /// All matches, not only this page.
    pub total: u64,
    pub records: Vec<RequestRecord>,
    /// Where the next page starts, if there is one.
    pub next_offset: Option<u64>,
}

/// The requests matching `filters`, in no particular order.
fn admin_matches(filters: &AdminFilters) -> Select<join_request::Entity> {
    let mut select = join_request::Entity::find();
    if let Some(status) = filters.status {
        select = select.filter(join_request::Column::Status.eq(status));
    }
    if let Some(asn) = filters.asn {
        select = select.filter(join_request::Column::Asn.eq(asn));
    }
    if let Some(network) = &filters.zt_network_id {
        select = select.filter(join_request::Column::ZtNetworkId.eq(network.as_str()));
    }
    if let Some(minutes) = filters.min_age_minutes {
        let before = Utc::now() - Duration::minutes(minutes.into());
        select = select.filter(join_request::Column::RequestedAt.lte(before));
    }
    if filters.affiliation_lost {
        select = select.filter(join_request::Column::AffiliationLostAt.is_not_null());
    }
    if let Some(days) = filters.no_session_days {
        let since = Utc::now() - Duration::days(days.into());
        let up_lately = sea_orm::sea_query::Query::select()
            .column(request_turn_up::Column::JoinRequestId)
            .from(request_turn_up::Entity)
            .and_where(request_turn_up::Column::SessionUpAt.gte(since))
            .to_owned();
        select = select
            .filter(join_request::Column::Status.eq(RequestStatus::Active))
            .filter(
                sea_orm::Condition::any()
                    .add(join_request::Column::ProvisionedAt.lte(since))
                    .add(join_request::Column::ProvisionedAt.is_null().and(join_request::Column::RequestedAt.lte(since))),
            )
            .filter(join_request::Column::Id.not_in_subquery(up_lately));
    }
    select
}

/// The page size and offset a database accepts: 1 to `MAX_PAGE_SIZE` rows, and an offset
/// past the end of any table but within what the database can take.
fn page_window(limit: u64, offset: u64) -> (u64, u64) {
    (limit.clamp(1, MAX_PAGE_SIZE), offset.min(MAX_OFFSET - MAX_PAGE_SIZE))
}

/// The ids of one admin page: newest first, `limit` from `offset`, read along an index
/// that holds (requested_at, id), so the rows skipped by a deep offset are never read.
/// Public so tests can check its plan.
pub fn admin_page_ids(filters: &AdminFilters, limit: u64, offset: u64) -> Select<join_request::Entity> {
    let (limit, offset) = page_window(limit, offset);
    newest_first(admin_matches(filters)).select_only().column(join_request::Column::Id).offset(offset).limit(limit)
}

/// One admin page: the rows of `admin_page_ids`, newest first, with each request's IPv6
/// assignment and membership.
fn admin_page_query(filters: &AdminFilters, limit: u64, offset: u64) -> SelectThree<join_request::Entity, zt_ipv6_assignment::Entity, zt_membership::Entity> {
    let ids = admin_page_ids(filters, limit, offset).into_query();
    with_provisioning(newest_first(join_request::Entity::find().filter(join_request::Column::Id.in_subquery(ids))))
}

/// Every request matching `filters`, newest first, paginated in the database: one
/// count and one page read along an index (`ix_join_request_*_newest`).
pub async fn admin_list<C: ConnectionTrait>(conn: &C, filters: &AdminFilters, limit: u64, offset: u64) -> Result<AdminPage, DbErr> {
    let total = admin_matches(filters).count(conn).await?;
    let (limit, offset) = page_window(limit, offset);
    let page = records(conn, admin_page_query(filters, limit, offset)).await?;
    let end = offset + page.len() as u64;
    Ok(AdminPage { total, records: page, next_offset: (end < total).then_some(end) })
}

/// A request with its whole audit trail, oldest event first.
pub async fn admin_detail<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<(RequestRecord, Vec<audit_event::Model>)>, DbErr> {
    let Some(record) = records(conn, with_provisioning(join_request::Entity::find_by_id(id))).await?.pop() else { return Ok(None) };
    let events = audit::for_target(conn, "join_request", &id.to_string()).await?;
    Ok(Some((record, events)))
}

/// How many requests are in each status (every status listed, zeros included); one
/// grouped query on the status index.
pub async fn count_by_status<C: ConnectionTrait>(conn: &C) -> Result<Vec<(RequestStatus, u64)>, DbErr> {
    let rows: Vec<(String, i64)> = join_request::Entity::find()
        .select_only()
        .column(join_request::Column::Status)
        .column_as(join_request::Column::Id.count(), "count")
        .group_by(join_request::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let counts: HashMap<String, i64> = rows.into_iter().collect();
    Ok(RequestStatus::ALL
        .iter()
        .copied()
        .map(|status| (status, counts.get(status.as_str()).copied().unwrap_or(0).max(0) as u64))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(input: FilterInput<'_>) -> &'static str {
        AdminFilters::parse(&input).err().expect("refused").field
    }

    #[test]
    fn defaults_and_values_parse() {
        let q = AdminFilters::parse(&FilterInput::default()).unwrap();
        assert_eq!((q.filters, q.limit, q.offset), (AdminFilters::default(), DEFAULT_PAGE_SIZE, 0));
        let q = AdminFilters::parse(&FilterInput {
            status: Some("failed"),
            asn: Some("AS64500"),
            zt_network_id: Some("8056C2E21C000001"),
            min_age_minutes: Some("30"),
            limit: Some("1000"),
            offset: Some(" 5 "),
            flag: Some("affiliation_lost"),
            no_session_days: Some("7"),
        })
        .unwrap();
        assert_eq!(q.filters.no_session_days, Some(7));
        assert_eq!(q.filters.status, Some(RequestStatus::Failed));
        assert_eq!(q.filters.asn, Some(64500));
        assert_eq!(q.filters.zt_network_id.as_deref(), Some("8056c2e21c000001"));
        assert_eq!(q.filters.min_age_minutes, Some(30));
        assert_eq!((q.limit, q.offset), (1000, 5));
        assert!(q.filters.affiliation_lost);
        assert_eq!(AdminFilters::parse(&FilterInput { status: Some(" "), ..Default::default() }).unwrap().filters.status, None);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let one = |f: fn(&mut FilterInput<'static>)| {
            let mut input = FilterInput::default();
            f(&mut input);
            field(input)
        };
        assert_eq!(one(|i| i.status = Some("done")), "status");
        assert_eq!(one(|i| i.asn = Some("0")), "asn");
        assert_eq!(one(|i| i.zt_network_id = Some("abc")), "zt_network_id");
        assert_eq!(one(|i| i.limit = Some("0")), "limit");
        assert_eq!(one(|i| i.limit = Some("1001")), "limit");
        assert_eq!(one(|i| i.offset = Some("-1")), "offset");
        assert_eq!(one(|i| i.offset = Some("9223372036854775808")), "offset");
        assert_eq!(one(|i| i.min_age_minutes = Some("x")), "min_age_minutes");
        assert_eq!(one(|i| i.flag = Some("lost")), "flag");
        assert_eq!(one(|i| i.no_session_days = Some("0")), "no_session_days");
        assert_eq!(one(|i| i.no_session_days = Some("366")), "no_session_days");
        assert_eq!(one(|i| i.min_age_minutes = Some("4000000000")), "min_age_minutes");
        assert_eq!(one(|i| i.min_age_minutes = Some("52704001")), "min_age_minutes");
        assert!(AdminFilters::parse(&FilterInput { min_age_minutes: Some("52704000"), ..Default::default() }).is_ok());
    }
}
