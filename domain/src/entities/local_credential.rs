//! The password login of a local account, with its optional TOTP second factor.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "local_credential")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    /// Lower-cased and trimmed.
    #[sea_orm(unique)]
    pub login_username: String,
    /// An argon2id PHC string; never logged, never returned.
    pub password_hash: String,
    pub is_enabled: bool,
    pub last_login_at: Option<DateTimeUtc>,
    /// The confirmed TOTP secret (base32); `None` when two-factor login is off.
    pub totp_secret: Option<String>,
    /// A secret being set up, until a first code confirms it.
    pub totp_pending_secret: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last time step a code was accepted for: a code is taken once.
    pub totp_last_step: Option<i64>,
    /// Created without a password: nobody can log in until its set-password link is used.
    pub awaiting_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::app_user::Entity",
        from = "Column::UserId",
        to = "super::app_user::Column::Id"
    )]
    User,
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
