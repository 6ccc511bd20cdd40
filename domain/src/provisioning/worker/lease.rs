//! The worker's claim on a request: taking an approved one, taking over one whose
//! worker's lease ran out (audited in the same transaction), and keeping the lease alive.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::Worker;
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::join_request;
use crate::workflow::{self, RequestStatus, TransitionError};

impl Worker {
    pub(super) fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.services.settings.worker.lease_seconds.into())
    }

    /// Claims one request: an approved one, or one whose worker's lease expired.
    pub async fn claim(&self) -> Result<Option<join_request::Model>, DbErr> {
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

    /// Keeps the lease alive while a request is being provisioned.
    pub(super) async fn heartbeat(&self, id: Uuid) {
        let every = (self.lease() / 3).to_std().unwrap_or(Duration::from_secs(10)).max(Duration::from_millis(200));
        loop {
            tokio::time::sleep(every).await;
            let renewed = join_request::Entity::update_many()
                .col_expr(join_request::Column::LeaseExpiresAt, Expr::value(Utc::now() + self.lease()))
                .filter(join_request::Column::Id.eq(id))
                .filter(join_request::Column::Status.eq(RequestStatus::Provisioning))
                .filter(join_request::Column::LeaseOwner.eq(self.id.as_ref()))
                .exec(&self.services.db)
                .await;
            if !matches!(renewed, Ok(r) if r.rows_affected == 1) {
                return;
            }
        }
    }
}
