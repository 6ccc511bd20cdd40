//! What PeeringDB says of a member's network (`GET /api/net?asn=N`), cached.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_policy")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asn: i64,
    pub net_id: Option<i64>,
    /// PeeringDB has a network for this ASN (a fetch that found none sets this false).
    pub listed: bool,
    /// The network's name in PeeringDB.
    pub name: Option<String>,
    pub irr_as_set: Option<String>,
    pub info_prefixes4: Option<i64>,
    pub info_prefixes6: Option<i64>,
    pub never_via_route_servers: bool,
    /// The last successful fetch; the values above are from then.
    pub fetched_at: Option<DateTimeUtc>,
    /// The last attempt, successful or not.
    pub attempted_at: Option<DateTimeUtc>,
    /// Why the last attempt failed; `None` after a success.
    pub fetch_error: Option<String>,
    pub due_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
