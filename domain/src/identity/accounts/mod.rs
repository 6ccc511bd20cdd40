//! Accounts as the operator CLI (`zt-ix users …`) and the admins' account screens and
//! API manage them, with the same code: every change is one transaction (a duplicate
//! username or an unknown network changes nothing), audited with who made it, and
//! nobody can remove the last enabled admin.

mod admin;
mod rules;

use rules::{clean_name, keep_an_admin, replace_local_asns, replace_networks, resolve_networks, unusable_password, valid_email, valid_username};

pub use admin::{end_sessions, find, issue_password_link, list, set_password_with_link, PasswordLink, PASSWORD_LINK_HOURS};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set};
use secrecy::SecretString;
use uuid::Uuid;

use super::local::normalize_username;
use super::{password, sessions, users};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::{app_user, local_credential};
use crate::settings::AuthSettings;
use crate::types::Asn;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("username '{0}' is already taken")]
    UsernameTaken(String),
    #[error("invalid username '{0}': use 1-64 characters a-z, 0-9, '.', '_', '-' or '@' (not starting with 'peeringdb-')")]
    InvalidUsername(String),
    #[error("no local account '{0}'")]
    NotFound(String),
    #[error("network '{0}' is not a configured exchange network (give its 16-hex id or 6-hex suffix)")]
    UnknownNetwork(String),
    #[error("network suffix '{0}' matches more than one network; give the full 16-hex id")]
    AmbiguousNetwork(String),
    #[error("invalid e-mail address '{0}'")]
    InvalidEmail(String),
    #[error("'{0}' is the last enabled admin; make someone else an admin first")]
    LastAdmin(String),
    #[error("'{0}' logs in with PeeringDB: its password and login state are PeeringDB's")]
    NotLocal(String),
    #[error("the set-password link is invalid, expired or already used")]
    InvalidLink,
    #[error("{0}")]
    Password(#[from] password::PasswordError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl AccountError {
    /// The public error code of this refusal (SPEC §5), and the field it is about.
    pub fn code(&self) -> (contract::ErrorCode, Option<&'static str>) {
        use contract::ErrorCode as C;
        match self {
            Self::UsernameTaken(_) => (C::UsernameTaken, Some("username")),
            Self::InvalidUsername(_) => (C::ValidationError, Some("username")),
            Self::NotFound(_) => (C::NotFound, None),
            Self::UnknownNetwork(_) | Self::AmbiguousNetwork(_) => (C::ValidationError, Some("networks")),
            Self::InvalidEmail(_) => (C::ValidationError, Some("email")),
            Self::Password(_) => (C::ValidationError, Some("password")),
            Self::LastAdmin(_) => (C::LastAdmin, None),
            Self::NotLocal(_) => (C::ValidationError, None),
            Self::InvalidLink => (C::InvalidPasswordLink, None),
            Self::Database(_) => (C::InternalError, None),
        }
    }
}

/// A new local account. Without a password, nobody can log in until a set-password
/// link (issued with the account) is used.
pub struct NewAccount {
    pub username: String,
    pub password: Option<SecretString>,
    pub is_admin: bool,
    pub asns: Vec<Asn>,
    pub networks: Vec<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
}

/// Changes to an account: `None` leaves a field as it is. `asns` and `networks` replace the
/// whole set (an empty list clears it).
#[derive(Default)]
pub struct AccountChanges {
    pub password: Option<SecretString>,
    pub is_admin: Option<bool>,
    pub asns: Option<Vec<Asn>>,
    pub networks: Option<Vec<String>>,
    pub full_name: Option<String>,
    pub email: Option<String>,
}

/// Who an account change is about: the CLI names users, the screens and API use ids.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    Username(&'a str),
    Id(Uuid),
}

impl<'a> From<&'a str> for Who<'a> {
    fn from(username: &'a str) -> Self {
        Self::Username(username)
    }
}

