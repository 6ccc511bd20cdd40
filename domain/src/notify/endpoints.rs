//! The admins' webhook endpoints, the delivery log and dead letters: what the admin
//! screens and the JSON API call, each change audited.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryOrder, Set, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

use contract::view::{CreatedWebhook, Delivery, Outbox, WebhookEndpoint};

use super::outbox::{self, Depth};
use super::webhook::{self, Guard, UrlError};
use super::{Channel, DeliveryStatus, NotificationKind};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::{notification_delivery, notification_event, webhook_endpoint};

/// Endpoints one exchange may have.
pub const MAX_ENDPOINTS: u64 = 50;

/// Why an endpoint change was refused.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("webhook URL refused: {0}")]
    Url(#[from] UrlError),
    #[error("choose at least one event")]
    NoEvents,
    #[error("the secret must be whsec_ followed by 24 to 64 bytes in base64")]
    Secret,
    #[error("at most {MAX_ENDPOINTS} endpoints")]
    TooMany,
    #[error("no such endpoint")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What an admin submits for a new endpoint.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<NotificationKind>,
    /// `None`: a new secret is generated.
    pub secret: Option<String>,
}

fn events_json(events: &[NotificationKind]) -> Result<String, EndpointError> {
    let mut events: Vec<&str> = events.iter().filter(|k| **k != NotificationKind::WebhookTest).map(|k| k.as_str()).collect();
    events.sort_unstable();
    events.dedup();
    if events.is_empty() {
        return Err(EndpointError::NoEvents);
    }
    Ok(serde_json::to_string(&events).expect("strings serialize"))
}

pub fn view(endpoint: &webhook_endpoint::Model) -> WebhookEndpoint {
    WebhookEndpoint {
        id: endpoint.id.to_string(),
        url: endpoint.url.clone(),
        events: webhook::events_of(endpoint),
        enabled: endpoint.enabled,
        secret_hint: format!("{}…", endpoint.secret.chars().take(10).collect::<String>()),
        created_at: endpoint.created_at.to_rfc3339(),
    }
}

pub async fn list<C: ConnectionTrait>(conn: &C) -> Result<Vec<WebhookEndpoint>, DbErr> {
    Ok(webhook_endpoint::Entity::find().order_by_asc(webhook_endpoint::Column::CreatedAt).all(conn).await?.iter().map(view).collect())
}

pub async fn create<C: TransactionTrait>(db: &C, guard: &Guard, actor: Actor, new: NewEndpoint) -> Result<CreatedWebhook, EndpointError> {
    let url = guard.check(&new.url).await?;
    let events = events_json(&new.events)?;
    let secret = match new.secret.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(secret) if webhook::secret_key(&secret).is_some() => secret,
        Some(_) => return Err(EndpointError::Secret),
        None => webhook::generate_secret(),
    };
    let txn = crate::db::begin_write(db).await?;
    if sea_orm::PaginatorTrait::count(webhook_endpoint::Entity::find(), &txn).await? >= MAX_ENDPOINTS {
        return Err(EndpointError::TooMany);
    }
    let now = Utc::now();
    let endpoint = webhook_endpoint::ActiveModel {
        id: Set(Uuid::new_v4()),
        url: Set(url.to_string()),
        events: Set(events),
        secret: Set(secret.clone()),
        enabled: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, AuditEntry::new(actor, AuditAction::WebhookCreated, "webhook_endpoint", endpoint.id).with("url", endpoint.url.as_str())).await?;
    txn.commit().await?;
    Ok(CreatedWebhook { endpoint: view(&endpoint), secret })
}

