//! The ZeroTier member a request produced (one per request).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zt_membership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub join_request_id: Uuid,
    pub zt_network_id: String,
    pub node_id: String,
    pub member_id: String,
    pub is_authorized: bool,
    /// JSON array of the addresses the controller holds for the member.
    pub assigned_ips: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::join_request::Entity",
        from = "Column::JoinRequestId",
        to = "super::join_request::Column::Id"
    )]
    JoinRequest,
}

impl Related<super::join_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JoinRequest.def()
    }
}

impl Model {
    /// The addresses the controller holds for the member. A row that does not hold a
    /// list of addresses is corrupt, and says so instead of reading as none.
    pub fn assigned_ips(&self) -> Result<Vec<std::net::IpAddr>, DbErr> {
        serde_json::from_value(self.assigned_ips.clone()).map_err(|e| {
            DbErr::Type(format!("zt_membership {}: assigned_ips is not a list of addresses ({e}): {}", self.id, self.assigned_ips))
        })
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn member(ips: serde_json::Value) -> super::Model {
        let now = chrono::Utc::now();
        super::Model {
            id: uuid::Uuid::nil(),
            join_request_id: uuid::Uuid::nil(),
            zt_network_id: "1122334455000001".into(),
            node_id: "aabbccddee".into(),
            member_id: "aabbccddee".into(),
            is_authorized: true,
            assigned_ips: ips,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn addresses_are_typed_and_a_corrupt_row_is_an_error() {
        let ips = member(json!(["2001:db8:1:0:6:5001:0:1"])).assigned_ips().unwrap();
        assert_eq!(ips, ["2001:db8:1:0:6:5001:0:1".parse::<std::net::IpAddr>().unwrap()]);
        assert!(member(json!({"not": "a list"})).assigned_ips().is_err());
        assert!(member(json!(["not an address"])).assigned_ips().is_err());
    }
}
