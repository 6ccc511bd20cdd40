//! A person who uses the portal: a network operator, and possibly an admin.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Set for users who logged in with PeeringDB; the upsert key of that login.
    #[sea_orm(unique)]
    pub peeringdb_user_id: Option<i64>,
    pub username: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_asn::Entity")]
    UserAsn,
    #[sea_orm(has_many = "super::join_request::Entity")]
    JoinRequest,
}

impl Related<super::user_asn::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAsn.def()
    }
}

impl Related<super::join_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JoinRequest.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
