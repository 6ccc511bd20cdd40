//! When a route server's sessions were last read, and why the last read failed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "route_server_read")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    /// The last read that succeeded.
    pub read_at: Option<DateTimeUtc>,
    pub attempted_at: DateTimeUtc,
    /// Why the last attempt failed; `None` after a good read.
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
