//! Reading accounts for the list and the screens, ending a user's sessions, and
//! set-password links: an admin issues one (shown once, stored as a hash, valid
//! [`PASSWORD_LINK_HOURS`]), the user sets a password with it once.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{user_of, AccountError, AccountSummary, Who};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::{app_user, local_credential, password_link, user_asn, user_network_access};
use crate::identity::{password, sessions};
use crate::settings::AuthSettings;

/// How long a set-password link works.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// A set-password link's secret (the `token` of `/set-password?token=…`), shown once.
#[derive(Debug, Clone)]
pub struct PasswordLink {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl PasswordLink {
    /// The link as the portal at `base` serves it.
    pub fn view(&self, base: &url::Url) -> contract::view::PasswordLinkView {
        let base = base.as_str().trim_end_matches('/');
        contract::view::PasswordLinkView {
            url: format!("{base}/set-password?token={}", self.token),
            expires_at: crate::clock::rfc3339(self.expires_at),
        }
    }
}

fn link_hash(token: &str) -> String {
    Sha256::digest(format!("password-link:{token}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The summaries of `users`, in their order, in three more queries (narrowed to `only`
/// when one account is wanted).
async fn summarize(db: &DatabaseConnection, users: Vec<app_user::Model>, only: Option<Uuid>) -> Result<Vec<AccountSummary>, sea_orm::DbErr> {
    let mut credentials = local_credential::Entity::find();
    let mut asn_rows = user_asn::Entity::find().order_by_asc(user_asn::Column::Asn);
    let mut network_rows = user_network_access::Entity::find().order_by_asc(user_network_access::Column::ZtNetworkId);
    if let Some(id) = only {
        credentials = credentials.filter(local_credential::Column::UserId.eq(id));
        asn_rows = asn_rows.filter(user_asn::Column::UserId.eq(id));
        network_rows = network_rows.filter(user_network_access::Column::UserId.eq(id));
    }
    let credentials: HashMap<Uuid, local_credential::Model> = credentials.all(db).await?.into_iter().map(|c| (c.user_id, c)).collect();
    let mut asns: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for a in asn_rows.all(db).await? {
        asns.entry(a.user_id).or_default().push(a.asn);
    }
    let mut networks: HashMap<Uuid, Vec<String>> = HashMap::new();
    for n in network_rows.all(db).await? {
        networks.entry(n.user_id).or_default().push(n.zt_network_id);
    }
    Ok(users
        .into_iter()
        .map(|user| {
            let credential = credentials.get(&user.id);
            AccountSummary {
                id: user.id,
                kind: if credential.is_some() { "local" } else { "peeringdb" },
                full_name: user.full_name,
                email: user.email,
                is_admin: user.is_admin,
                is_enabled: credential.is_none_or(|c| c.is_enabled),
                asns: asns.remove(&user.id).unwrap_or_default(),
                networks: networks.remove(&user.id).unwrap_or_default(),
                totp: credential.is_some_and(|c| c.totp_secret.is_some()),
                last_login_at: credential.and_then(|c| c.last_login_at),
                created_at: user.created_at,
                username: user.username,
            }
        })
        .collect())
}

/// Every account (`query` narrows to usernames, names, e-mail addresses or ASNs that
/// contain it), by username.
pub async fn list(db: &DatabaseConnection, query: Option<&str>) -> Result<Vec<AccountSummary>, sea_orm::DbErr> {
    let users = app_user::Entity::find().order_by_asc(app_user::Column::Username).all(db).await?;
    let needle = query.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let asn_needle = needle.as_deref().and_then(|q| q.trim_start_matches("as").parse::<i64>().ok());
    let mut all = summarize(db, users, None).await?;
    all.retain(|summary| {
        needle.as_deref().is_none_or(|q| {
            summary.username.contains(q)
                || summary.full_name.as_deref().is_some_and(|n| n.to_lowercase().contains(q))
                || summary.email.as_deref().is_some_and(|e| e.to_lowercase().contains(q))
                || asn_needle.is_some_and(|asn| summary.asns.contains(&asn))
        })
    });
    Ok(all)
}

/// One account as the list shows it, from its own rows only.
pub async fn find(db: &DatabaseConnection, id: Uuid) -> Result<Option<AccountSummary>, sea_orm::DbErr> {
    let Some(user) = crate::identity::users::find(db, id).await? else { return Ok(None) };
    Ok(summarize(db, vec![user], Some(id)).await?.pop())
}

/// Ends every session of a user (their API tokens are theirs to revoke, or end with a
/// disable). Returns how many ended.
pub async fn end_sessions(db: &DatabaseConnection, actor: Actor, who: Who<'_>) -> Result<u64, AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let (user, _) = user_of(&txn, who).await?;
    let ended = sessions::end_all_for_user(&txn, user.id).await?;
    audit::record(
        &txn,
        AuditEntry::new(actor, AuditAction::UserSessionsEnded, "app_user", user.id).with("username", user.username.as_str()).with("sessions", ended),
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// Writes a new link for `user` (earlier unused links stop working), audited.
pub(super) async fn new_link<C: ConnectionTrait>(conn: &C, actor: Actor, user: &app_user::Model) -> Result<PasswordLink, sea_orm::DbErr> {
    password_link::Entity::delete_many()
        .filter(password_link::Column::UserId.eq(user.id))
        .filter(password_link::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let now = Utc::now();
    let expires_at = now + Duration::hours(PASSWORD_LINK_HOURS);
    password_link::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        token_hash: Set(link_hash(&token)),
        created_by: Set(actor.user_id()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        AuditEntry::new(actor, AuditAction::UserPasswordLinkIssued, "app_user", user.id)
            .with("username", user.username.as_str())
            .with("expires_at", expires_at.to_rfc3339()),
    )
    .await?;
    Ok(PasswordLink { token, expires_at })
}

/// Issues a set-password link for a local account (a new user, a forgotten password).
pub async fn issue_password_link(db: &DatabaseConnection, actor: Actor, who: Who<'_>) -> Result<PasswordLink, AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let (user, credential) = user_of(&txn, who).await?;
    if credential.is_none() {
        return Err(AccountError::NotLocal(user.username));
    }
    let link = new_link(&txn, actor, &user).await?;
    txn.commit().await?;
    Ok(link)
}

async fn live_link<C: ConnectionTrait>(conn: &C, token: &str) -> Result<password_link::Model, AccountError> {
    let now = Utc::now();
    password_link::Entity::find()
        .filter(password_link::Column::TokenHash.eq(link_hash(token)))
        .one(conn)
        .await?
        .filter(|l| l.used_at.is_none() && l.expires_at > now)
        .ok_or(AccountError::InvalidLink)
}

/// Sets the password of the link's account: once, before it expires. The account's
/// sessions end; its two-factor login stays as it was.
pub async fn set_password_with_link(db: &DatabaseConnection, auth: &AuthSettings, token: &str, new_password: &SecretString) -> Result<app_user::Model, AccountError> {
    if token.is_empty() || token.len() > 128 {
        return Err(AccountError::InvalidLink);
    }
    // The link is looked up before the (costly) hash, and again in the transaction.
    live_link(db, token).await?;
    let phc = password::hash(new_password, auth.password_min_length).await?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let link = live_link(&txn, token).await?;
    let (user, credential) = user_of(&txn, Who::Id(link.user_id)).await?;
    let credential = credential.ok_or(AccountError::InvalidLink)?;
    let mut c = credential.into_active_model();
    c.password_hash = Set(phc);
    c.awaiting_password = Set(false);
    c.updated_at = Set(now);
    c.update(&txn).await?;
    let mut used = link.into_active_model();
    used.used_at = Set(Some(now));
    used.update(&txn).await?;
    sessions::end_all_for_user(&txn, user.id).await?;
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(user.id), AuditAction::UserPasswordSet, "app_user", user.id).with("username", user.username.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}
