//! What an AS-SET (or `AS<n>`) expanded to with bgpq4: the last good expansion.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "irr_expansion")]
pub struct Model {
    /// The set names as given to bgpq4, space-separated (`AS-FOO AS65001`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub query: String,
    /// JSON arrays of prefix rules (`203.0.113.0/24`, `…{24,28}`), sorted.
    pub prefixes_v4: String,
    pub prefixes_v6: String,
    /// JSON array of origin ASNs, sorted.
    pub origins: String,
    /// The last successful expansion; the sets above are from then.
    pub expanded_at: Option<DateTimeUtc>,
    pub attempted_at: Option<DateTimeUtc>,
    /// Why the last attempt failed; `None` after a success.
    pub error: Option<String>,
    pub due_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
