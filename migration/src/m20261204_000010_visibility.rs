//! Turn-up and visibility (SPEC §7):
//!
//! - `bgp_session`: each route server's BGP sessions with members as last read with
//!   `birdc show protocols all` (state, since when, last error, routes per family);
//! - `route_server_read`: when each route server was last read, and why the last read
//!   failed (its sessions are then unknown, never down);
//! - `request_turn_up`: when every route server first had an established session with
//!   the member, and when one last had;
//! - `node_state`: whether the member's node is online, relayed or unseen, as the
//!   controller last saw it;
//! - `zt_network.route_servers`: the route servers on the network's peering LAN.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261128_000003_join_requests::JoinRequest;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BgpSession {
    Table,
    Host,
    Protocol,
    JoinRequestId,
    Neighbor,
    State,
    BgpState,
    SinceText,
    StateChangedAt,
    LastError,
    V4Imported,
    V4Filtered,
    V4Exported,
    V6Imported,
    V6Filtered,
    V6Exported,
    ReadAt,
}

#[derive(DeriveIden)]
enum RouteServerRead {
    Table,
    Host,
    ReadAt,
    AttemptedAt,
    Error,
}

#[derive(DeriveIden)]
enum RequestTurnUp {
    Table,
    JoinRequestId,
    EstablishedAt,
    SessionUpAt,
}

#[derive(DeriveIden)]
enum NodeState {
    Table,
    JoinRequestId,
    NodeId,
    State,
    LastSeenAt,
    Version,
    LatencyMs,
    ReadAt,
}

#[derive(DeriveIden)]
enum ZtNetwork {
    Table,
    RouteServers,
}

fn cascade(name: &str, from: (impl IntoIden + 'static, impl IntoIden + 'static)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(JoinRequest::Table, JoinRequest::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let states = ["established", "idle", "connect", "active", "opensent", "openconfirm", "down"];
        manager
            .create_table(
                Table::create()
                    .table(BgpSession::Table)
                    .col(string_len(BgpSession::Host, 255))
                    .col(string_len(BgpSession::Protocol, 64))
                    .col(uuid(BgpSession::JoinRequestId))
                    .col(string_len(BgpSession::Neighbor, 64))
                    .col(string_len(BgpSession::State, 16).check(Expr::col(BgpSession::State).is_in(states)))
                    .col(string_len(BgpSession::BgpState, 32))
                    .col(string_len(BgpSession::SinceText, 32))
                    .col(timestamp_with_time_zone(BgpSession::StateChangedAt))
                    .col(text_null(BgpSession::LastError))
                    .col(big_integer(BgpSession::V4Imported).default(0))
                    .col(big_integer(BgpSession::V4Filtered).default(0))
                    .col(big_integer(BgpSession::V4Exported).default(0))
                    .col(big_integer(BgpSession::V6Imported).default(0))
                    .col(big_integer(BgpSession::V6Filtered).default(0))
                    .col(big_integer(BgpSession::V6Exported).default(0))
                    .col(timestamp_with_time_zone(BgpSession::ReadAt))
                    .primary_key(Index::create().col(BgpSession::Host).col(BgpSession::Protocol))
                    .foreign_key(&mut cascade("fk_bgp_session_request", (BgpSession::Table, BgpSession::JoinRequestId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_bgp_session_request").table(BgpSession::Table).col(BgpSession::JoinRequestId).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RouteServerRead::Table)
                    .col(string_len(RouteServerRead::Host, 255).primary_key())
                    .col(timestamp_with_time_zone_null(RouteServerRead::ReadAt))
                    .col(timestamp_with_time_zone(RouteServerRead::AttemptedAt))
                    .col(text_null(RouteServerRead::Error))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequestTurnUp::Table)
                    .col(uuid(RequestTurnUp::JoinRequestId).primary_key())
                    .col(timestamp_with_time_zone_null(RequestTurnUp::EstablishedAt))
                    .col(timestamp_with_time_zone_null(RequestTurnUp::SessionUpAt))
                    .foreign_key(&mut cascade("fk_request_turn_up_request", (RequestTurnUp::Table, RequestTurnUp::JoinRequestId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NodeState::Table)
                    .col(uuid(NodeState::JoinRequestId).primary_key())
                    .col(string_len(NodeState::NodeId, 10))
                    .col(string_len(NodeState::State, 16).check(Expr::col(NodeState::State).is_in(["online", "relayed", "offline", "unseen"])))
                    .col(timestamp_with_time_zone_null(NodeState::LastSeenAt))
                    .col(string_len_null(NodeState::Version, 32))
                    .col(integer_null(NodeState::LatencyMs))
                    .col(timestamp_with_time_zone(NodeState::ReadAt))
                    .foreign_key(&mut cascade("fk_node_state_request", (NodeState::Table, NodeState::JoinRequestId)))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(ZtNetwork::Table).add_column(text(ZtNetwork::RouteServers).default("[]")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(ZtNetwork::Table).drop_column(ZtNetwork::RouteServers).to_owned()).await?;
        let tables = [
            NodeState::Table.into_iden(),
            RequestTurnUp::Table.into_iden(),
            RouteServerRead::Table.into_iden(),
            BgpSession::Table.into_iden(),
        ];
        for table in tables {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