/// Turns an endpoint on or off and/or replaces its events.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: Actor,
    id: Uuid,
    enabled: Option<bool>,
    events: Option<Vec<NotificationKind>>,
) -> Result<WebhookEndpoint, EndpointError> {
    let events = events.map(|e| events_json(&e)).transpose()?;
    let txn = crate::db::begin_write(db).await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(id).one(&txn).await?.ok_or(EndpointError::NotFound)?;
    let mut active = endpoint.into_active_model();
    if let Some(enabled) = enabled {
        active.enabled = Set(enabled);
    }
    if let Some(events) = &events {
        active.events = Set(events.clone());
    }
    active.updated_at = Set(Utc::now());
    let endpoint = active.update(&txn).await?;
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::WebhookUpdated, "webhook_endpoint", id)
            .with("enabled", endpoint.enabled)
            .with("events", serde_json::from_str::<serde_json::Value>(&endpoint.events).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(view(&endpoint))
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: Actor, id: Uuid) -> Result<(), EndpointError> {
    let txn = crate::db::begin_write(db).await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(id).one(&txn).await?.ok_or(EndpointError::NotFound)?;
    webhook_endpoint::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, AuditEntry::new(actor, AuditAction::WebhookDeleted, "webhook_endpoint", id).with("url", endpoint.url)).await?;
    txn.commit().await?;
    Ok(())
}

/// Queues a `webhook.test` delivery to one endpoint (enabled or not).
pub async fn test<C: TransactionTrait>(db: &C, actor: Actor, id: Uuid) -> Result<Uuid, EndpointError> {
    let txn = crate::db::begin_write(db).await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(id).one(&txn).await?.ok_or(EndpointError::NotFound)?;
    let event = super::record(&txn, NotificationKind::WebhookTest, None, json!({ "endpoint_id": endpoint.id.to_string() })).await?;
    audit::record(&txn, AuditEntry::new(actor, AuditAction::WebhookTested, "webhook_endpoint", id).with("event_id", event.to_string())).await?;
    txn.commit().await?;
    Ok(event)
}

fn delivery_view(delivery: notification_delivery::Model, event: Option<notification_event::Model>) -> Option<Delivery> {
    let event = event?;
    Some(Delivery {
        id: delivery.id.to_string(),
        event_id: event.id.to_string(),
        kind: NotificationKind::parse(&event.kind)?,
        channel: Channel::parse(&delivery.channel)?,
        recipient: delivery.recipient,
        request_id: event.request_id.map(|id| id.to_string()),
        status: DeliveryStatus::parse(&delivery.status)?,
        attempts: u32::try_from(delivery.attempts).unwrap_or(0),
        last_error: delivery.last_error,
        response_status: delivery.response_status.and_then(|s| u16::try_from(s).ok()),
        latency_ms: delivery.latency_ms.and_then(|l| u64::try_from(l).ok()),
        created_at: delivery.created_at.to_rfc3339(),
        next_attempt_at: (delivery.status == DeliveryStatus::Pending.as_str()).then(|| delivery.next_attempt_at.to_rfc3339()),
        delivered_at: delivery.delivered_at.map(|d| d.to_rfc3339()),
    })
}

/// The outbox's depth and its latest deliveries (optionally only one status or one
/// endpoint's).
pub async fn outbox<C: ConnectionTrait>(conn: &C, status: Option<DeliveryStatus>, endpoint: Option<Uuid>, limit: u64) -> Result<Outbox, DbErr> {
    let Depth { pending, dead, oldest_pending } = outbox::depth(conn).await?;
    let target = endpoint.map(|e| e.to_string());
    let channel = endpoint.map(|_| Channel::Webhook);
    let deliveries = outbox::recent(conn, status, channel, target.as_deref(), limit).await?.into_iter().filter_map(|(d, e)| delivery_view(d, e)).collect();
    Ok(Outbox {
        pending,
        dead,
        oldest_pending_seconds: oldest_pending.map(|at| (Utc::now() - at).num_seconds().max(0) as u64),
        deliveries,
    })
}

/// An admin sends a dead letter again; `false` if it is not dead (or not there).
pub async fn retry<C: TransactionTrait>(db: &C, actor: Actor, id: Uuid) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let retried = outbox::retry_dead(&txn, id).await?;
    if retried {
        audit::record(&txn, AuditEntry::new(actor, AuditAction::NotificationRetried, "notification_delivery", id)).await?;
    }
    txn.commit().await?;
    Ok(retried)
}
