//! Live state of every member (SPEC §7): the BGP sessions on each route server, read
//! with one read-only `birdc show protocols all "ztix_*"` per host per pass over the
//! route servers' SSH transport, and the members' node states from the controller.
//!
//! A route server that cannot be read keeps its last sessions, marked with when they
//! were read; once that is older than twice the interval (plus a margin) they are
//! shown as unknown, never as down. The first pass in which every route server has an
//! established session with an active member records and audits the turn-up.

pub mod birdc;
pub mod filtered;
pub mod nodes;
mod store;
pub mod view;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

pub use birdc::{parse_filtered, parse_protocols, ChannelRoutes, FilterReason, Session, SessionState};

use crate::entities::{bgp_session, join_request, route_server_read};
use crate::settings::RuntimeSettings;
use crate::workflow::RequestStatus;
use crate::Services;

/// `birdc show protocols all` of a large route server stays far below this.
const PROTOCOLS_OUTPUT_LIMIT: usize = 16 << 20;

/// How old a route server's last good read may be before its sessions are unknown.
pub fn stale_after(settings: &RuntimeSettings) -> chrono::Duration {
    let interval = i64::from(settings.worker.sessions_interval_seconds.max(1));
    chrono::Duration::seconds(interval * 2 + 30)
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Route servers read, by label.
    pub read: Vec<String>,
    /// Route servers that could not be read, with why.
    pub failed: Vec<(String, String)>,
    /// Requests whose sessions came up on every route server in this pass.
    pub established: Vec<Uuid>,
}

/// Reads every route server once, stores what it says, and records turn-ups.
pub async fn pass(services: &Services) -> Result<PassReport, DbErr> {
    let mut report = PassReport::default();
    let Some(settings) = services.route_servers.as_deref() else { return Ok(report) };
    let reads = futures::future::join_all(settings.hosts.iter().map(|host| async move {
        let output = crate::routeservers::birdc(settings, host, &["show", "protocols", "all", "\"ztix_*\""], PROTOCOLS_OUTPUT_LIMIT).await;
        (host.label.clone(), output)
    }))
    .await;
    let now = Utc::now();
    for (host, output) in reads {
        match output {
            Ok(text) => {
                store::host_read(&services.db, &host, parse_protocols(&text), now).await?;
                report.read.push(host);
            }
            Err(error) => {
                tracing::warn!(host = %host, error = %error, "could not read the BGP sessions of a route server");
                store::host_failed(&services.db, &host, &error, now).await?;
                report.failed.push((host, error));
            }
        }
    }
    let labels: Vec<String> = settings.hosts.iter().map(|h| h.label.clone()).collect();
    report.established = store::turn_ups(&services.db, &labels, fresh_hosts(&services.db, &services.settings, now).await?, now).await?;
    Ok(report)
}

/// The route servers whose last read succeeded recently enough to be believed.
pub async fn fresh_hosts<C: ConnectionTrait>(conn: &C, settings: &RuntimeSettings, now: DateTime<Utc>) -> Result<HashSet<String>, DbErr> {
    let bound = now - stale_after(settings);
    Ok(route_server_read::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter(|r| r.error.is_none() && r.read_at.is_some_and(|at| at >= bound))
        .map(|r| r.host)
        .collect())
}

/// Sessions of a list of requests, for the lists' summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCount {
    pub established: u32,
    pub total: u32,
    /// Sessions on route servers that could not be read lately.
    pub unknown: u32,
}

/// The session counts of `ids`, in two queries.
pub async fn counts<C: ConnectionTrait>(conn: &C, settings: &RuntimeSettings, ids: &[Uuid]) -> Result<HashMap<Uuid, SessionCount>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let fresh = fresh_hosts(conn, settings, Utc::now()).await?;
    let rows: Vec<(Uuid, String, String)> = bgp_session::Entity::find()
        .select_only()
        .columns([bgp_session::Column::JoinRequestId, bgp_session::Column::Host, bgp_session::Column::State])
        .filter(bgp_session::Column::JoinRequestId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, SessionCount> = HashMap::new();
    for (id, host, state) in rows {
        let count = out.entry(id).or_default();
        count.total += 1;
        if !fresh.contains(&host) {
            count.unknown += 1;
        } else if state == SessionState::Established.as_str() {
            count.established += 1;
        }
    }
    Ok(out)
}

/// Fills the session counts of the provisioned requests in a list.
pub async fn attach_counts(services: &Services, rows: &mut [contract::view::RequestSummary]) -> Result<(), DbErr> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter(|r| matches!(r.status, RequestStatus::Active | RequestStatus::Suspended))
        .filter_map(|r| Uuid::parse_str(&r.id).ok())
        .collect();
    let found = counts(&services.db, &services.settings, &ids).await?;
    for row in rows.iter_mut() {
        if let Some(c) = Uuid::parse_str(&row.id).ok().and_then(|id| found.get(&id)) {
            row.sessions = Some(contract::view::SessionCount { established: c.established, total: c.total, unknown: c.unknown });
        }
    }
    Ok(())
}

/// Sessions of active members by state (`unknown` for unread route servers), for
/// `/metrics`.
pub async fn count_by_state<C: ConnectionTrait>(conn: &C, settings: &RuntimeSettings) -> Result<Vec<(&'static str, u64)>, DbErr> {
    let fresh = fresh_hosts(conn, settings, Utc::now()).await?;
    let rows: Vec<(String, String)> = bgp_session::Entity::find()
        .select_only()
        .columns([bgp_session::Column::Host, bgp_session::Column::State])
        .inner_join(join_request::Entity)
        .filter(join_request::Column::Status.eq(RequestStatus::Active))
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts: Vec<(&'static str, u64)> = SessionState::ALL.iter().map(|s| (s.as_str(), 0)).chain([("unknown", 0)]).collect();
    for (host, state) in rows {
        let key = if fresh.contains(&host) { SessionState::parse(&state).map_or("unknown", SessionState::as_str) } else { "unknown" };
        if let Some(slot) = counts.iter_mut().find(|(k, _)| *k == key) {
            slot.1 += 1;
        }
    }
    Ok(counts)
}
