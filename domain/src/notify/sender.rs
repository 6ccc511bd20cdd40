//! The sender: expands new events into deliveries, claims the due ones and delivers
//! them with bounded concurrency, each under a timeout; a failure is retried with
//! exponential backoff and jitter until the attempts are used up (a dead letter).

use std::sync::LazyLock;
use std::time::Duration;

use futures::StreamExt;
use rand::Rng;
use sea_orm::{DbErr, EntityTrait};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::email::Mailer;
use super::messages::Facts;
use super::outbox::{self, Attempt, Claimed};
use super::webhook::{self, Guard};
use super::{Catalog, Channel, DeliveryStatus, NotificationKind};
use crate::entities::{app_user, join_request, webhook_endpoint, zt_network};
use crate::Services;

static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// A new event or a retried dead letter: the sender looks at once (after the change's
/// transaction has had a moment to commit).
pub(crate) fn nudge() {
    WAKE.notify_one();
}

/// What the sender needs besides the database.
#[derive(Debug)]
pub struct SenderConfig {
    /// `None`: e-mail is off (no `SMTP_URL`).
    pub mailer: Option<Mailer>,
    /// `PUBLIC_BASE_URL`: the links in messages.
    pub base_url: Url,
    pub guard: Guard,
    pub catalog: Catalog,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self { mailer: None, base_url: Url::parse("http://127.0.0.1:3000").expect("a URL"), guard: Guard::default(), catalog: Catalog::new() }
    }
}

/// Delivers the outbox.
#[derive(Clone)]
pub struct Sender {
    services: Services,
}

impl Sender {
    pub fn new(services: Services) -> Self {
        Self { services }
    }

    fn config(&self) -> &SenderConfig {
        &self.services.notify
    }

    /// Runs passes until `shutdown`: every `notifications.interval_seconds`, and soon
    /// after a nudge.
    pub async fn run(self, shutdown: CancellationToken) {
        let interval = Duration::from_secs(self.services.settings.notifications.interval_seconds.into());
        loop {
            if let Err(e) = self.pass().await {
                tracing::warn!(error = %e, "notification pass failed on the database");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(interval) => {}
                () = WAKE.notified() => tokio::time::sleep(Duration::from_millis(150)).await,
            }
        }
    }

    /// One pass: expand, then deliver everything due. Returns the attempts made.
    pub async fn pass(&self) -> Result<usize, DbErr> {
        let settings = &self.services.settings.notifications;
        outbox::dispatch(&self.services.db, self.config().mailer.is_some()).await?;
        let timeout = Duration::from_secs(settings.timeout_seconds.into());
        // Held long enough for the attempt and its bookkeeping; a crashed sender's
        // deliveries are taken over after that.
        let hold = chrono::Duration::seconds(i64::from(settings.timeout_seconds) * 2 + 10);
        let mut attempts = 0;
        loop {
            let claimed = outbox::claim(&self.services.db, u64::from(settings.concurrency) * 4, hold).await?;
            if claimed.is_empty() {
                return Ok(attempts);
            }
            attempts += claimed.len();
            let results: Vec<Result<(), DbErr>> =
                futures::stream::iter(claimed).map(|c| self.deliver(c, timeout)).buffer_unordered(settings.concurrency as usize).collect().await;
            results.into_iter().collect::<Result<(), DbErr>>()?;
        }
    }

    #[tracing::instrument(skip_all, fields(delivery.id = %claimed.delivery.id, request.id = ?claimed.event.request_id, channel = %claimed.delivery.channel, kind = %claimed.event.kind))]
    async fn deliver(&self, claimed: Claimed, timeout: Duration) -> Result<(), DbErr> {
        let settings = &self.services.settings.notifications;
        let started = std::time::Instant::now();
        let channel = Channel::parse(&claimed.delivery.channel);
        let attempt = match (channel, NotificationKind::parse(&claimed.event.kind)) {
            (Some(Channel::Email), Some(kind)) => self.email(&claimed, kind).await?,
            (Some(Channel::Webhook), Some(kind)) => self.webhook(&claimed, kind, timeout).await?,
            _ => Attempt { ok: false, error: Some("unknown channel or kind".into()), response_status: None, latency: started.elapsed() },
        };
        let attempts = u32::try_from(claimed.delivery.attempts).unwrap_or(0) + 1;
        let retry_at = (!attempt.ok && attempts < settings.max_attempts)
            .then(|| chrono::Utc::now() + settings.backoff(attempts, rand::thread_rng().gen_range(0.0..=1.0)));
        let status = outbox::finish(&self.services.db, claimed.delivery.id, &attempt, retry_at).await?;
        let outcome = match status {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Pending => "retried",
            DeliveryStatus::Dead => "dead",
        };
        crate::metrics::notification_delivery(channel.map_or("unknown", Channel::as_str), outcome);
        match status {
            DeliveryStatus::Delivered => tracing::info!(attempts, latency_ms = attempt.latency.as_millis() as u64, "notification delivered"),
            DeliveryStatus::Pending => tracing::warn!(attempts, error = attempt.error.as_deref().unwrap_or(""), next = ?retry_at, "notification delivery failed; retrying"),
            DeliveryStatus::Dead => tracing::error!(attempts, error = attempt.error.as_deref().unwrap_or(""), "notification delivery failed for good (dead letter)"),
        }
        Ok(())
    }

