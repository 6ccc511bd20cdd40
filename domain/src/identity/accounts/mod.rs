//! Accounts as the operator CLI (`zt-ix users …`) and the admins' account screens and
//! API manage them, with the same code: every change is one transaction (a duplicate
//! username or an unknown network changes nothing), audited with who made it, and
//! nobody can remove the last enabled admin.

mod admin;

pub use admin::{
    end_sessions, find, issue_password_link, list, set_password_with_link, PasswordLink,
    PASSWORD_LINK_HOURS,
};

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use secrecy::SecretString;
use uuid::Uuid;

use super::local::normalize_username;
use super::{password, sessions, users};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::user_asn::AsnSource;
use crate::entities::{app_user, local_credential, user_network_access, zt_network};
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
            Self::UnknownNetwork(_) | Self::AmbiguousNetwork(_) => {
                (C::ValidationError, Some("networks"))
            }
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

fn valid_username(raw: &str) -> Result<String, AccountError> {
    let name = normalize_username(raw);
    let ok = (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
        && !name.starts_with("peeringdb-");
    ok.then_some(name).ok_or_else(|| AccountError::InvalidUsername(raw.to_owned()))
}

fn valid_email(raw: Option<String>) -> Result<Option<String>, AccountError> {
    match raw.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) if e.len() <= 320 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.')) => Ok(Some(e)),
        Some(e) => Err(AccountError::InvalidEmail(e)),
    }
}

fn clean_name(raw: Option<String>) -> Option<String> {
    raw.map(|n| n.trim().chars().take(255).collect::<String>()).filter(|n| !n.is_empty())
}

/// A full id or a configured suffix → the id of an active network.
async fn resolve_network<C: ConnectionTrait>(conn: &C, raw: &str) -> Result<String, AccountError> {
    let wanted = raw.trim().to_ascii_lowercase();
    let active = zt_network::Entity::find().filter(zt_network::Column::IsActive.eq(true)).all(conn).await?;
    let matches: Vec<_> = match wanted.len() {
        16 => active.iter().filter(|n| n.id == wanted).collect(),
        6 => active.iter().filter(|n| n.id.ends_with(&wanted)).collect(),
        _ => Vec::new(),
    };
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(AccountError::UnknownNetwork(raw.to_owned())),
        _ => Err(AccountError::AmbiguousNetwork(raw.to_owned())),
    }
}

async fn resolve_networks<C: ConnectionTrait>(conn: &C, raw: &[String]) -> Result<BTreeSet<String>, AccountError> {
    let mut ids = BTreeSet::new();
    for r in raw {
        ids.insert(resolve_network(conn, r).await?);
    }
    Ok(ids)
}

async fn replace_local_asns<C: ConnectionTrait>(conn: &C, user_id: Uuid, asns: &[Asn]) -> Result<(), DbErr> {
    let grants: Vec<users::AsnGrant> = asns.iter().map(|asn| users::AsnGrant { asn: *asn, net_id: None, net_name: None }).collect();
    users::replace_asns(conn, user_id, AsnSource::Local, &grants).await
}

async fn replace_networks<C: ConnectionTrait>(conn: &C, user_id: Uuid, networks: &BTreeSet<String>) -> Result<(), DbErr> {
    user_network_access::Entity::delete_many()
        .filter(user_network_access::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    for network in networks {
        user_network_access::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            zt_network_id: Set(network.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// The account `who` names, with its local credential if it has one.
pub async fn user_of<C: ConnectionTrait>(
    conn: &C,
    who: Who<'_>,
) -> Result<(app_user::Model, Option<local_credential::Model>), AccountError> {
    let user = match who {
        Who::Id(id) => users::find(conn, id).await?,
        Who::Username(name) => {
            app_user::Entity::find()
                .filter(app_user::Column::Username.eq(normalize_username(name)))
                .one(conn)
                .await?
        }
    };
    let user = user.ok_or_else(|| AccountError::NotFound(who.to_string()))?;
    let credential = local_credential::Entity::find()
        .filter(local_credential::Column::UserId.eq(user.id))
        .one(conn)
        .await?;
    Ok((user, credential))
}

/// The operator CLI, as the audit trail names it.
pub fn cli() -> Actor {
    Actor::System(SystemActor::Cli)
}

/// An admin who is enabled: what the last-admin rule counts.
async fn enabled_admins<C: ConnectionTrait>(conn: &C) -> Result<Vec<Uuid>, DbErr> {
    let admins = app_user::Entity::find()
        .filter(app_user::Column::IsAdmin.eq(true))
        .find_also_related(local_credential::Entity)
        .all(conn)
        .await?;
    Ok(admins
        .into_iter()
        .filter(|(_, c)| c.as_ref().is_none_or(|c| c.is_enabled))
        .map(|(u, _)| u.id)
        .collect())
}

/// Refuses to take `user` out of the enabled admins when nobody else is one. Called
/// after [`crate::db::lock_admins`], so concurrent demotions see each other.
async fn keep_an_admin<C: ConnectionTrait>(
    conn: &C,
    user: &app_user::Model,
) -> Result<(), AccountError> {
    if enabled_admins(conn).await?.iter().all(|id| *id == user.id) {
        return Err(AccountError::LastAdmin(user.username.clone()));
    }
    Ok(())
}

/// A password nobody knows, for an account that waits for its set-password link.
fn unusable_password() -> SecretString {
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    SecretString::from(raw.iter().map(|b| format!("{b:02x}")).collect::<String>())
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
    let taken = local_credential::Entity::find()
        .filter(local_credential::Column::LoginUsername.eq(username.as_str()))
        .one(&txn)
        .await?
        .is_some()
        || app_user::Entity::find()
            .filter(app_user::Column::Username.eq(username.as_str()))
            .one(&txn)
            .await?
            .is_some();
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
    .await?;
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
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::UsernameTaken(username.clone()),
        _ => AccountError::Database(e),
    })?;
    replace_local_asns(&txn, user.id, &new.asns).await?;
    replace_networks(&txn, user.id, &networks).await?;
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::UserCreated, "app_user", user.id)
            .with("username", username.as_str())
            .with("is_admin", new.is_admin)
            .with(
                "asns",
                new.asns.iter().map(|a| a.as_i64()).collect::<Vec<_>>(),
            )
            .with("networks", networks.iter().cloned().collect::<Vec<_>>())
            .with(
                "password",
                if new.password.is_some() {
                    "set"
                } else {
                    "link"
                },
            ),
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
        AuditEntry::new(actor, AuditAction::UserUpdated, "app_user", user.id)
            .with("username", user.username.as_str())
            .with("changed", changed),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Disables or enables a local account. Disabling ends its sessions, and its API tokens
/// stop working.
pub async fn set_enabled(
    db: &DatabaseConnection,
    actor: Actor,
    who: Who<'_>,
    enabled: bool,
) -> Result<(), AccountError> {
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
    let action = if enabled {
        AuditAction::UserEnabled
    } else {
        AuditAction::UserDisabled
    };
    audit::record(
        &txn,
        AuditEntry::new(actor, action, "app_user", user_id).with("username", login),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(valid_username("  Alice.Ops ").unwrap(), "alice.ops");
        for bad in ["", "has space", "peeringdb-3", "ünïcode", &"x".repeat(65)] {
            assert!(valid_username(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert_eq!(valid_email(Some(" noc@example.net ".into())).unwrap().as_deref(), Some("noc@example.net"));
        assert_eq!(valid_email(Some("".into())).unwrap(), None);
        assert!(valid_email(Some("noc".into())).is_err());
        assert!(valid_email(Some("@example.net".into())).is_err());
    }
}
