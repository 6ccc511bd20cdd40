//! One BGP session on one route server, as `birdc` last reported it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bgp_session")]
pub struct Model {
    /// The route server, as written in `ROUTE_SERVER_HOSTS`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    /// `ztix_<request>_<n>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub protocol: String,
    pub join_request_id: Uuid,
    pub neighbor: String,
    /// `established`, `idle`, `connect`, `active`, `opensent`, `openconfirm` or `down`.
    pub state: String,
    /// What BIRD said, as it said it (`Established`, `Active`, …).
    pub bgp_state: String,
    /// BIRD's own "since" column, in the route server's time format.
    pub since_text: String,
    /// When the portal first read the current state.
    pub state_changed_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub v4_imported: i64,
    pub v4_filtered: i64,
    pub v4_exported: i64,
    pub v6_imported: i64,
    pub v6_filtered: i64,
    pub v6_exported: i64,
    pub read_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::join_request::Entity", from = "Column::JoinRequestId", to = "super::join_request::Column::Id")]
    JoinRequest,
}

impl Related<super::join_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JoinRequest.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
