//! What admins do with a request: approve, reject with a reason, retry a failure.

use uuid::Uuid;

use super::query::{admin_detail, RequestRecord};
use super::RequestError;
use crate::audit::Actor;
use crate::provisioning::worker::notify_workers;
use crate::workflow::{self, DecisionSource, RejectReason};
use crate::Services;

async fn reload(services: &Services, id: Uuid) -> Result<RequestRecord, RequestError> {
    Ok(admin_detail(&services.db, id).await?.ok_or(RequestError::NotFound)?.0)
}

/// `pending → approved` by an admin.
pub async fn approve(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    workflow::approve(&services.db, id, Actor::User(admin), DecisionSource::ManualAdmin).await?;
    notify_workers(services).await;
    reload(services, id).await
}

/// `pending → rejected`; the reason is required and shown to the operator.
pub async fn reject(services: &Services, admin: Uuid, id: Uuid, reason: Option<&str>) -> Result<RequestRecord, RequestError> {
    let reason = match reason {
        None => return Err(RequestError::RejectReasonRequired),
        Some(text) if text.trim().is_empty() => return Err(RequestError::RejectReasonRequired),
        Some(text) => RejectReason::parse(text).ok_or_else(|| {
            RequestError::validation("reject_reason", format!("the reason must be at most {} characters", RejectReason::MAX_CHARS))
        })?,
    };
    workflow::reject(&services.db, id, Actor::User(admin), &reason).await?;
    reload(services, id).await
}

/// `failed → approved`: provision again.
pub async fn retry(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    workflow::retry(&services.db, id, Actor::User(admin)).await?;
    notify_workers(services).await;
    reload(services, id).await
}
