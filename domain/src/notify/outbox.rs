//! The outbox's rows: events expanded into deliveries (once per channel and recipient),
//! deliveries claimed by one sender at a time, their outcomes, and what admins see.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;
use uuid::Uuid;

use super::{Channel, DeliveryStatus, NotificationKind};
use crate::entities::{app_user, join_request, local_credential, notification_delivery as delivery, notification_event as event, webhook_endpoint};

/// Events expanded per call.
const DISPATCH_BATCH: u64 = 100;

/// Someone (or something) an event is delivered to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recipient {
    channel: Channel,
    /// The user's or endpoint's id: with the event and channel, the idempotency key.
    target: String,
    /// The address or URL.
    address: String,
}

/// The user ids who turned `kind` off (a JSON list on the user).
pub fn turned_off(user: &app_user::Model) -> Vec<NotificationKind> {
    serde_json::from_str::<Vec<String>>(&user.notifications_off)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| NotificationKind::parse(k))
        .collect()
}

/// Whether `user` gets `kind` by e-mail: has an address, an enabled account, and has not
/// turned it off (security-relevant kinds cannot be).
fn wants(user: &app_user::Model, kind: NotificationKind, disabled: &[Uuid]) -> bool {
    user.email.as_deref().is_some_and(|e| !e.trim().is_empty())
        && !disabled.contains(&user.id)
        && (kind.is_security_relevant() || !turned_off(user).contains(&kind))
}

async fn recipients<C: ConnectionTrait>(conn: &C, row: &event::Model, kind: NotificationKind, email: bool) -> Result<Vec<Recipient>, DbErr> {
    let mut users: BTreeMap<Uuid, app_user::Model> = BTreeMap::new();
    if email {
        let audience = kind.audience();
        if audience.admins {
            for admin in app_user::Entity::find().filter(app_user::Column::IsAdmin.eq(true)).all(conn).await? {
                users.insert(admin.id, admin);
            }
        }
        if audience.members {
            if let Some(request) = match row.request_id {
                Some(id) => join_request::Entity::find_by_id(id).one(conn).await?,
                None => None,
            } {
                if let Some(member) = app_user::Entity::find_by_id(request.user_id).one(conn).await? {
                    users.insert(member.id, member);
                }
            }
        }
    }
    let disabled: Vec<Uuid> = local_credential::Entity::find()
        .select_only()
        .column(local_credential::Column::UserId)
        .filter(local_credential::Column::IsEnabled.eq(false))
        .filter(local_credential::Column::UserId.is_in(users.keys().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: Vec<Recipient> = users
        .values()
        .filter(|u| wants(u, kind, &disabled))
        .map(|u| Recipient { channel: Channel::Email, target: u.id.to_string(), address: u.email.clone().unwrap_or_default().trim().to_owned() })
        .collect();
    let only: Option<String> = (kind == NotificationKind::WebhookTest)
        .then(|| serde_json::from_str::<Value>(&row.payload).ok()?.get("endpoint_id")?.as_str().map(str::to_owned))
        .flatten();
    for endpoint in webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::Enabled.eq(true)).all(conn).await? {
        let subscribed = match &only {
            Some(id) => endpoint.id.to_string() == *id,
            None => kind != NotificationKind::WebhookTest && super::webhook::events_of(&endpoint).contains(&kind),
        };
        if subscribed {
            out.push(Recipient { channel: Channel::Webhook, target: endpoint.id.to_string(), address: endpoint.url.clone() });
        }
    }
    Ok(out)
}

/// Expands undispatched events into their deliveries: each event in its own
/// transaction, with deliveries inserted once whatever races (the unique key). Returns
/// the deliveries created.
pub async fn dispatch<C: TransactionTrait>(db: &C, email: bool) -> Result<usize, DbErr> {
    let txn = db.begin().await?;
    let events = event::Entity::find()
        .filter(event::Column::DispatchedAt.is_null())
        .order_by_asc(event::Column::CreatedAt)
        .limit(DISPATCH_BATCH)
        .all(&txn)
        .await?;
    txn.commit().await?;
    let mut created = 0;
    for row in events {
        let txn = crate::db::begin_write(db).await?;
        let claimed = event::Entity::update_many()
            .col_expr(event::Column::DispatchedAt, Expr::value(Utc::now()))
            .filter(event::Column::Id.eq(row.id))
            .filter(event::Column::DispatchedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let Some(kind) = NotificationKind::parse(&row.kind) else {
            txn.commit().await?;
            continue;
        };
        let now = Utc::now();
        let rows: Vec<delivery::ActiveModel> = recipients(&txn, &row, kind, email)
            .await?
            .into_iter()
            .map(|r| delivery::ActiveModel {
                id: Set(Uuid::new_v4()),
                event_id: Set(row.id),
                channel: Set(r.channel.as_str().to_owned()),
                target: Set(r.target),
                recipient: Set(r.address),
                status: Set(DeliveryStatus::Pending.as_str().to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                claimed_until: Set(None),
                last_error: Set(None),
                response_status: Set(None),
                latency_ms: Set(None),
                created_at: Set(now),
                delivered_at: Set(None),
            })
            .collect();
        created += rows.len();
        if !rows.is_empty() {
            delivery::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([delivery::Column::EventId, delivery::Column::Channel, delivery::Column::Target]).do_nothing().to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok(created)
}

/// A delivery a sender holds, with its event.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: delivery::Model,
    pub event: event::Model,
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .add(delivery::Column::NextAttemptAt.lte(now))
        .add(Condition::any().add(delivery::Column::ClaimedUntil.is_null()).add(delivery::Column::ClaimedUntil.lt(now)))
}

/// Claims up to `limit` due deliveries for `hold` (a conditional update per row: two
/// senders never hold the same one).
pub async fn claim<C: ConnectionTrait>(conn: &C, limit: u64, hold: Duration) -> Result<Vec<Claimed>, DbErr> {
    let now = Utc::now();
    let candidates = delivery::Entity::find().filter(due(now)).order_by_asc(delivery::Column::NextAttemptAt).limit(limit).all(conn).await?;
    let mut out = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let won = delivery::Entity::update_many()
            .col_expr(delivery::Column::ClaimedUntil, Expr::value(now + hold))
            .filter(delivery::Column::Id.eq(candidate.id))
            .filter(due(now))
            .exec(conn)
            .await?;
        if won.rows_affected == 1 {
            if let Some(event) = event::Entity::find_by_id(candidate.event_id).one(conn).await? {
                out.push(Claimed { delivery: candidate, event });
            }
        }
    }
    Ok(out)
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub ok: bool,
    pub error: Option<String>,
    pub response_status: Option<u16>,
    pub latency: std::time::Duration,
}

/// Records an attempt: delivered, retried at `retry_at`, or dead (`retry_at` is `None`).
pub async fn finish<C: ConnectionTrait>(conn: &C, id: Uuid, attempt: &Attempt, retry_at: Option<DateTime<Utc>>) -> Result<DeliveryStatus, DbErr> {
    let now = Utc::now();
    let status = match (attempt.ok, retry_at) {
        (true, _) => DeliveryStatus::Delivered,
        (false, Some(_)) => DeliveryStatus::Pending,
        (false, None) => DeliveryStatus::Dead,
    };
    let mut update = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status.as_str()))
        .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
        .col_expr(delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(delivery::Column::LastError, Expr::value(attempt.error.clone()))
        .col_expr(delivery::Column::ResponseStatus, Expr::value(attempt.response_status.map(i32::from)))
        .col_expr(delivery::Column::LatencyMs, Expr::value(attempt.latency.as_millis().min(i64::MAX as u128) as i64))
        .filter(delivery::Column::Id.eq(id));
    if attempt.ok {
        update = update.col_expr(delivery::Column::DeliveredAt, Expr::value(now));
    }
    if let Some(at) = retry_at {
        update = update.col_expr(delivery::Column::NextAttemptAt, Expr::value(at));
    }
    update.exec(conn).await?;
    Ok(status)
}

/// An admin sends a dead letter again: pending now, attempts counted afresh.
pub async fn retry_dead<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<bool, DbErr> {
    let updated = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Pending.as_str()))
        .col_expr(delivery::Column::Attempts, Expr::value(0))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Dead.as_str()))
        .exec(conn)
        .await?;
    if updated.rows_affected == 1 {
        super::sender::nudge();
    }
    Ok(updated.rows_affected == 1)
}

