//! What members and admins do with a request after filing it: the member withdraws,
//! leaves or replaces the node; an admin removes, suspends, resumes, retries an
//! offboarding, or keeps a member whose requester lost the ASN. The status changes
//! themselves are the workflow's; this layer checks who may act and wakes the worker.

use chrono::Utc;
use contract::AffiliationDecision;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use super::query::{admin_detail, find_for_user, RequestRecord};
use super::{eligibility, Ineligible, RequestError};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::db::begin_write;
use crate::entities::join_request;
use crate::provisioning::ownership;
use crate::provisioning::worker::notify_workers;
use crate::types::{NetworkId, NodeId};
use crate::workflow::{self, RejectReason, ReplaceError, RequestStatus};
use crate::Services;

/// `reason` as a required reason; `None` or blank is `reason_required`.
pub(crate) fn required_reason(reason: Option<&str>, missing: RequestError) -> Result<RejectReason, RequestError> {
    match reason.map(str::trim) {
        None | Some("") => Err(missing),
        Some(text) => RejectReason::parse(text).ok_or_else(|| {
            RequestError::validation("reason", format!("the reason must be at most {} characters", RejectReason::MAX_CHARS))
        }),
    }
}

/// An optional note; blank is none.
fn optional_note(note: Option<&str>) -> Result<Option<RejectReason>, RequestError> {
    match note.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => RejectReason::parse(text)
            .map(Some)
            .ok_or_else(|| RequestError::validation("note", format!("the note must be at most {} characters", RejectReason::MAX_CHARS))),
    }
}

/// The operator's own request (someone else's is "not found", like a missing one).
async fn own(services: &Services, user: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    find_for_user(&services.db, user, id).await?.ok_or(RequestError::NotFound)
}

async fn reload_admin(services: &Services, id: Uuid) -> Result<RequestRecord, RequestError> {
    Ok(admin_detail(&services.db, id).await?.ok_or(RequestError::NotFound)?.0)
}

/// `pending | failed → withdrawn`, by the operator who filed the request.
pub async fn withdraw(services: &Services, user: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    own(services, user, id).await?;
    let request = workflow::withdraw(&services.db, id, Actor::User(user)).await?;
    if request.sync_due_at.is_some() {
        notify_workers(services).await;
    }
    own(services, user, id).await
}

/// `active → offboarding`: the member leaves, with an optional note.
pub async fn leave(services: &Services, user: Uuid, id: Uuid, note: Option<&str>) -> Result<RequestRecord, RequestError> {
    let note = optional_note(note)?;
    own(services, user, id).await?;
    workflow::offboard(&services.db, id, Actor::User(user), note.as_ref(), false).await?;
    notify_workers(services).await;
    own(services, user, id).await
}

/// Points the member's active request at a new node (same rules as a new request).
pub async fn replace_node(services: &Services, user: Uuid, id: Uuid, node_id: &str) -> Result<RequestRecord, RequestError> {
    let node = NodeId::parse(node_id.trim()).map_err(|e| RequestError::validation("node_id", e.0))?;
    let record = own(services, user, id).await?;
    let request = &record.request;
    if request.status != RequestStatus::Active {
        return Err(RequestError::InvalidTransition { current: request.status, to: RequestStatus::Active });
    }
    match eligibility::check(&services.db, user, request.asn, &request.zt_network_id).await? {
        Ok(()) => {}
        Err(Ineligible::AsnNotHeld) => return Err(RequestError::AsnNotAuthorized(request.asn)),
        Err(Ineligible::NetworkNotAllowed | Ineligible::NetworkInactive) => {
            return Err(RequestError::NetworkNotAuthorized(request.zt_network_id.clone()))
        }
    }
    let network = NetworkId::parse(&request.zt_network_id).map_err(|e| RequestError::validation("zt_network_id", e.0))?;
    if let Some(holder) = node_holder(services, id, &network, &node).await? {
        return Err(RequestError::NodeInUse { own_request_id: (holder.user_id == user).then_some(holder.id) });
    }
    if ownership::local_conflict(&services.db, id, &network, &node).await?.is_some() {
        return Err(RequestError::NodeInUse { own_request_id: None });
    }
    match workflow::replace_node(&services.db, id, Actor::User(user), &node).await {
        Ok(_) => {}
        Err(ReplaceError::Transition(e)) => return Err(e.into()),
        Err(ReplaceError::InProgress(old)) => return Err(RequestError::ReplacementInProgress(old)),
        Err(ReplaceError::NodeInUse) => return Err(RequestError::NodeInUse { own_request_id: None }),
        Err(ReplaceError::SameNode) => {
            return Err(RequestError::validation("node_id", "node_id is the request's node already; give the new router's node id"))
        }
    }
    notify_workers(services).await;
    own(services, user, id).await
}

