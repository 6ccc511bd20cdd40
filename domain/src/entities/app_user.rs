//! A person who uses the portal: a network operator, and possibly an admin.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Set for users who logged in with PeeringDB; the upsert key of that login.
    #[sea_orm(unique)]
    pub peeringdb_user_id: Option<i64>,
    pub username: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    /// The language the person last used (`en-US`, `zh-CN`, `he`), for their e-mail.
    pub locale: Option<String>,
    /// JSON list of the notification kinds the person turned off.
    pub notifications_off: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_asn::Entity")]
    UserAsn,
    #[sea_orm(has_one = "super::local_credential::Entity")]
    LocalCredential,
    #[sea_orm(has_many = "super::join_request::Entity")]
    JoinRequest,
}

impl Related<super::user_asn::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAsn.def()
    }
}

impl Related<super::local_credential::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalCredential.def()
    }
}

impl Related<super::join_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::JoinRequest.def()
    }
}

impl Model {
    /// How the portal names this person: their full name, else their username.
    pub fn display_name(&self) -> &str {
        self.full_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&self.username)
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    #[test]
    fn the_full_name_is_preferred_to_the_username() {
        let now = chrono::Utc::now();
        let mut user = super::Model {
            id: uuid::Uuid::nil(),
            peeringdb_user_id: None,
            username: "noc".into(),
            full_name: Some("Ada Peering".into()),
            email: None,
            is_admin: false,
            locale: None,
            notifications_off: "[]".into(),
            created_at: now,
            updated_at: now,
        };
        assert_eq!(user.display_name(), "Ada Peering");
        user.full_name = Some("  ".into());
        assert_eq!(user.display_name(), "noc");
        user.full_name = None;
        assert_eq!(user.display_name(), "noc");
    }
}
