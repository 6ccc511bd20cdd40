//! Convergence: the controller member and the peer file on every route server follow
//! what the request's status asks for. Leaving, suspending, resuming, replacing a node,
//! withdrawing a failure and drift repair all mark a request due (`sync_due_at`); a
//! worker claims it under a lease and makes the outside match:
//!
//! | status | controller member | peer file |
//! |---|---|---|
//! | `active` | authorized with its address | present, sessions up |
//! | `suspended` | deauthorized, address kept | present, sessions `disabled` |
//! | `offboarding`, `withdrawn`, `removed` | absent | absent |
//!
//! A node a replacement took over from is taken off the controller too. Every step is
//! idempotent, so a worker killed halfway is simply repeated by the next one. A failure
//! keeps the status, records `last_error` and is due again after a bounded backoff.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use tracing::Instrument;

use super::route_servers::PeerFile;
use super::{internal, Context, Outcome, Worker};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::{join_request, zt_membership};
use crate::provisioning::failure::{Failure, FailureCode};
use crate::provisioning::RemoteMember;
use crate::routeservers::PeerConfig;
use crate::types::NodeId;
use crate::workflow::{self, RequestStatus, TransitionError};

/// What the controller and the route servers should hold for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desired {
    /// Authorized with its address; peer file with the sessions up.
    Member,
    /// Deauthorized (address kept); peer file with the sessions shut down.
    Paused,
    /// Neither a member on the controller nor a peer file.
    Absent,
}

impl Desired {
    /// What `status` asks for; `None` while the request is not (or not yet) a member
    /// and nothing was provisioned for it (`pending`, `approved`, `provisioning`,
    /// `rejected`, and `failed`, which keeps what its attempt left for a retry).
    pub fn of(status: RequestStatus) -> Option<Self> {
        match status {
            RequestStatus::Active => Some(Self::Member),
            RequestStatus::Suspended => Some(Self::Paused),
            RequestStatus::Offboarding | RequestStatus::Withdrawn | RequestStatus::Removed => Some(Self::Absent),
            RequestStatus::Pending
            | RequestStatus::Approved
            | RequestStatus::Provisioning
            | RequestStatus::Rejected
            | RequestStatus::Failed => None,
        }
    }
}

/// Whether a member on the controller is this request's to take away: written for it
/// (its tag), or untagged and holding nothing but the request's own address.
pub(crate) fn is_ours(remote: &RemoteMember, request_id: uuid::Uuid, ours: &[String]) -> bool {
    match remote.request_id {
        Some(tagged) => tagged == request_id,
        None => remote.authorized && !remote.ip_assignments.is_empty() && remote.ip_assignments.iter().all(|ip| ours.contains(ip)),
    }
}

impl Worker {
    /// Converges a claimed request and records the outcome.
    pub async fn converge(&self, request: join_request::Model) -> Result<Outcome, DbErr> {
        let id = request.id;
        let span = tracing::info_span!("converge", request.id = %id, status = %request.status, worker = %self.id);
        async {
            let result = tokio::select! {
                result = self.converge_steps(&request) => result,
                () = self.heartbeat(id) => Err(Failure::new(FailureCode::LeaseLost, "The lease was lost while converging.")),
            };
            match result {
                Ok(()) if request.status == RequestStatus::Offboarding => {
                    match workflow::removed(&self.services.db, id, &self.id, request.desired_revision).await {
                        Ok(_) => {
                            tracing::info!("the member is removed");
                            Ok(Outcome::Removed(id))
                        }
                        Err(TransitionError::Database(e)) => Err(e),
                        // A newer change or another worker: the next claim settles it.
                        Err(_) => self.release(&request).await.map(|()| Outcome::LeaseLost(id)),
                    }
                }
                Ok(()) => self.converged(&request).await,
                Err(failure) => self.converge_failed(&request, &failure).await,
            }
        }
        .instrument(span)
        .await
    }

    async fn converge_steps(&self, request: &join_request::Model) -> Result<(), Failure> {
        let Some(desired) = Desired::of(request.status) else { return Ok(()) };
        self.preflight().await?;
        let context = self.context(request).await?;
        let ip = match desired {
            Desired::Absent => None,
            Desired::Member | Desired::Paused => Some(self.address(request, &context).await?),
        };
        let ours: Vec<String> = ip.iter().map(ToString::to_string).collect();
        if let Some(old) = request.retiring_node_id.as_deref() {
            let old = NodeId::parse(old).map_err(|e| internal("Reading the previous node id", &e))?;
            self.take_off(request, &context, &old, &ours).await?;
        }
        let node = request.node_id.as_deref().map(NodeId::parse).transpose().map_err(|e| internal("Reading the node id", &e))?;
        match (desired, node, ip) {
            (Desired::Member, Some(node), Some(ip)) => self.authorize(request, &context, &node, ip).await?,
            (Desired::Paused, Some(node), Some(_)) => self.pause(request, &context, &node, &ours).await?,
            (Desired::Absent, Some(node), _) => {
                let assigned = self.assigned_ip(request).await?;
                self.take_off(request, &context, &node, &assigned).await?;
                zt_membership::Entity::delete_many()
                    .filter(zt_membership::Column::JoinRequestId.eq(request.id))
                    .exec(&self.services.db)
                    .await
                    .map_err(|e| internal("Removing the membership", &e))?;
            }
            _ => {}
        }
        let file = match (desired, ip) {
            (Desired::Member, Some(ip)) => self.peer_file(request, &context, ip, false).await?,
            (Desired::Paused, Some(ip)) => self.peer_file(request, &context, ip, true).await?,
            _ => PeerFile::Remove(PeerConfig::file_name_of(request.id)),
        };
        self.change_route_servers(request.id, file).await
    }