/// Another live request holding `node` on `network`.
async fn node_holder(services: &Services, id: Uuid, network: &NetworkId, node: &NodeId) -> Result<Option<join_request::Model>, RequestError> {
    Ok(join_request::Entity::find()
        .filter(join_request::Column::ZtNetworkId.eq(network.as_str()))
        .filter(join_request::Column::NodeId.eq(node.as_str()))
        .filter(join_request::Column::Status.is_in(RequestStatus::LIVE))
        .filter(join_request::Column::Id.ne(id))
        .one(&services.db)
        .await?)
}

/// Runs an admin's change in one transaction; when the request's requester had lost
/// its ASN, the decision is audited with it (`decision`).
async fn deciding<F>(services: &Services, admin: Uuid, id: Uuid, decision: AffiliationDecision, change: F) -> Result<(), RequestError>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> futures::future::BoxFuture<'t, Result<(), RequestError>>,
{
    let txn = begin_write(&services.db).await?;
    let before = join_request::Entity::find_by_id(id).one(&txn).await?.ok_or(RequestError::NotFound)?;
    change(&txn).await?;
    if before.affiliation_lost_at.is_some() {
        audit::record(
            &txn,
            AuditEntry::new(Actor::User(admin), AuditAction::JoinRequestAffiliationDecided, "join_request", id).with("decision", decision.as_str()),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// `active → offboarding` by an admin (reason required).
pub async fn offboard(services: &Services, admin: Uuid, id: Uuid, reason: Option<&str>) -> Result<RequestRecord, RequestError> {
    let reason = required_reason(reason, RequestError::ReasonRequired)?;
    deciding(services, admin, id, AffiliationDecision::Offboard, |txn| {
        Box::pin(async move { workflow::offboard(txn, id, Actor::User(admin), Some(&reason), true).await.map(|_| ()).map_err(Into::into) })
    })
    .await?;
    notify_workers(services).await;
    reload_admin(services, id).await
}

/// `active → suspended` by an admin (reason required).
pub async fn suspend(services: &Services, admin: Uuid, id: Uuid, reason: Option<&str>) -> Result<RequestRecord, RequestError> {
    let reason = required_reason(reason, RequestError::ReasonRequired)?;
    deciding(services, admin, id, AffiliationDecision::Suspend, |txn| {
        Box::pin(async move { workflow::suspend(txn, id, Actor::User(admin), &reason).await.map(|_| ()).map_err(Into::into) })
    })
    .await?;
    notify_workers(services).await;
    reload_admin(services, id).await
}

/// `suspended → active` by an admin.
pub async fn resume(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    workflow::resume(&services.db, id, Actor::User(admin)).await?;
    notify_workers(services).await;
    reload_admin(services, id).await
}

/// Keeps the member although the requester lost the ASN: clears the flag (audited).
pub async fn keep(services: &Services, admin: Uuid, id: Uuid) -> Result<RequestRecord, RequestError> {
    let txn = begin_write(&services.db).await?;
    let cleared = join_request::Entity::update_many()
        .col_expr(join_request::Column::AffiliationLostAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .filter(join_request::Column::Id.eq(id))
        .filter(join_request::Column::AffiliationLostAt.is_not_null())
        .exec(&txn)
        .await?;
    if cleared.rows_affected == 0 {
        let exists = join_request::Entity::find_by_id(id).one(&txn).await?.is_some();
        return Err(if exists { RequestError::NotFlagged } else { RequestError::NotFound });
    }
    audit::record(&txn, AuditEntry::new(Actor::User(admin), AuditAction::JoinRequestAffiliationDecided, "join_request", id).with("decision", AffiliationDecision::Keep.as_str()))
        .await?;
    txn.commit().await?;
    reload_admin(services, id).await
}

/// The next convergence attempt of an offboarding request, now (admin retry).
pub(crate) async fn retry_convergence(services: &Services, admin: Uuid, id: Uuid) -> Result<(), RequestError> {
    let txn = services.db.begin().await?;
    let due = join_request::Entity::update_many()
        .col_expr(join_request::Column::SyncDueAt, Expr::value(Utc::now()))
        .col_expr(join_request::Column::SyncAttempts, Expr::value(0))
        .filter(join_request::Column::Id.eq(id))
        .filter(join_request::Column::Status.eq(RequestStatus::Offboarding))
        .exec(&txn)
        .await?;
    if due.rows_affected == 0 {
        let current = join_request::Entity::find_by_id(id).one(&txn).await?.ok_or(RequestError::NotFound)?.status;
        return Err(RequestError::InvalidTransition { current, to: RequestStatus::Removed });
    }
    audit::record(&txn, AuditEntry::new(Actor::User(admin), AuditAction::JoinRequestConvergeRetried, "join_request", id).with("status", "offboarding"))
        .await?;
    txn.commit().await?;
    notify_workers(services).await;
    Ok(())
}