    /// What a message or a webhook body says about the event's request.
    async fn request_facts(&self, claimed: &Claimed) -> Result<(Option<join_request::Model>, Option<String>), DbErr> {
        let Some(id) = claimed.event.request_id else { return Ok((None, None)) };
        let request = join_request::Entity::find_by_id(id).one(&self.services.db).await?;
        let network = match &request {
            Some(r) => zt_network::Entity::find_by_id(r.zt_network_id.clone()).one(&self.services.db).await?.map(|n| format!("{} ({})", n.name, n.id)),
            None => None,
        };
        Ok((request, network))
    }

    async fn email(&self, claimed: &Claimed, kind: NotificationKind) -> Result<Attempt, DbErr> {
        let started = std::time::Instant::now();
        let failed = |error: &str| Attempt { ok: false, error: Some(error.to_owned()), response_status: None, latency: started.elapsed() };
        let Some(mailer) = &self.config().mailer else { return Ok(failed("e-mail is off (no SMTP_URL)")) };
        let user = match uuid::Uuid::parse_str(&claimed.delivery.target) {
            Ok(id) => app_user::Entity::find_by_id(id).one(&self.services.db).await?,
            Err(_) => None,
        };
        let (request, network) = self.request_facts(claimed).await?;
        let payload: Value = serde_json::from_str(&claimed.event.payload).unwrap_or(Value::Null);
        let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_owned);
        let is_admin = user.as_ref().is_some_and(|u| u.is_admin) && kind.audience().admins;
        let base = self.config().base_url.as_str().trim_end_matches('/');
        let url = match (&request, is_admin) {
            (Some(r), true) => format!("{base}/admin/requests/{}", r.id),
            (Some(r), false) => format!("{base}/requests/{}", r.id),
            (None, _) => format!("{base}/admin/peeringdb"),
        };
        let exchange = self.services.settings.exchange.name.clone().unwrap_or_else(|| self.services.settings.exchange.shortname.clone());
        let facts = Facts {
            exchange,
            asn: request.as_ref().map(|r| r.asn),
            network,
            node: request.as_ref().and_then(|r| r.node_id.clone()),
            reason: text("reject_reason").or_else(|| text("reason")),
            error: text("error"),
            count: payload.get("count").and_then(Value::as_u64),
            url,
            preferences_url: format!("{base}/account#notifications"),
        };
        let Some(message) = self.config().catalog.render(kind, user.as_ref().and_then(|u| u.locale.as_deref()), &facts) else {
            return Ok(failed("no e-mail copy for this kind"));
        };
        Ok(match mailer.send(&claimed.delivery.recipient, &claimed.delivery.id.to_string(), &message).await {
            Ok(()) => Attempt { ok: true, error: None, response_status: None, latency: started.elapsed() },
            Err(e) => failed(&e),
        })
    }

    async fn webhook(&self, claimed: &Claimed, kind: NotificationKind, timeout: Duration) -> Result<Attempt, DbErr> {
        let endpoint = match uuid::Uuid::parse_str(&claimed.delivery.target) {
            Ok(id) => webhook_endpoint::Entity::find_by_id(id).one(&self.services.db).await?,
            Err(_) => None,
        };
        let Some(endpoint) = endpoint else {
            return Ok(Attempt { ok: false, error: Some("the endpoint was deleted".into()), response_status: None, latency: Duration::ZERO });
        };
        let (request, _) = self.request_facts(claimed).await?;
        let body = body(&self.config().base_url, kind, claimed, request.as_ref()).to_string();
        let outgoing = webhook::Outgoing { url: &endpoint.url, secret: &endpoint.secret, id: &claimed.event.id.to_string(), body: body.as_bytes() };
        Ok(webhook::deliver(&self.config().guard, &outgoing, timeout).await)
    }
}

/// The Standard Webhooks payload: `type`, `timestamp` (of the event) and `data` with the
/// request and its status as of the event.
pub fn body(base: &Url, kind: NotificationKind, claimed: &Claimed, request: Option<&join_request::Model>) -> Value {
    let payload: Value = serde_json::from_str(&claimed.event.payload).unwrap_or(Value::Null);
    let base = base.as_str().trim_end_matches('/');
    let request = request.map(|r| {
        let status = payload.get("to_status").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| r.status.as_str().to_owned());
        json!({
            "id": r.id,
            "asn": r.asn,
            "zt_network_id": r.zt_network_id,
            "node_id": r.node_id,
            "status": status,
            "url": format!("{base}/admin/requests/{}", r.id),
        })
    });
    let mut data = json!({ "event_id": claimed.event.id, "request": request });
    for key in ["reject_reason", "reason", "error_code", "error", "count", "findings", "endpoint_id"] {
        if let Some(value) = payload.get(key) {
            data[key] = value.clone();
        }
    }
    json!({
        "type": kind.as_str(),
        "timestamp": claimed.event.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
}
