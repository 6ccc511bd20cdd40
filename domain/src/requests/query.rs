//! Reading join requests with what provisioning attached to them.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    QueryTrait, SelectThree,
};
use uuid::Uuid;

use crate::audit;
use crate::entities::{audit_event, join_request, zt_ipv6_assignment, zt_membership};
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

/// Filters of the admin queue; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminFilters {
    pub status: Option<RequestStatus>,
    pub asn: Option<i64>,
    pub zt_network_id: Option<String>,
    /// Only requests at least this old.
    pub min_age_minutes: Option<u32>,
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
        .into_iter()
        .map(|status| (status, counts.get(status.as_str()).copied().unwrap_or(0).max(0) as u64))
        .collect())
}
