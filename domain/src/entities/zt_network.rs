//! An exchange network: a ZeroTier network whose members peer with each other.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zt_network")]
pub struct Model {
    /// 16 lower-case hex digits.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// The /64 members are numbered from; see `provisioning::ipv6`.
    pub ipv6_prefix: Option<String>,
    /// Networks removed from the runtime config stay, inactive, for history.
    pub is_active: bool,
    /// What a failed IRR check does on this network's route servers.
    pub irr_filter: crate::routeservers::IrrMode,
    /// The route servers on the peering LAN, as configured (JSON list of
    /// `settings::RouteServerPeerSettings`).
    pub route_servers: String,
    /// How the network is published (JSON `settings::PublishedNetwork`).
    pub published: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
