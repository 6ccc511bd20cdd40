//! Whether a member's ZeroTier node is online, as the controller last saw it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "node_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub join_request_id: Uuid,
    pub node_id: String,
    /// `online`, `relayed`, `offline` or `unseen`.
    pub state: String,
    pub last_seen_at: Option<DateTimeUtc>,
    pub version: Option<String>,
    pub latency_ms: Option<i32>,
    pub read_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
