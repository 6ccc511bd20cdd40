//! The exchange's ZeroTier networks and per-user network restrictions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::constraints::lower_hex;
use crate::m20261128_000001_identity::AppUser;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ZtNetwork {
    Table,
    Id,
    Name,
    Description,
    Ipv6Prefix,
    IsActive,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserNetworkAccess {
    Table,
    Id,
    UserId,
    ZtNetworkId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(ZtNetwork::Table)
                    .col(string_len(ZtNetwork::Id, 16).primary_key())
                    .col(string_len(ZtNetwork::Name, 255))
                    .col(text_null(ZtNetwork::Description))
                    .col(string_len_null(ZtNetwork::Ipv6Prefix, 64))
                    .col(boolean(ZtNetwork::IsActive).default(true))
                    .col(timestamp_with_time_zone(ZtNetwork::CreatedAt))
                    .col(timestamp_with_time_zone(ZtNetwork::UpdatedAt))
                    .check(lower_hex(backend, "id", 16))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserNetworkAccess::Table)
                    .col(pk_uuid(UserNetworkAccess::Id))
                    .col(uuid(UserNetworkAccess::UserId))
                    .col(string_len(UserNetworkAccess::ZtNetworkId, 16))
                    .col(timestamp_with_time_zone(UserNetworkAccess::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserNetworkAccess::Table, UserNetworkAccess::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserNetworkAccess::Table, UserNetworkAccess::ZtNetworkId)
                            .to(ZtNetwork::Table, ZtNetwork::Id),
                    )
                    .index(
                        Index::create()
                            .name("uq_user_network_access_user_network")
                            .col(UserNetworkAccess::UserId)
                            .col(UserNetworkAccess::ZtNetworkId)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserNetworkAccess::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ZtNetwork::Table).to_owned())
            .await
    }
}
