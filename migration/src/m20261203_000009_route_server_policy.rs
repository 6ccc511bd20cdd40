//! Route-server policy per member (SPEC §7):
//!
//! - `member_policy`: what PeeringDB says of an ASN (`GET /api/net`), cached with when it
//!   was fetched, the last failed attempt and when it is due again; a failed fetch keeps
//!   the last known values;
//! - `irr_expansion`: the prefixes and origin ASNs an AS-SET (or `AS<n>`) expanded to
//!   with bgpq4, keyed by the set as queried; a failed expansion keeps the last good one;
//! - `request_policy_override`: an admin's per-request max-prefix limits and AS-SET;
//! - `zt_network.irr_filter`: whether IRR failures reject routes or only tag them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261128_000003_join_requests::JoinRequest;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MemberPolicy {
    Table,
    Asn,
    NetId,
    Listed,
    IrrAsSet,
    InfoPrefixes4,
    InfoPrefixes6,
    NeverViaRouteServers,
    FetchedAt,
    AttemptedAt,
    FetchError,
    DueAt,
}

#[derive(DeriveIden)]
enum IrrExpansion {
    Table,
    Query,
    PrefixesV4,
    PrefixesV6,
    Origins,
    ExpandedAt,
    AttemptedAt,
    Error,
    DueAt,
}

#[derive(DeriveIden)]
enum RequestPolicyOverride {
    Table,
    JoinRequestId,
    MaxPrefixesV4,
    MaxPrefixesV6,
    IrrAsSet,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ZtNetwork {
    Table,
    IrrFilter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MemberPolicy::Table)
                    .col(big_integer(MemberPolicy::Asn).primary_key().check(Expr::col(MemberPolicy::Asn).between(1, 4_294_967_295i64)))
                    .col(big_integer_null(MemberPolicy::NetId))
                    .col(boolean(MemberPolicy::Listed).default(false))
                    .col(string_len_null(MemberPolicy::IrrAsSet, 255))
                    .col(big_integer_null(MemberPolicy::InfoPrefixes4).check(Expr::col(MemberPolicy::InfoPrefixes4).gte(0)))
                    .col(big_integer_null(MemberPolicy::InfoPrefixes6).check(Expr::col(MemberPolicy::InfoPrefixes6).gte(0)))
                    .col(boolean(MemberPolicy::NeverViaRouteServers).default(false))
                    .col(timestamp_with_time_zone_null(MemberPolicy::FetchedAt))
                    .col(timestamp_with_time_zone_null(MemberPolicy::AttemptedAt))
                    .col(text_null(MemberPolicy::FetchError))
                    .col(timestamp_with_time_zone(MemberPolicy::DueAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_member_policy_due").table(MemberPolicy::Table).col(MemberPolicy::DueAt).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IrrExpansion::Table)
                    .col(string_len(IrrExpansion::Query, 300).primary_key())
                    .col(text(IrrExpansion::PrefixesV4).default("[]"))
                    .col(text(IrrExpansion::PrefixesV6).default("[]"))
                    .col(text(IrrExpansion::Origins).default("[]"))
                    .col(timestamp_with_time_zone_null(IrrExpansion::ExpandedAt))
                    .col(timestamp_with_time_zone_null(IrrExpansion::AttemptedAt))
                    .col(text_null(IrrExpansion::Error))
                    .col(timestamp_with_time_zone(IrrExpansion::DueAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_irr_expansion_due").table(IrrExpansion::Table).col(IrrExpansion::DueAt).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequestPolicyOverride::Table)
                    .col(uuid(RequestPolicyOverride::JoinRequestId).primary_key())
                    .col(big_integer_null(RequestPolicyOverride::MaxPrefixesV4).check(Expr::col(RequestPolicyOverride::MaxPrefixesV4).between(1, 10_000_000)))
                    .col(big_integer_null(RequestPolicyOverride::MaxPrefixesV6).check(Expr::col(RequestPolicyOverride::MaxPrefixesV6).between(1, 10_000_000)))
                    .col(string_len_null(RequestPolicyOverride::IrrAsSet, 255))
                    .col(timestamp_with_time_zone(RequestPolicyOverride::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_request_policy_override_request")
                            .from(RequestPolicyOverride::Table, RequestPolicyOverride::JoinRequestId)
                            .to(JoinRequest::Table, JoinRequest::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ZtNetwork::Table)
                    .add_column(
                        string_len(ZtNetwork::IrrFilter, 8)
                            .default("enforce")
                            .check(Expr::col(ZtNetwork::IrrFilter).is_in(["enforce", "tag"])),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(ZtNetwork::Table).drop_column(ZtNetwork::IrrFilter).to_owned()).await?;
        for table in [RequestPolicyOverride::Table.into_iden(), IrrExpansion::Table.into_iden(), MemberPolicy::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
