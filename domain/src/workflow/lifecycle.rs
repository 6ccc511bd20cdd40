//! The transitions after joining (SPEC §3): withdraw, leave or remove, suspend and
//! resume, and the worker's `offboarding → removed`; plus node replacement, which keeps
//! the status. Each changes what the controller and the route servers should hold, so
//! each also marks the request for the worker to converge (`sync_due_at`) and bumps its
//! `desired_revision`, in the same conditional update.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, SqlErr, TransactionTrait};
use uuid::Uuid;

use super::transitions::{apply, current_status, null_text, null_time, Change};
use super::{RejectReason, RequestStatus, TransitionError};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::join_request::{self, Column};
use crate::types::NodeId;

impl Change {
    /// The controller and the route servers must follow: converge now, as a new revision.
    fn converge(self) -> Self {
        self.set(Column::SyncDueAt, Expr::value(Utc::now()))
            .set(Column::SyncAttempts, Expr::value(0))
            .set(Column::DesiredRevision, Expr::col(Column::DesiredRevision).add(1))
    }

    /// The reason (or note) kept on the request and in the audit event.
    fn reason(self, reason: Option<&RejectReason>) -> Self {
        match reason {
            Some(reason) => self.set(Column::StatusReason, Expr::value(reason.as_str())).meta("reason", reason.as_str()),
            None => self.set(Column::StatusReason, null_text()),
        }
    }

    /// An admin's decision settles a lost affiliation.
    fn settles_affiliation(self) -> Self {
        self.set(Column::AffiliationLostAt, null_time())
    }
}

/// `pending → withdrawn` or `failed → withdrawn`: the operator takes the request back.
/// A failed attempt may have left a member on the controller or a peer file behind, so a
/// withdrawn failure is converged (taken off everywhere).
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn withdraw<C: TransactionTrait + sea_orm::ConnectionTrait>(db: &C, id: Uuid, actor: Actor) -> Result<join_request::Model, TransitionError> {
    let from = match current_status(db, id).await? {
        None => return Err(TransitionError::NotFound),
        Some(status @ (RequestStatus::Pending | RequestStatus::Failed)) => status,
        Some(current) => return Err(TransitionError::Conflict { current, to: RequestStatus::Withdrawn }),
    };
    let change = Change::new(from, RequestStatus::Withdrawn, actor, AuditAction::JoinRequestWithdrawn);
    let change = if from == RequestStatus::Failed { change.converge() } else { change };
    apply(db, id, change).await
}

/// `active → offboarding`: the member leaves (optional note) or an admin removes them
/// (reason required by the caller).
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn offboard<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    actor: Actor,
    reason: Option<&RejectReason>,
    by_admin: bool,
) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Active, RequestStatus::Offboarding, actor, AuditAction::JoinRequestOffboardingStarted)
        .converge()
        .reason(reason)
        .meta("initiated_by", if by_admin { "admin" } else { "member" });
    let change = if by_admin { change.settles_affiliation() } else { change };
    apply(db, id, change).await
}

/// `active → suspended`: an admin pauses the member (reason required).
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn suspend<C: TransactionTrait>(db: &C, id: Uuid, actor: Actor, reason: &RejectReason) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Active, RequestStatus::Suspended, actor, AuditAction::JoinRequestSuspended)
        .converge()
        .reason(Some(reason))
        .settles_affiliation();
    apply(db, id, change).await
}

/// `suspended → active`: an admin resumes the member.
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn resume<C: TransactionTrait>(db: &C, id: Uuid, actor: Actor) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Suspended, RequestStatus::Active, actor, AuditAction::JoinRequestResumed)
        .converge()
        .reason(None);
    apply(db, id, change).await
}

