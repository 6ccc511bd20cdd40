//! The last comparison of PeeringDB's `netixlan` entries with the portal's members.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "netixlan_check")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ixlan_id: i64,
    /// The last comparison that could read PeeringDB; `findings` are from then.
    pub checked_at: Option<DateTimeUtc>,
    pub attempted_at: DateTimeUtc,
    /// Why the last attempt failed (the findings are then stale); `None` after a success.
    pub error: Option<String>,
    /// JSON list of `contract::view::NetixlanFinding`.
    pub findings: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
