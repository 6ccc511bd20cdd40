//! Reading join requests with what provisioning attached to them.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::audit;
use crate::entities::{audit_event, join_request, zt_ipv6_assignment, zt_membership};
use crate::workflow::RequestStatus;

/// The most rows one admin page may hold.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// The largest offset a database accepts (a signed 64-bit integer).
pub const MAX_OFFSET: u64 = i64::MAX as u64;

/// A request with its IPv6 assignment and ZeroTier membership, once they exist.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub request: join_request::Model,
    pub ipv6: Option<zt_ipv6_assignment::Model>,
    pub membership: Option<zt_membership::Model>,
}

async fn attach<C: ConnectionTrait>(conn: &C, requests: Vec<join_request::Model>) -> Result<Vec<RequestRecord>, DbErr> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let mut ipv6: HashMap<Uuid, zt_ipv6_assignment::Model> = zt_ipv6_assignment::Entity::find()
        .filter(zt_ipv6_assignment::Column::JoinRequestId.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.join_request_id, a))
        .collect();
    let mut memberships: HashMap<Uuid, zt_membership::Model> = zt_membership::Entity::find()
        .filter(zt_membership::Column::JoinRequestId.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.join_request_id, m))
        .collect();
    Ok(requests
        .into_iter()
        .map(|request| RequestRecord {
            ipv6: ipv6.remove(&request.id),
            membership: memberships.remove(&request.id),
            request,
        })
        .collect())
}

fn newest_first(select: Select<join_request::Entity>) -> Select<join_request::Entity> {
    select.order_by_desc(join_request::Column::RequestedAt).order_by_desc(join_request::Column::Id)
}

/// An operator's own requests, newest first.
pub async fn list_for_user<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<RequestRecord>, DbErr> {
    let rows = newest_first(join_request::Entity::find().filter(join_request::Column::UserId.eq(user_id))).all(conn).await?;
    attach(conn, rows).await
}

/// One of the operator's own requests; someone else's is "not found", like a missing one.
pub async fn find_for_user<C: ConnectionTrait>(conn: &C, user_id: Uuid, id: Uuid) -> Result<Option<RequestRecord>, DbErr> {
    let row = join_request::Entity::find_by_id(id)
        .filter(join_request::Column::UserId.eq(user_id))
        .one(conn)
        .await?;
    Ok(attach(conn, row.into_iter().collect()).await?.pop())
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

/// Every request matching `filters`, newest first, paginated in the database.
pub async fn admin_list<C: ConnectionTrait>(conn: &C, filters: &AdminFilters, limit: u64, offset: u64) -> Result<AdminPage, DbErr> {
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
    let total = select.clone().count(conn).await?;
    let limit = limit.clamp(1, MAX_PAGE_SIZE);
    // Past the end of any table, and past what the database can take.
    let offset = offset.min(MAX_OFFSET - MAX_PAGE_SIZE);
    let rows = newest_first(select).offset(offset).limit(limit).all(conn).await?;
    let end = offset + rows.len() as u64;
    Ok(AdminPage { total, records: attach(conn, rows).await?, next_offset: (end < total).then_some(end) })
}

/// A request with its whole audit trail, oldest event first.
pub async fn admin_detail<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<(RequestRecord, Vec<audit_event::Model>)>, DbErr> {
    let Some(row) = join_request::Entity::find_by_id(id).one(conn).await? else { return Ok(None) };
    let record = attach(conn, vec![row]).await?.pop().expect("one row in, one record out");
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