    /// The request's address as stored, if it has one (text form).
    async fn assigned_ip(&self, request: &join_request::Model) -> Result<Vec<String>, Failure> {
        let assignment = crate::entities::zt_ipv6_assignment::Entity::find()
            .filter(crate::entities::zt_ipv6_assignment::Column::JoinRequestId.eq(request.id))
            .one(&self.services.db)
            .await
            .map_err(|e| internal("Reading the IPv6 address", &e))?;
        Ok(assignment.map(|a| a.assigned_ip).into_iter().collect())
    }

    /// Deletes `node` from the controller when it is this request's (see [`is_ours`]).
    async fn take_off(&self, request: &join_request::Model, context: &Context, node: &NodeId, ours: &[String]) -> Result<(), Failure> {
        let provider = self.services.provisioning.provider().map_err(Failure::from)?;
        match provider.member(&context.network, node).await.map_err(Failure::from)? {
            Some(remote) if is_ours(&remote, request.id, ours) => provider.delete_member(&context.network, node).await.map_err(Failure::from),
            _ => Ok(()),
        }
    }

    /// Deauthorizes `node`, keeping its address, and records the membership as such.
    async fn pause(&self, request: &join_request::Model, context: &Context, node: &NodeId, ours: &[String]) -> Result<(), Failure> {
        let provider = self.services.provisioning.provider().map_err(Failure::from)?;
        if let Some(remote) = provider.member(&context.network, node).await.map_err(Failure::from)? {
            if remote.authorized && is_ours(&remote, request.id, ours) {
                provider.deauthorize_member(&context.network, node).await.map_err(Failure::from)?;
            }
        }
        zt_membership::Entity::update_many()
            .col_expr(zt_membership::Column::IsAuthorized, Expr::value(false))
            .col_expr(zt_membership::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(zt_membership::Column::JoinRequestId.eq(request.id))
            .exec(&self.services.db)
            .await
            .map_err(|e| internal("Storing the membership", &e))?;
        Ok(())
    }

    /// Marks the revision this attempt started from as done and releases the lease. A
    /// change made meanwhile keeps the request due.
    async fn converged(&self, request: &join_request::Model) -> Result<Outcome, DbErr> {
        let txn = self.services.db.begin().await?;
        let done = join_request::Entity::update_many()
            .col_expr(join_request::Column::SyncDueAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .col_expr(join_request::Column::SyncAttempts, Expr::value(0))
            .col_expr(join_request::Column::RetiringNodeId, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LastErrorCode, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LastErrorAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .col_expr(join_request::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(join_request::Column::Id.eq(request.id))
            .filter(join_request::Column::LeaseOwner.eq(self.id.as_ref()))
            .filter(join_request::Column::DesiredRevision.eq(request.desired_revision))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            txn.rollback().await?;
            self.release(request).await?;
            return Ok(Outcome::LeaseLost(request.id));
        }
        let mut entry = AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestConverged, "join_request", request.id)
            .with("status", request.status.as_str())
            .with("revision", request.desired_revision)
            .with("worker", self.id.as_ref());
        if let Some(old) = &request.retiring_node_id {
            entry = entry.with("retired_node_id", old.as_str());
        }
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        tracing::info!("converged");
        Ok(Outcome::Converged(request.id))
    }

    /// Records a failed attempt and when the next one is due.
    async fn converge_failed(&self, request: &join_request::Model, failure: &Failure) -> Result<Outcome, DbErr> {
        let attempts = u32::try_from(request.sync_attempts).unwrap_or(0).saturating_add(1);
        let next = Utc::now() + self.services.settings.worker.converge_backoff(attempts);
        let txn = self.services.db.begin().await?;
        let recorded = join_request::Entity::update_many()
            .col_expr(join_request::Column::SyncDueAt, Expr::value(next))
            .col_expr(join_request::Column::SyncAttempts, Expr::col(join_request::Column::SyncAttempts).add(1))
            .col_expr(join_request::Column::LastError, Expr::value(failure.detail.as_str()))
            .col_expr(join_request::Column::LastErrorCode, Expr::value(failure.code.as_str()))
            .col_expr(join_request::Column::LastErrorAt, Expr::value(Utc::now()))
            .col_expr(join_request::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(join_request::Column::Id.eq(request.id))
            .filter(join_request::Column::LeaseOwner.eq(self.id.as_ref()))
            .exec(&txn)
            .await?;
        if recorded.rows_affected == 0 {
            txn.rollback().await?;
            return Ok(Outcome::LeaseLost(request.id));
        }
        audit::record(
            &txn,
            AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestConvergeFailed, "join_request", request.id)
                .with("status", request.status.as_str())
                .with("error_code", failure.code.as_str())
                .with("error", failure.detail.as_str())
                .with("attempt", attempts)
                .with("next_attempt_at", next.to_rfc3339()),
        )
        .await?;
        txn.commit().await?;
        tracing::warn!(code = %failure.code, error = %failure.detail, attempts, "convergence failed; will retry");
        Ok(Outcome::ConvergeFailed(request.id))
    }

    /// Gives the lease back without recording anything (the request stays due).
    async fn release(&self, request: &join_request::Model) -> Result<(), DbErr> {
        join_request::Entity::update_many()
            .col_expr(join_request::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(join_request::Column::Id.eq(request.id))
            .filter(join_request::Column::LeaseOwner.eq(self.id.as_ref()))
            .exec(&self.services.db)
            .await
            .map(|_| ())
    }
}
