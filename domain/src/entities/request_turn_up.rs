//! When a member's BGP sessions came up.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_turn_up")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub join_request_id: Uuid,
    /// The first read in which every route server had an established session.
    pub established_at: Option<DateTimeUtc>,
    /// The last read in which at least one session was established.
    pub session_up_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
