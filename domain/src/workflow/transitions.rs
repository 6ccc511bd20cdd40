//! Every transition is one conditional UPDATE (`… WHERE id = ? AND status = <expected>`)
//! plus its audit event, in one transaction: the first writer wins, a loser learns the
//! current status, and nothing changes for it.
//!
//! Each function takes a connection or a transaction; inside a transaction the change
//! runs in a savepoint, so a caller can make it part of a larger unit of work.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::Value;
use uuid::Uuid;

use super::{DecisionSource, RequestStatus};
use contract::AuditAction;

use crate::audit::{self, Actor, AuditEntry};
use crate::entities::join_request::{self, Column};
use crate::provisioning::failure::Failure;

/// Why a transition did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("join request not found")]
    NotFound,
    /// Someone else moved the request first (or it was never in the expected status).
    #[error("the request is {current}; it cannot become {to}")]
    Conflict { current: RequestStatus, to: RequestStatus },
    /// The request is still `provisioning`, but under another worker's lease.
    #[error("the provisioning lease on this request is held by another worker")]
    LeaseLost,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A non-empty reason, shown to the operator whose request was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectReason(String);

impl RejectReason {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        (!value.is_empty() && value.chars().count() <= Self::MAX_CHARS).then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One edge of the status machine with what it writes besides the status.
pub(super) struct Change {
    from: RequestStatus,
    to: RequestStatus,
    actor: Actor,
    action: AuditAction,
    sets: Vec<(Column, SimpleExpr)>,
    /// An extra condition for the update, such as holding the lease.
    guard: Option<Condition>,
    metadata: Vec<(&'static str, Value)>,
}

impl Change {
    pub(super) fn new(from: RequestStatus, to: RequestStatus, actor: Actor, action: AuditAction) -> Self {
        debug_assert!(from.can_become(to), "{from} → {to} is not an edge");
        Self { from, to, actor, action, sets: Vec::new(), guard: None, metadata: Vec::new() }
    }

    pub(super) fn set(mut self, column: Column, value: impl Into<SimpleExpr>) -> Self {
        self.sets.push((column, value.into()));
        self
    }

    pub(super) fn meta(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.metadata.push((key, value.into()));
        self
    }

    pub(super) fn held_by(mut self, worker: &str) -> Self {
        self.guard = Some(self.guard.take().unwrap_or_else(Condition::all).add(Column::LeaseOwner.eq(worker)));
        self
    }

    /// One more condition for the update.
    pub(super) fn and_where(mut self, condition: SimpleExpr) -> Self {
        self.guard = Some(self.guard.take().unwrap_or_else(Condition::all).add(condition));
        self
    }
}

/// SQL NULL typed for a text column (PostgreSQL wants the type to match).
pub(super) fn null_text() -> SimpleExpr {
    Expr::value(Option::<String>::None)
}

/// SQL NULL typed for a timestamp column.
pub(super) fn null_time() -> SimpleExpr {
    Expr::value(Option::<chrono::DateTime<Utc>>::None)
}

pub(super) async fn apply<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    change: Change,
) -> Result<join_request::Model, TransitionError> {
    let now = Utc::now();
    let txn = db.begin().await?;

    let mut update = join_request::Entity::update_many()
        .col_expr(Column::Status, Expr::value(change.to))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(change.from));
    for (column, value) in change.sets {
        update = update.col_expr(column, value);
    }
    if let Some(guard) = change.guard {
        update = update.filter(guard);
    }
    let updated = update.exec_with_returning(&txn).await?;

    let Some(request) = updated.into_iter().next() else {
        let current = current_status(&txn, id).await?;
        return Err(match current {
            None => TransitionError::NotFound,
            Some(current) if current == change.from => TransitionError::LeaseLost,
            Some(current) => TransitionError::Conflict { current, to: change.to },
        });
    };

    let mut entry = AuditEntry::new(change.actor, change.action, "join_request", id)
        .with("from_status", change.from.as_str())
        .with("to_status", change.to.as_str());
    for (key, value) in change.metadata {
        entry = entry.with(key, value);
    }
    audit::record(&txn, entry).await?;
    txn.commit().await?;
    Ok(request)
}

