//! Whether a member's details are listed publicly, as the member chose for its ASN.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_listing")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asn: i64,
    /// Name, member since, max-prefix and AS-SET are listed.
    pub details: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