/// The queue's depth: pending and dead deliveries, and the oldest pending one's
/// creation (with events not yet expanded counted as pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Depth {
    pub pending: u64,
    pub dead: u64,
    pub oldest_pending: Option<DateTime<Utc>>,
}

pub async fn depth<C: ConnectionTrait>(conn: &C) -> Result<Depth, DbErr> {
    let pending_status = delivery::Column::Status.eq(DeliveryStatus::Pending.as_str());
    let pending = delivery::Entity::find().filter(pending_status.clone()).count(conn).await?;
    let dead = delivery::Entity::find().filter(delivery::Column::Status.eq(DeliveryStatus::Dead.as_str())).count(conn).await?;
    let undispatched = event::Entity::find().filter(event::Column::DispatchedAt.is_null());
    let oldest_event: Option<DateTime<Utc>> =
        undispatched.clone().select_only().column(event::Column::CreatedAt).order_by_asc(event::Column::CreatedAt).into_tuple().one(conn).await?;
    let oldest_delivery: Option<DateTime<Utc>> = delivery::Entity::find()
        .filter(pending_status)
        .select_only()
        .column(delivery::Column::CreatedAt)
        .order_by_asc(delivery::Column::CreatedAt)
        .into_tuple()
        .one(conn)
        .await?;
    let oldest_pending = [oldest_event, oldest_delivery].into_iter().flatten().min();
    Ok(Depth { pending: pending + undispatched.count(conn).await?, dead, oldest_pending })
}

/// Deliveries, newest first, optionally only those in `status` or of `channel`.
pub async fn recent<C: ConnectionTrait>(
    conn: &C,
    status: Option<DeliveryStatus>,
    channel: Option<Channel>,
    target: Option<&str>,
    limit: u64,
) -> Result<Vec<(delivery::Model, Option<event::Model>)>, DbErr> {
    let mut select = delivery::Entity::find();
    if let Some(status) = status {
        select = select.filter(delivery::Column::Status.eq(status.as_str()));
    }
    if let Some(channel) = channel {
        select = select.filter(delivery::Column::Channel.eq(channel.as_str()));
    }
    if let Some(target) = target {
        select = select.filter(delivery::Column::Target.eq(target));
    }
    let rows = select.order_by_desc(delivery::Column::CreatedAt).order_by_desc(delivery::Column::Id).limit(limit).all(conn).await?;
    let ids: Vec<Uuid> = rows.iter().map(|d| d.event_id).collect();
    let events: BTreeMap<Uuid, event::Model> =
        event::Entity::find().filter(event::Column::Id.is_in(ids)).all(conn).await?.into_iter().map(|e| (e.id, e)).collect();
    Ok(rows.into_iter().map(|d| {
        let e = events.get(&d.event_id).cloned();
        (d, e)
    }).collect())
}
