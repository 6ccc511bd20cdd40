//! What provisioning produces: ZeroTier memberships and deterministic IPv6 allocations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::constraints::{between, lower_hex};
use crate::m20261128_000002_networks::ZtNetwork;
use crate::m20261128_000003_join_requests::JoinRequest;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ZtMembership {
    Table,
    Id,
    JoinRequestId,
    ZtNetworkId,
    NodeId,
    MemberId,
    IsAuthorized,
    AssignedIps,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ZtIpv6AllocationState {
    Table,
    Id,
    ZtNetworkId,
    Asn,
    LastSequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ZtIpv6Assignment {
    Table,
    Id,
    JoinRequestId,
    ZtNetworkId,
    Asn,
    Sequence,
    AssignedIp,
    CreatedAt,
}

fn request_fk(from: impl IntoIden + 'static, col: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(JoinRequest::Table, JoinRequest::Id)
        .to_owned()
}

fn network_fk(from: impl IntoIden + 'static, col: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(ZtNetwork::Table, ZtNetwork::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(ZtMembership::Table)
                    .col(pk_uuid(ZtMembership::Id))
                    .col(uuid_uniq(ZtMembership::JoinRequestId))
                    .col(string_len(ZtMembership::ZtNetworkId, 16))
                    .col(string_len(ZtMembership::NodeId, 10))
                    .col(string_len(ZtMembership::MemberId, 64))
                    .col(boolean(ZtMembership::IsAuthorized))
                    .col(json_binary(ZtMembership::AssignedIps))
                    .col(timestamp_with_time_zone(ZtMembership::CreatedAt))
                    .col(timestamp_with_time_zone(ZtMembership::UpdatedAt))
                    .check(lower_hex(backend, "zt_network_id", 16))
                    .check(lower_hex(backend, "node_id", 10))
                    .foreign_key(&mut request_fk(ZtMembership::Table, ZtMembership::JoinRequestId))
                    .foreign_key(&mut network_fk(ZtMembership::Table, ZtMembership::ZtNetworkId))
                    .index(
                        Index::create()
                            .name("uq_zt_membership_network_node")
                            .col(ZtMembership::ZtNetworkId)
                            .col(ZtMembership::NodeId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ZtIpv6AllocationState::Table)
                    .col(pk_uuid(ZtIpv6AllocationState::Id))
                    .col(string_len(ZtIpv6AllocationState::ZtNetworkId, 16))
                    .col(big_integer(ZtIpv6AllocationState::Asn))
                    .col(integer(ZtIpv6AllocationState::LastSequence))
                    .col(timestamp_with_time_zone(ZtIpv6AllocationState::CreatedAt))
                    .col(timestamp_with_time_zone(ZtIpv6AllocationState::UpdatedAt))
                    .check(between("asn", 1, 4_294_967_295))
                    .check(between("last_sequence", 0, 9999))
                    .foreign_key(&mut network_fk(
                        ZtIpv6AllocationState::Table,
                        ZtIpv6AllocationState::ZtNetworkId,
                    ))
                    .index(
                        Index::create()
                            .name("uq_zt_ipv6_allocation_state_network_asn")
                            .col(ZtIpv6AllocationState::ZtNetworkId)
                            .col(ZtIpv6AllocationState::Asn)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ZtIpv6Assignment::Table)
                    .col(pk_uuid(ZtIpv6Assignment::Id))
                    .col(uuid_uniq(ZtIpv6Assignment::JoinRequestId))
                    .col(string_len(ZtIpv6Assignment::ZtNetworkId, 16))
                    .col(big_integer(ZtIpv6Assignment::Asn))
                    .col(integer(ZtIpv6Assignment::Sequence))
                    .col(string_len(ZtIpv6Assignment::AssignedIp, 64))
                    .col(timestamp_with_time_zone(ZtIpv6Assignment::CreatedAt))
                    .check(between("asn", 1, 4_294_967_295))
                    .check(between("sequence", 1, 9999))
                    .foreign_key(&mut request_fk(
                        ZtIpv6Assignment::Table,
                        ZtIpv6Assignment::JoinRequestId,
                    ))
                    .foreign_key(&mut network_fk(
                        ZtIpv6Assignment::Table,
                        ZtIpv6Assignment::ZtNetworkId,
                    ))
                    .index(
                        Index::create()
                            .name("uq_zt_ipv6_assignment_network_asn_sequence")
                            .col(ZtIpv6Assignment::ZtNetworkId)
                            .col(ZtIpv6Assignment::Asn)
                            .col(ZtIpv6Assignment::Sequence)
                            .unique(),
                    )
                    .index(
                        Index::create()
                            .name("uq_zt_ipv6_assignment_network_ip")
                            .col(ZtIpv6Assignment::ZtNetworkId)
                            .col(ZtIpv6Assignment::AssignedIp)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ZtIpv6Assignment::Table.into_iden(),
            ZtIpv6AllocationState::Table.into_iden(),
            ZtMembership::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