pub(super) async fn current_status<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<RequestStatus>, DbErr> {
    Ok(join_request::Entity::find_by_id(id).one(conn).await?.map(|r| r.status))
}

/// `pending → approved`, by an admin or by the automatic approval policy.
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn approve<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    actor: Actor,
    source: DecisionSource,
) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Pending, RequestStatus::Approved, actor, AuditAction::JoinRequestApproved)
        .set(Column::DecidedAt, Expr::value(Utc::now()))
        .meta("decision_source", source.as_str());
    apply(db, id, change).await
}

/// `pending → rejected`, with the reason the operator will read.
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn reject<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    actor: Actor,
    reason: &RejectReason,
) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Pending, RequestStatus::Rejected, actor, AuditAction::JoinRequestRejected)
        .set(Column::DecidedAt, Expr::value(Utc::now()))
        .set(Column::RejectReason, Expr::value(reason.as_str()))
        .meta("reject_reason", reason.as_str());
    apply(db, id, change).await
}

/// `failed → approved`: an admin asks for another provisioning attempt.
#[tracing::instrument(skip_all, fields(request.id = %id))]
pub async fn retry<C: TransactionTrait>(db: &C, id: Uuid, actor: Actor) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(RequestStatus::Failed, RequestStatus::Approved, actor, AuditAction::JoinRequestRetried);
    apply(db, id, change).await
}

/// `approved → provisioning`: `worker` takes the request under a lease of `lease`.
#[tracing::instrument(skip_all, fields(request.id = %id, worker = worker))]
pub async fn start_provisioning<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    worker: &str,
    lease: Duration,
) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(
        RequestStatus::Approved,
        RequestStatus::Provisioning,
        Actor::System(audit::SystemActor::Worker),
        AuditAction::JoinRequestProvisioningStarted,
    )
    .set(Column::LeaseOwner, Expr::value(worker))
    .set(Column::LeaseExpiresAt, Expr::value(Utc::now() + lease))
    .meta("worker", worker);
    apply(db, id, change).await
}

/// `provisioning → active`, only by the worker that holds the lease.
#[tracing::instrument(skip_all, fields(request.id = %id, worker = worker))]
pub async fn activate<C: TransactionTrait>(db: &C, id: Uuid, worker: &str) -> Result<join_request::Model, TransitionError> {
    let change = Change::new(
        RequestStatus::Provisioning,
        RequestStatus::Active,
        Actor::System(audit::SystemActor::Worker),
        AuditAction::JoinRequestActivated,
    )
    .held_by(worker)
    .set(Column::ProvisionedAt, Expr::value(Utc::now()))
    .set(Column::LeaseOwner, null_text())
    .set(Column::LeaseExpiresAt, null_time())
    .set(Column::LastError, null_text())
    .set(Column::LastErrorCode, null_text())
    .set(Column::LastErrorAt, null_time())
    .meta("worker", worker);
    apply(db, id, change).await
}

/// `provisioning → failed` with an actionable error, only by the worker that holds the lease.
#[tracing::instrument(skip_all, fields(request.id = %id, worker = worker))]
pub async fn fail<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    worker: &str,
    failure: &Failure,
) -> Result<join_request::Model, TransitionError> {
    let error = failure.detail.as_str();
    let change = Change::new(
        RequestStatus::Provisioning,
        RequestStatus::Failed,
        Actor::System(audit::SystemActor::Worker),
        AuditAction::JoinRequestFailed,
    )
    .held_by(worker)
    .set(Column::LastError, Expr::value(error))
    .set(Column::LastErrorCode, Expr::value(failure.code.as_str()))
    .set(Column::LastErrorAt, Expr::value(Utc::now()))
    .set(Column::RetryCount, Expr::col(Column::RetryCount).add(1))
    .set(Column::LeaseOwner, null_text())
    .set(Column::LeaseExpiresAt, null_time())
    .meta("worker", worker)
    .meta("error_code", failure.code.as_str())
    .meta("error", error);
    apply(db, id, change).await
}
