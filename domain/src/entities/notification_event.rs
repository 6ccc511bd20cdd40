//! An event worth telling someone about, written in the transaction of the change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_event")]
pub struct Model {
    /// The audit event's id where there is one: the idempotency key of its deliveries.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// A `contract::NotificationKind`.
    pub kind: String,
    pub request_id: Option<Uuid>,
    /// JSON: what the messages say (status, reason, the endpoint of a test delivery…).
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// Its deliveries exist.
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
