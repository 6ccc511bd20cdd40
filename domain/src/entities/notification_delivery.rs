//! One event delivered on one channel to one recipient (unique together).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_delivery")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    /// A `contract::Channel`.
    pub channel: String,
    /// The user's or the endpoint's id.
    pub target: String,
    /// The e-mail address or the URL, as of the dispatch.
    pub recipient: String,
    /// A `contract::DeliveryStatus`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A sender is on it until then.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub response_status: Option<i32>,
    pub latency_ms: Option<i64>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