impl From<Uuid> for Who<'_> {
    fn from(id: Uuid) -> Self {
        Self::Id(id)
    }
}

impl std::fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Username(name) => f.write_str(name),
            Self::Id(id) => id.fmt(f),
        }
    }
}

/// One account as `users list` and the account screens show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountSummary {
    pub id: Uuid,
    pub username: String,
    /// `local` or `peeringdb`.
    pub kind: &'static str,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    pub is_enabled: bool,
    pub asns: Vec<i64>,
    pub networks: Vec<String>,
    /// Two-factor login is on (local accounts).
    pub totp: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl AccountSummary {
    /// What the screens and the JSON API show.
    pub fn view(&self) -> contract::view::Account {
        contract::view::Account {
            id: self.id.to_string(),
            username: self.username.clone(),
            kind: self.kind.to_owned(),
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            is_admin: self.is_admin,
            is_enabled: self.is_enabled,
            asns: self.asns.clone(),
            networks: self.networks.clone(),
            totp: self.totp,
            last_login_at: self.last_login_at.map(crate::clock::rfc3339),
            created_at: crate::clock::rfc3339(self.created_at),
        }
    }
}

/// The account `who` names, with its local credential if it has one.
pub async fn user_of<C: ConnectionTrait>(conn: &C, who: Who<'_>) -> Result<(app_user::Model, Option<local_credential::Model>), AccountError> {
    let user = match who {
        Who::Id(id) => users::find(conn, id).await?,
        Who::Username(name) => app_user::Entity::find().filter(app_user::Column::Username.eq(normalize_username(name))).one(conn).await?,
    };
    let user = user.ok_or_else(|| AccountError::NotFound(who.to_string()))?;
    let credential = local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user.id)).one(conn).await?;
    Ok((user, credential))
}

/// A unique-constraint violation (two creations racing for a username) is `UsernameTaken`.
fn taken_or(error: DbErr, username: &str) -> AccountError {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::UsernameTaken(username.to_owned()),
        _ => AccountError::Database(error),
    }
}

/// The operator CLI, as the audit trail names it.
pub fn cli() -> Actor {
    Actor::System(SystemActor::Cli)
}

/// Creates a local account. Without a password, the answer carries the account's first
/// set-password link.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    actor: Actor,
    new: NewAccount,
) -> Result<(app_user::Model, Option<PasswordLink>), AccountError> {
    let username = valid_username(&new.username)?;
    let email = valid_email(new.email)?;
    let phc = match &new.password {
        Some(password) => password::hash(password, auth.password_min_length).await?,
        None => password::hash(&unusable_password(), 8).await?,
    };
    let txn = crate::db::begin_write(db).await?;
    let taken = local_credential::Entity::find().filter(local_credential::Column::LoginUsername.eq(username.as_str())).one(&txn).await?.is_some()
        || app_user::Entity::find().filter(app_user::Column::Username.eq(username.as_str())).one(&txn).await?.is_some();
    if taken {
        return Err(AccountError::UsernameTaken(username));
    }
    let networks = resolve_networks(&txn, &new.networks).await?;
    let now = Utc::now();
    let user = app_user::ActiveModel {
        id: Set(Uuid::new_v4()),
        peeringdb_user_id: Set(None),
        username: Set(username.clone()),
        full_name: Set(clean_name(new.full_name)),
        email: Set(email),
        is_admin: Set(new.is_admin),
        locale: Set(None),
        notifications_off: Set("[]".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| taken_or(e, &username))?;
    local_credential::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        login_username: Set(username.clone()),
        password_hash: Set(phc),
        is_enabled: Set(true),
        last_login_at: Set(None),
        totp_secret: Set(None),
        totp_pending_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        awaiting_password: Set(new.password.is_none()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| taken_or(e, &username))?;
    replace_local_asns(&txn, user.id, &new.asns).await?;
    replace_networks(&txn, user.id, &networks).await?;
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::UserCreated, "app_user", user.id)
            .with("username", username.as_str())
            .with("is_admin", new.is_admin)
            .with("asns", new.asns.iter().map(|a| a.as_i64()).collect::<Vec<_>>())
            .with("networks", networks.iter().cloned().collect::<Vec<_>>())
            .with("password", if new.password.is_some() { "set" } else { "link" }),
    )
    .await?;
    let link = match new.password {
        Some(_) => None,
        None => Some(admin::new_link(&txn, actor, &user).await?),
    };
    txn.commit().await?;
    Ok((user, link))
}