/// `offboarding → removed`, by the worker holding the convergence lease, once the node
/// is off the controller and the peer file off every route server, at `revision`.
#[tracing::instrument(skip_all, fields(request.id = %id, worker = worker))]
pub async fn removed<C: TransactionTrait>(db: &C, id: Uuid, worker: &str, revision: i64) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(
        RequestStatus::Offboarding,
        RequestStatus::Removed,
        Actor::System(SystemActor::Worker),
        AuditAction::JoinRequestRemoved,
    )
    .held_by(worker)
    .set(Column::LeaseOwner, null_text())
    .set(Column::LeaseExpiresAt, null_time())
    .set(Column::SyncDueAt, null_time())
    .set(Column::SyncAttempts, Expr::value(0))
    .set(Column::LastError, null_text())
    .set(Column::LastErrorCode, null_text())
    .set(Column::LastErrorAt, null_time())
    .and_where(Column::DesiredRevision.eq(revision))
    .meta("worker", worker);
    apply(db, id, change).await
}

/// Why a node could not be replaced.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The previous replacement's node is still being taken off the controller.
    #[error("the previous node {0} is still being taken off the controller")]
    InProgress(String),
    /// The new node is held by another live request on the network.
    #[error("the node is in use on this network")]
    NodeInUse,
    #[error("the new node is the request's node already")]
    SameNode,
}

/// Points an active request at `node`: the worker authorizes it with the same address
/// and takes the previous one off the controller. The status, the address and the peer
/// file stay as they are; the previous node id is kept in the audit trail.
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn replace_node<C: TransactionTrait>(db: &C, id: Uuid, actor: Actor, node: &NodeId) -> Result<join_request::Model, ReplaceError> {
    // Reads, then writes: on SQLite the write lock is taken first (see `db::begin_write`).
    let txn = crate::db::begin_write(db).await.map_err(TransitionError::from)?;
    let current = join_request::Entity::find_by_id(id).one(&txn).await.map_err(TransitionError::from)?.ok_or(TransitionError::NotFound)?;
    if current.status != RequestStatus::Active {
        return Err(TransitionError::Conflict { current: current.status, to: RequestStatus::Active }.into());
    }
    if let Some(retiring) = current.retiring_node_id {
        return Err(ReplaceError::InProgress(retiring));
    }
    let Some(old) = current.node_id.clone() else {
        return Err(TransitionError::Conflict { current: current.status, to: RequestStatus::Active }.into());
    };
    if old == node.as_str() {
        return Err(ReplaceError::SameNode);
    }
    let now = Utc::now();
    let updated = join_request::Entity::update_many()
        .col_expr(Column::NodeId, Expr::value(node.as_str()))
        .col_expr(Column::RetiringNodeId, Expr::value(old.as_str()))
        .col_expr(Column::SyncDueAt, Expr::value(now))
        .col_expr(Column::SyncAttempts, Expr::value(0))
        .col_expr(Column::DesiredRevision, Expr::col(Column::DesiredRevision).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(RequestStatus::Active))
        .filter(Column::NodeId.eq(old.as_str()))
        .filter(Column::RetiringNodeId.is_null())
        .exec_with_returning(&txn)
        .await;
    let request = match updated {
        Ok(rows) => match rows.into_iter().next() {
            Some(request) => request,
            None => {
                let current = current_status(&txn, id).await.map_err(TransitionError::from)?.ok_or(TransitionError::NotFound)?;
                return Err(TransitionError::Conflict { current, to: RequestStatus::Active }.into());
            }
        },
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Err(ReplaceError::NodeInUse),
        Err(e) => return Err(TransitionError::from(e).into()),
    };
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::JoinRequestNodeReplaced, "join_request", id)
            .with("from_node_id", old.as_str())
            .with("to_node_id", node.as_str()),
    )
    .await
    .map_err(TransitionError::from)?;
    txn.commit().await.map_err(TransitionError::from)?;
    Ok(request)
}

/// Marks active and suspended requests for convergence as a new revision: what their
/// peer files say changed (policy), though their status did not.
pub async fn converge_now<C: sea_orm::ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<u64, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let updated = join_request::Entity::update_many()
        .col_expr(Column::SyncDueAt, Expr::value(Utc::now()))
        .col_expr(Column::SyncAttempts, Expr::value(0))
        .col_expr(Column::DesiredRevision, Expr::col(Column::DesiredRevision).add(1))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::Status.is_in([RequestStatus::Active, RequestStatus::Suspended]))
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}
