//! What admins do with a request: approve, reject with a reason, retry a failure.

use uuid::Uuid;

use futures::future::BoxFuture;
use sea_orm::{DatabaseTransaction, EntityTrait};

use super::query::{admin_detail, RequestRecord};
use super::lifecycle::{required_reason, retry_convergence};
use super::{eligibility, RequestError};
use crate::audit::Actor;
use crate::db::begin_write;
use crate::entities::join_request;
use crate::provisioning::worker::notify_workers;
use crate::workflow::{self, DecisionSource, RequestStatus, TransitionError};
use crate::Services;

async fn reload(services: &Services, id: Uuid) -> Result<RequestRecord, RequestError> {
    Ok(admin_detail(&services.db, id).await?.ok_or(RequestError::NotFound)?.0)
}

/// Runs `transition` in one write transaction with the check that the requester still
/// holds the request's ASN and may still use its network; when they may not, nothing changes.
async fn while_eligible<F>(services: &Services, id: Uuid, transition: F) -> Result<(), RequestError>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<join_request::Model, TransitionError>>,
{
    let txn = begin_write(&services.db).await?;
    let request = join_request::Entity::find_by_id(id).one(&txn).await?.ok_or(RequestError::NotFound)?;
    // A request that cannot move is a conflict first, whoever filed it.
    transition(&txn).await?;
    if let Err(why) = eligibility::check(&txn, request.user_id, request.asn, &request.zt_network_id).await? {
        txn.rollback().await?;
        return Err(RequestError::RequesterNotEligible(why));
    }
    txn.commit().await?;
    Ok(())
}

/// `pending → approved` by an admin.
pub async fn approve(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    while_eligible(services, id, |txn| {
        Box::pin(workflow::approve(txn, id, Actor::User(admin), DecisionSource::ManualAdmin))
    })
    .await?;
    notify_workers(services).await;
    reload(services, id).await
}

/// `pending → rejected`; the reason is required and shown to the operator.
pub async fn reject(services: &Services, admin: Uuid, id: Uuid, reason: Option<&str>) -> Result<RequestRecord, RequestError> {
    let reason = match required_reason(reason, RequestError::RejectReasonRequired) {
        Err(RequestError::Validation { message, .. }) => return Err(RequestError::validation("reject_reason", message)),
        other => other?,
    };
    workflow::reject(&services.db, id, Actor::User(admin), &reason).await?;
    reload(services, id).await
}

/// `failed → approved`: provision again. An `offboarding` request instead gets its next
/// attempt to leave the controller and the route servers now.
pub async fn retry(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    let current = join_request::Entity::find_by_id(id).one(&services.db).await?.ok_or(RequestError::NotFound)?;
    if current.status == RequestStatus::Offboarding {
        retry_convergence(services, admin, id).await?;
        return reload(services, id).await;
    }
    while_eligible(services, id, |txn| Box::pin(workflow::retry(txn, id, Actor::User(admin)))).await?;
    notify_workers(services).await;
    reload(services, id).await
}
