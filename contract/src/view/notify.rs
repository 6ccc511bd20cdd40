//! Notifications as the screens and the JSON API show them: a person's e-mail choices,
//! the webhook endpoints and the delivery log.

use serde::{Deserialize, Serialize};

use crate::{Channel, DeliveryStatus, NotificationKind};

/// What a person gets by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoices {
    /// The portal sends e-mail (`SMTP_URL` is set).
    pub email_enabled: bool,
    /// Where it goes (from PeeringDB, or set by an admin); `None`: nowhere.
    pub address: Option<String>,
    pub kinds: Vec<KindChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChoice {
    pub kind: NotificationKind,
    pub on: bool,
    /// Security-relevant: always on.
    pub locked: bool,
}

/// A receiver of signed webhook deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<NotificationKind>,
    pub enabled: bool,
    /// The secret's first characters (`whsec_AbCd…`); the whole secret is shown once.
    pub secret_hint: String,
    pub created_at: String,
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

/// One delivery of one notification to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    /// The event's id: the idempotency key every attempt carries (`webhook-id`).
    pub event_id: String,
    pub kind: NotificationKind,
    pub channel: Channel,
    /// The e-mail address or the endpoint's URL.
    pub recipient: String,
    pub request_id: Option<String>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The receiver's HTTP status (webhooks).
    pub response_status: Option<u16>,
    /// How long the last attempt took.
    pub latency_ms: Option<u64>,
    pub created_at: String,
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// The outbox at a glance, with the latest deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub pending: u64,
    pub dead: u64,
    /// Age of the oldest pending delivery, in seconds.
    pub oldest_pending_seconds: Option<u64>,
    pub deliveries: Vec<Delivery>,
}

/// The admin screen: the endpoints and the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsAdmin {
    pub email_enabled: bool,
    pub webhooks: Vec<WebhookEndpoint>,
    pub outbox: Outbox,
}
