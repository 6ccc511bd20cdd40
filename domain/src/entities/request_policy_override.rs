//! An admin's route-server policy for one request, over what PeeringDB says.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_policy_override")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub join_request_id: Uuid,
    pub max_prefixes_v4: Option<i64>,
    pub max_prefixes_v6: Option<i64>,
    pub irr_as_set: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
