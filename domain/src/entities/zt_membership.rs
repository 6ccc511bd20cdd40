//! The ZeroTier member a request produced (one per request).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zt_membership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub join_request_id: Uuid,
    pub zt_network_id: String,
    pub node_id: String,
    pub member_id: String,
    pub is_authorized: bool,
    /// JSON array of the addresses the controller holds for the member.
    pub assigned_ips: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::join_request::Entity",
        from = "Column::JoinRequestId",
        to = "super::join_request::Column::Id"
    )]
    JoinRequest,
}

impl Related<super::join_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JoinRequest.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
