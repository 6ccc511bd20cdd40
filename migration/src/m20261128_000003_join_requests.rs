//! Join requests: the status machine's rows, the worker's queue and its leases.

use sea_orm_migration::{prelude::*, schema::*};

use crate::constraints::{between, lower_hex, one_of};
use crate::m20261128_000001_identity::AppUser;
use crate::m20261128_000002_networks::ZtNetwork;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum JoinRequest {
    Table,
    Id,
    UserId,
    Asn,
    ZtNetworkId,
    Status,
    NodeId,
    Notes,
    RejectReason,
    LastError,
    LastErrorAt,
    RetryCount,
    LeaseOwner,
    LeaseExpiresAt,
    RequestedAt,
    DecidedAt,
    ProvisionedAt,
    CreatedAt,
    UpdatedAt,
}

const STATUSES: &[&str] = &["pending", "approved", "provisioning", "active", "rejected", "failed"];
const LIVE: &str = "status IN ('pending', 'approved', 'provisioning', 'active')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(JoinRequest::Table)
                    .col(pk_uuid(JoinRequest::Id))
                    .col(uuid(JoinRequest::UserId))
                    .col(big_integer(JoinRequest::Asn))
                    .col(string_len(JoinRequest::ZtNetworkId, 16))
                    .col(string_len(JoinRequest::Status, 16))
                    .col(string_len_null(JoinRequest::NodeId, 10))
                    .col(text_null(JoinRequest::Notes))
                    .col(text_null(JoinRequest::RejectReason))
                    .col(text_null(JoinRequest::LastError))
                    .col(timestamp_with_time_zone_null(JoinRequest::LastErrorAt))
                    .col(integer(JoinRequest::RetryCount).default(0))
                    .col(string_len_null(JoinRequest::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(JoinRequest::LeaseExpiresAt))
                    .col(timestamp_with_time_zone(JoinRequest::RequestedAt))
                    .col(timestamp_with_time_zone_null(JoinRequest::DecidedAt))
                    .col(timestamp_with_time_zone_null(JoinRequest::ProvisionedAt))
                    .col(timestamp_with_time_zone(JoinRequest::CreatedAt))
                    .col(timestamp_with_time_zone(JoinRequest::UpdatedAt))
                    .check(one_of("status", STATUSES))
                    .check(between("asn", 1, 4_294_967_295))
                    .check(lower_hex(backend, "zt_network_id", 16))
                    .check(lower_hex(backend, "node_id", 10))
                    // The reserved address and the ff… range are not valid ZeroTier nodes.
                    .check(Expr::cust("node_id <> '0000000000' AND node_id NOT LIKE 'ff%'"))
                    .check(Expr::cust("retry_count >= 0"))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JoinRequest::Table, JoinRequest::UserId)
                            .to(AppUser::Table, AppUser::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(JoinRequest::Table, JoinRequest::ZtNetworkId)
                            .to(ZtNetwork::Table, ZtNetwork::Id),
                    )
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        // At most one live request per (asn, network, node); a request without a node
        // id is its own single slot per (asn, network).
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX uq_join_request_live_node \
             ON join_request (asn, zt_network_id, node_id) \
             WHERE node_id IS NOT NULL AND {LIVE}"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX uq_join_request_live_without_node \
             ON join_request (asn, zt_network_id) \
             WHERE node_id IS NULL AND {LIVE}"
        ))
        .await?;

        for (name, cols) in [
            ("ix_join_request_user", vec![JoinRequest::UserId, JoinRequest::RequestedAt]),
            ("ix_join_request_status", vec![JoinRequest::Status, JoinRequest::RequestedAt]),
            ("ix_join_request_requested_at", vec![JoinRequest::RequestedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(JoinRequest::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JoinRequest::Table).to_owned())
            .await
    }
}