/// Changes an account (`users update`, the account screens).
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    actor: Actor,
    who: Who<'_>,
    changes: AccountChanges,
) -> Result<app_user::Model, AccountError> {
    let phc = match &changes.password {
        Some(p) => Some(password::hash(p, auth.password_min_length).await?),
        None => None,
    };
    let email = valid_email(changes.email.clone())?;
    let txn = crate::db::begin_write(db).await?;
    if changes.is_admin == Some(false) {
        crate::db::lock_admins(&txn).await?;
    }
    let (user, credential) = user_of(&txn, who).await?;
    if phc.is_some() && credential.is_none() {
        return Err(AccountError::NotLocal(user.username));
    }
    if changes.is_admin == Some(false) && user.is_admin {
        keep_an_admin(&txn, &user).await?;
    }
    let networks = match &changes.networks {
        Some(raw) => Some(resolve_networks(&txn, raw).await?),
        None => None,
    };
    let mut changed = Vec::new();
    let now = Utc::now();
    let mut active = user.into_active_model();
    if let Some(is_admin) = changes.is_admin {
        active.is_admin = Set(is_admin);
        changed.push("is_admin");
    }
    if changes.full_name.is_some() {
        active.full_name = Set(clean_name(changes.full_name));
        changed.push("full_name");
    }
    if changes.email.is_some() {
        active.email = Set(email);
        changed.push("email");
    }
    active.updated_at = Set(now);
    let user = active.update(&txn).await?;
    if let (Some(phc), Some(credential)) = (phc, credential) {
        let mut c = credential.into_active_model();
        c.password_hash = Set(phc);
        c.awaiting_password = Set(false);
        c.updated_at = Set(now);
        c.update(&txn).await?;
        sessions::end_all_for_user(&txn, user.id).await?;
        changed.push("password");
    }
    if let Some(asns) = &changes.asns {
        replace_local_asns(&txn, user.id, asns).await?;
        changed.push("asns");
    }
    if let Some(networks) = &networks {
        replace_networks(&txn, user.id, networks).await?;
        changed.push("networks");
    }
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::UserUpdated, "app_user", user.id).with("username", user.username.as_str()).with("changed", changed),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Disables or enables a local account. Disabling ends its sessions, and its API tokens
/// stop working.
pub async fn set_enabled(db: &DatabaseConnection, actor: Actor, who: Who<'_>, enabled: bool) -> Result<(), AccountError> {
    let txn = crate::db::begin_write(db).await?;
    if !enabled {
        crate::db::lock_admins(&txn).await?;
    }
    let (user, credential) = user_of(&txn, who).await?;
    let credential = credential.ok_or_else(|| AccountError::NotLocal(user.username.clone()))?;
    if !enabled && user.is_admin && credential.is_enabled {
        keep_an_admin(&txn, &user).await?;
    }
    let user_id = credential.user_id;
    let login = credential.login_username.clone();
    let mut c = credential.into_active_model();
    c.is_enabled = Set(enabled);
    c.updated_at = Set(Utc::now());
    c.update(&txn).await?;
    if !enabled {
        sessions::end_all_for_user(&txn, user_id).await?;
    }
    let action = if enabled { AuditAction::UserEnabled } else { AuditAction::UserDisabled };
    audit::record(&txn, AuditEntry::new(actor, action, "app_user", user_id).with("username", login)).await?;
    txn.commit().await?;
    Ok(())
}
