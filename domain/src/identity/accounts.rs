//! Local accounts as the operator CLI manages them. Every command is one transaction:
//! a duplicate username or an unknown network changes nothing. Every change is audited.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
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
    #[error("{0}")]
    Password(#[from] password::PasswordError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// `users create`.
pub struct NewAccount {
    pub username: String,
    pub password: SecretString,
    pub is_admin: bool,
    pub asns: Vec<Asn>,
    pub networks: Vec<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
}

/// `users update`: `None` leaves a field as it is. `asns` and `networks` replace the
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

/// One line of `users list`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountSummary {
    pub username: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    pub is_enabled: bool,
    pub asns: Vec<i64>,
    pub networks: Vec<String>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
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

async fn credential_of<C: ConnectionTrait>(conn: &C, username: &str) -> Result<local_credential::Model, AccountError> {
    local_credential::Entity::find()
        .filter(local_credential::Column::LoginUsername.eq(normalize_username(username)))
        .one(conn)
        .await?
        .ok_or_else(|| AccountError::NotFound(username.to_owned()))
}

fn cli() -> Actor {
    Actor::System(SystemActor::Cli)
}

/// `users create`.
pub async fn create(db: &DatabaseConnection, auth: &AuthSettings, new: NewAccount) -> Result<app_user::Model, AccountError> {
    let username = valid_username(&new.username)?;
    let email = valid_email(new.email)?;
    let phc = password::hash(&new.password, auth.password_min_length).await?;
    let txn = crate::db::begin_write(db).await?;
    let taken = local_credential::Entity::find()
        .filter(local_credential::Column::LoginUsername.eq(username.as_str()))
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
        AuditEntry::new(cli(), AuditAction::UserCreated, "app_user", user.id)
            .with("username", username.as_str())
            .with("is_admin", new.is_admin)
            .with("asns", new.asns.iter().map(|a| a.as_i64()).collect::<Vec<_>>())
            .with("networks", networks.iter().cloned().collect::<Vec<_>>()),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// `users update`.
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthSettings,
    username: &str,
    changes: AccountChanges,
) -> Result<app_user::Model, AccountError> {
    let phc = match &changes.password {
        Some(p) => Some(password::hash(p, auth.password_min_length).await?),
        None => None,
    };
    let email = valid_email(changes.email.clone())?;
    let txn = crate::db::begin_write(db).await?;
    let credential = credential_of(&txn, username).await?;
    let user = users::find(&txn, credential.user_id).await?.ok_or_else(|| AccountError::NotFound(username.to_owned()))?;
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
    if let Some(phc) = phc {
        let mut c = credential.clone().into_active_model();
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
        AuditEntry::new(cli(), AuditAction::UserUpdated, "app_user", user.id)
            .with("username", credential.login_username.as_str())
            .with("changed", changed),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// `users enable` / `users disable`. Disabling ends the account's sessions.
pub async fn set_enabled(db: &DatabaseConnection, username: &str, enabled: bool) -> Result<(), AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let credential = credential_of(&txn, username).await?;
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
    audit::record(&txn, AuditEntry::new(cli(), action, "app_user", user_id).with("username", login)).await?;
    txn.commit().await?;
    Ok(())
}

/// `users list`: every local account, by username.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<AccountSummary>, DbErr> {
    let credentials = local_credential::Entity::find()
        .find_also_related(app_user::Entity)
        .order_by_asc(local_credential::Column::LoginUsername)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(credentials.len());
    for (credential, user) in credentials {
        let Some(user) = user else { continue };
        out.push(AccountSummary {
            username: credential.login_username,
            full_name: user.full_name,
            email: user.email,
            is_admin: user.is_admin,
            is_enabled: credential.is_enabled,
            asns: users::asns(db, user.id).await?.into_iter().map(|a| a.asn).collect(),
            networks: users::network_restrictions(db, user.id).await?,
            last_login_at: credential.last_login_at,
            created_at: user.created_at,
        });
    }
    Ok(out)
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
