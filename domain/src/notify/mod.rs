//! Notifications from one durable outbox: e-mail to members and admins, signed webhooks
//! for automation.
//!
//! A change writes its `notification_event` in its own transaction (through the audit
//! trail: [`capture`] turns the audited actions worth telling into events, so every
//! transition, lifecycle step and turn-up milestone notifies without its own code). The
//! sender then expands each event into one delivery per channel and recipient (unique
//! together: the idempotency key) and delivers them with bounded concurrency, timeouts
//! and backoff. A slow or broken mail server or receiver delays deliveries; it never
//! blocks or undoes a change, and a crash loses nothing.

pub mod choices;
pub mod email;
pub mod endpoints;
mod messages;
pub mod outbox;
mod sender;
pub mod webhook;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde_json::Value;
use uuid::Uuid;

pub use contract::{Channel, DeliveryStatus, NotificationKind};
pub use messages::{Catalog, Rendered};
pub use sender::{Sender, SenderConfig};

use crate::audit::AuditAction;
use crate::entities::{audit_event, notification_event};

/// The one rule of which audited actions are told, and as what.
pub fn kind_of(action: AuditAction) -> Option<NotificationKind> {
    use AuditAction as A;
    use NotificationKind as K;
    Some(match action {
        A::JoinRequestCreated => K::RequestCreated,
        A::JoinRequestApproved => K::RequestApproved,
        A::JoinRequestRejected => K::RequestRejected,
        A::JoinRequestActivated => K::RequestActive,
        A::JoinRequestFailed => K::RequestFailed,
        A::JoinRequestSuspended => K::RequestSuspended,
        A::JoinRequestResumed => K::RequestResumed,
        A::JoinRequestRemoved => K::RequestRemoved,
        A::JoinRequestAffiliationLost => K::AffiliationLost,
        A::JoinRequestEstablished => K::SessionEstablished,
        _ => return None,
    })
}

/// Called by the audit trail for every event it records, on the same connection (so in
/// the same transaction): writes the notification event of a told action.
pub(crate) async fn capture<C: ConnectionTrait>(conn: &C, event: &audit_event::Model) -> Result<(), DbErr> {
    let Some(action) = AuditAction::parse(&event.action) else { return Ok(()) };
    let Some(kind) = kind_of(action) else { return Ok(()) };
    let request_id = (event.target_type == "join_request").then(|| Uuid::parse_str(&event.target_id).ok()).flatten();
    write(conn, event.id, kind, request_id, event.metadata.clone()).await
}

/// Writes an event that has no audit entry of its own (a PeeringDB mismatch, a test
/// delivery).
pub async fn record<C: ConnectionTrait>(conn: &C, kind: NotificationKind, request_id: Option<Uuid>, payload: Value) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    write(conn, id, kind, request_id, payload).await?;
    Ok(id)
}

async fn write<C: ConnectionTrait>(conn: &C, id: Uuid, kind: NotificationKind, request_id: Option<Uuid>, payload: Value) -> Result<(), DbErr> {
    notification_event::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        request_id: Set(request_id),
        payload: Set(payload.to_string()),
        created_at: Set(Utc::now()),
        dispatched_at: Set(None),
    }
    .insert(conn)
    .await?;
    sender::nudge();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notified_status_has_its_audited_action() {
        // Each kind that names a request's status is reached from exactly one action.
        for kind in NotificationKind::ALL.iter().copied() {
            let actions: Vec<_> = AuditAction::ALL.iter().filter(|a| kind_of(**a) == Some(kind)).collect();
            let expected = usize::from(!matches!(kind, NotificationKind::NetixlanMismatch | NotificationKind::WebhookTest));
            assert_eq!(actions.len(), expected, "{kind}: {actions:?}");
        }
        assert_eq!(kind_of(AuditAction::AuthLoginSucceeded), None);
        assert_eq!(kind_of(AuditAction::JoinRequestWithdrawn), None, "the member did it themselves");
    }
}
