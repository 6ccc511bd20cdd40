//! The worker's claim on a request: taking an approved one, taking over one whose
//! worker's lease ran out (audited in the same transaction), and keeping the lease alive.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::Worker;
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::join_request;
use crate::workflow::{self, RequestStatus, TransitionError};

/// One piece of work a worker has claimed, under its lease.
#[derive(Debug, Clone)]
pub enum Job {
    /// An approved request to provision (now `provisioning`).
    Provision(join_request::Model),
    /// A request whose controller member and peer files must follow its status.
    Converge(join_request::Model),
}

impl Job {
    pub fn request(&self) -> &join_request::Model {
        match self {
            Self::Provision(request) | Self::Converge(request) => request,
        }
    }
}

impl Worker {
    pub(super) fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.services.settings.worker.lease_seconds.into())
    }

    /// Claims one piece of work: an approved request, one whose worker's lease expired,
    /// or one due for convergence.
    pub async fn claim(&self) -> Result<Option<Job>, DbErr> {
        if let Some(request) = self.claim_provisioning().await? {
            return Ok(Some(Job::Provision(request)));
        }
        Ok(self.claim_convergence().await?.map(Job::Converge))
    }

    /// Claims a request due for convergence whose lease is free or ran out; a takeover
    /// from a worker that stopped is audited with the claim.
    pub(super) async fn claim_convergence(&self) -> Result<Option<join_request::Model>, DbErr> {
        let db = &self.services.db;
        let now = Utc::now();
        let free = || {
            Condition::any().add(join_request::Column::LeaseOwner.is_null()).add(join_request::Column::LeaseExpiresAt.lt(now))
        };
        let due: Vec<join_request::Model> = join_request::Entity::find()
            .filter(join_request::Column::SyncDueAt.lte(now))
            .filter(join_request::Column::Status.ne(RequestStatus::Provisioning))
            .filter(free())
            .order_by_asc(join_request::Column::SyncDueAt)
            .limit(16)
            .all(db)
            .await?;
        for candidate in due {
            let txn = db.begin().await?;
            let taken = join_request::Entity::update_many()
                .col_expr(join_request::Column::LeaseOwner, Expr::value(self.id.as_ref()))
                .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(now + self.lease()))
                .filter(join_request::Column::Id.eq(candidate.id))
                .filter(join_request::Column::SyncDueAt.lte(now))
                .filter(join_request::Column::Status.ne(RequestStatus::Provisioning))
                .filter(free())
                .exec_with_returning(&txn)
                .await?;
            let Some(request) = taken.into_iter().next() else { continue };
            if let Some(previous) = &candidate.lease_owner {
                audit::record(
                    &txn,
                    AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestLeaseRecovered, "join_request", request.id)
                        .with("previous_worker", previous.as_str())
                        .with("worker", self.id.as_ref())
                        .with("status", request.status.as_str()),
                )
                .await?;
                tracing::warn!(request.id = %request.id, previous = %previous, "took over a convergence whose lease expired");
            }
            txn.commit().await?;
            return Ok(Some(request));
        }
        Ok(None)
    }

    /// Claims an approved request, or takes over a provisioning one whose lease expired.
    async fn claim_provisioning(&self) -> Result<Option<join_request::Model>, DbErr> {
        let db = &self.services.db;
        let approved: Vec<Uuid> = join_request::Entity::find()
            .select_only()
            .column(join_request::Column::Id)
            .filter(join_request::Column::Status.eq(RequestStatus::Approved))
            .order_by_asc(join_request::Column::UpdatedAt)
            .limit(16)
            .into_tuple()
            .all(db)
            .await?;
        for id in approved {
            match workflow::start_provisioning(db, id, &self.id, self.lease()).await {
                Ok(request) => return Ok(Some(request)),
                Err(TransitionError::Database(e)) => return Err(e),
                Err(_) => continue, // another worker was faster
            }
        }
        self.recover_expired().await
    }

    /// Takes over a `provisioning` request whose lease ran out (its worker crashed).
    async fn recover_expired(&self) -> Result<Option<join_request::Model>, DbErr> {
        let db = &self.services.db;
        let now = Utc::now();
        let expired = join_request::Entity::find()
            .filter(join_request::Column::Status.eq(RequestStatus::Provisioning))
            .filter(join_request::Column::LeaseExpiresAt.lt(now))
            .order_by_asc(join_request::Column::LeaseExpiresAt)
            .limit(16)
            .all(db)
            .await?;
        for stale in expired {
            // The takeover and its audit event are one unit: both or neither.
            let txn = db.begin().await?;
            let taken = join_request::Entity::update_many()
                .col_expr(join_request::Column::LeaseOwner, Expr::value(self.id.as_ref()))
                .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(now + self.lease()))
                .col_expr(join_request::Column::UpdatedAt, Expr::value(now))
                .filter(join_request::Column::Id.eq(stale.id))
                .filter(join_request::Column::Status.eq(RequestStatus::Provisioning))
                .filter(join_request::Column::LeaseExpiresAt.lt(now))
                .exec_with_returning(&txn)
                .await?;
            let Some(request) = taken.into_iter().next() else { continue };
            audit::record(
                &txn,
                AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestLeaseRecovered, "join_request", request.id)
                    .with("previous_worker", stale.lease_owner.clone())
                    .with("worker", self.id.as_ref()),
            )
            .await?;
            txn.commit().await?;
            tracing::warn!(request.id = %request.id, previous = ?stale.lease_owner, "took over a request whose lease expired");
            return Ok(Some(request));
        }
        Ok(None)
    }

    /// Keeps the lease alive while a request is being provisioned or converged.
    pub(super) async fn heartbeat(&self, id: Uuid) {
        let every = (self.lease() / 3).to_std().unwrap_or(Duration::from_secs(10)).max(Duration::from_millis(200));
        loop {
            tokio::time::sleep(every).await;
            let renewed = join_request::Entity::update_many()
                .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(Utc::now() + self.lease()))
                .filter(join_request::Column::Id.eq(id))
                .filter(join_request::Column::LeaseOwner.eq(self.id.as_ref()))
                .exec(&self.services.db)
                .await;
            if !matches!(renewed, Ok(r) if r.rows_affected == 1) {
                return;
            }
        }
    }
}
