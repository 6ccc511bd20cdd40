//! The exchange's publications (IX-F member export, public member list, PeeringDB
//! checks):
//!
//! - `zt_network.published`: how the network is published (IX-F vlan id, looking-glass
//!   URLs), JSON as configured;
//! - `member_policy.name`: the network's name in PeeringDB;
//! - `member_listing`: whether a member's details are listed, as the member chose (no
//!   row: the exchange's default);
//! - `netixlan_check`: the last comparison of PeeringDB's `netixlan` entries of the
//!   exchange's `ixlan` with the portal's members (findings as JSON), kept through
//!   PeeringDB outages.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ZtNetwork {
    Table,
    Published,
}

#[derive(DeriveIden)]
enum MemberPolicy {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum MemberListing {
    Table,
    Asn,
    Details,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NetixlanCheck {
    Table,
    IxlanId,
    CheckedAt,
    AttemptedAt,
    Error,
    Findings,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(ZtNetwork::Table).add_column(text(ZtNetwork::Published).default("{}")).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(MemberPolicy::Table).add_column(string_len_null(MemberPolicy::Name, 255)).to_owned()).await?;
        manager
            .create_table(
                Table::create()
                    .table(MemberListing::Table)
                    .col(big_integer(MemberListing::Asn).primary_key())
                    .col(boolean(MemberListing::Details))
                    .col(timestamp_with_time_zone(MemberListing::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NetixlanCheck::Table)
                    .col(big_integer(NetixlanCheck::IxlanId).primary_key())
                    .col(timestamp_with_time_zone_null(NetixlanCheck::CheckedAt))
                    .col(timestamp_with_time_zone(NetixlanCheck::AttemptedAt))
                    .col(text_null(NetixlanCheck::Error))
                    .col(text(NetixlanCheck::Findings).default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(NetixlanCheck::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MemberListing::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(MemberPolicy::Table).drop_column(MemberPolicy::Name).to_owned()).await?;
        manager.alter_table(Table::alter().table(ZtNetwork::Table).drop_column(ZtNetwork::Published).to_owned()).await
    }
}
