//! Storing what the route servers said, and recording turn-ups.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use contract::{AuditAction, SystemActor};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{Session, SessionState};
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::{bgp_session, join_request, request_turn_up, route_server_read};
use crate::workflow::RequestStatus;

/// Replaces the host's sessions with `sessions` (keeping when each state was first seen)
/// and records the good read, in one transaction.
pub(super) async fn host_read(db: &DatabaseConnection, host: &str, sessions: Vec<Session>, now: DateTime<Utc>) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let before: HashMap<String, bgp_session::Model> =
        bgp_session::Entity::find().filter(bgp_session::Column::Host.eq(host)).all(&txn).await?.into_iter().map(|s| (s.protocol.clone(), s)).collect();
    // Only sessions of requests this portal knows (another portal's files may share the host).
    let ids: HashSet<Uuid> = sessions.iter().map(|s| s.request_id).collect();
    let known: HashSet<Uuid> = if ids.is_empty() {
        HashSet::new()
    } else {
        let mut known = HashSet::new();
        let ids: Vec<Uuid> = ids.into_iter().collect();
        for chunk in ids.chunks(500) {
            let found: Vec<Uuid> = join_request::Entity::find()
                .select_only()
                .column(join_request::Column::Id)
                .filter(join_request::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?;
            known.extend(found);
        }
        known
    };
    bgp_session::Entity::delete_many().filter(bgp_session::Column::Host.eq(host)).exec(&txn).await?;
    let rows: Vec<bgp_session::ActiveModel> = sessions
        .into_iter()
        .filter(|s| known.contains(&s.request_id))
        .map(|s| {
            let previous = before.get(&s.protocol);
            let changed_at = match previous {
                Some(p) if p.state == s.state.as_str() => p.state_changed_at,
                _ => now,
            };
            bgp_session::ActiveModel {
                host: Set(host.to_owned()),
                protocol: Set(s.protocol),
                join_request_id: Set(s.request_id),
                neighbor: Set(s.neighbor),
                state: Set(s.state.as_str().to_owned()),
                bgp_state: Set(s.bgp_state),
                since_text: Set(s.since.chars().take(32).collect()),
                state_changed_at: Set(changed_at),
                last_error: Set(s.last_error),
                v4_imported: Set(s.v4.imported),
                v4_filtered: Set(s.v4.filtered),
                v4_exported: Set(s.v4.exported),
                v6_imported: Set(s.v6.imported),
                v6_filtered: Set(s.v6.filtered),
                v6_exported: Set(s.v6.exported),
                read_at: Set(now),
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        bgp_session::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    record_read(&txn, host, Some(now), None, now).await?;
    txn.commit().await
}

/// Records a failed read; the host's sessions stay as they were last read.
pub(super) async fn host_failed(db: &DatabaseConnection, host: &str, error: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    let last_good = route_server_read::Entity::find_by_id(host.to_owned()).one(db).await?.and_then(|r| r.read_at);
    record_read(db, host, last_good, Some(error.chars().take(500).collect()), now).await
}

async fn record_read<C: ConnectionTrait>(
    conn: &C,
    host: &str,
    read_at: Option<DateTime<Utc>>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = route_server_read::ActiveModel { host: Set(host.to_owned()), read_at: Set(read_at), attempted_at: Set(now), error: Set(error) };
    route_server_read::Entity::insert(row)
        .on_conflict(
            OnConflict::column(route_server_read::Column::Host)
                .update_columns([route_server_read::Column::ReadAt, route_server_read::Column::AttemptedAt, route_server_read::Column::Error])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await
        .map(|_| ())
}

/// Marks the active requests with an established session on a fresh host as up now,
/// and records (and audits) the turn-up of those established on every route server.
pub(super) async fn turn_ups(db: &DatabaseConnection, hosts: &[String], fresh: HashSet<String>, now: DateTime<Utc>) -> Result<Vec<Uuid>, DbErr> {
    let up: Vec<(Uuid, String)> = bgp_session::Entity::find()
        .select_only()
        .columns([bgp_session::Column::JoinRequestId, bgp_session::Column::Host])
        .inner_join(join_request::Entity)
        .filter(join_request::Column::Status.eq(RequestStatus::Active))
        .filter(bgp_session::Column::State.eq(SessionState::Established.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_request: HashMap<Uuid, HashSet<String>> = HashMap::new();
    for (id, host) in up.into_iter().filter(|(_, host)| fresh.contains(host)) {
        by_request.entry(id).or_default().insert(host);
    }
    if by_request.is_empty() {
        return Ok(Vec::new());
    }
    let recorded: HashMap<Uuid, request_turn_up::Model> = request_turn_up::Entity::find()
        .filter(request_turn_up::Column::JoinRequestId.is_in(by_request.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.join_request_id, t))
        .collect();
    let mut established = Vec::new();
    let txn = crate::db::begin_write(db).await?;
    let mut ids: Vec<Uuid> = by_request.keys().copied().collect();
    ids.sort();
    for id in ids {
        let on_every_host = hosts.iter().all(|h| by_request[&id].contains(h));
        let already = recorded.get(&id).and_then(|t| t.established_at);
        let established_at = match already {
            Some(at) => Some(at),
            None if on_every_host => {
                established.push(id);
                Some(now)
            }
            None => None,
        };
        let row = request_turn_up::ActiveModel { join_request_id: Set(id), established_at: Set(established_at), session_up_at: Set(Some(now)) };
        request_turn_up::Entity::insert(row)
            .on_conflict(
                OnConflict::column(request_turn_up::Column::JoinRequestId)
                    .update_columns([request_turn_up::Column::EstablishedAt, request_turn_up::Column::SessionUpAt])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        if already.is_none() && on_every_host {
            let entry = AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestEstablished, "join_request", id)
                .with("route_servers", hosts.len() as u64);
            audit::record(&txn, entry).await?;
        }
    }
    txn.commit().await?;
    for id in &established {
        tracing::info!(request.id = %id, "BGP sessions established on every route server");
    }
    Ok(established)
}
