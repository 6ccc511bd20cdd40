//! The rules behind every account change: what a username and an e-mail address may be,
//! which networks an id names, how grants are replaced, and the last enabled admin.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;
use uuid::Uuid;

use super::AccountError;
use crate::entities::user_asn::AsnSource;
use crate::entities::{app_user, local_credential, user_network_access, zt_network};
use crate::identity::local::normalize_username;
use crate::identity::users;
use crate::types::Asn;

pub(super) fn valid_username(raw: &str) -> Result<String, AccountError> {
    let name = normalize_username(raw);
    let ok = (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
        && !name.starts_with("peeringdb-");
    ok.then_some(name).ok_or_else(|| AccountError::InvalidUsername(raw.to_owned()))
}

pub(super) fn valid_email(raw: Option<String>) -> Result<Option<String>, AccountError> {
    match raw.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) if e.len() <= 320 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.')) => Ok(Some(e)),
        Some(e) => Err(AccountError::InvalidEmail(e)),
    }
}

pub(super) fn clean_name(raw: Option<String>) -> Option<String> {
    raw.map(|n| n.trim().chars().take(255).collect::<String>()).filter(|n| !n.is_empty())
}

/// A full id or a configured suffix → the id of an active network.
pub(super) async fn resolve_network<C: ConnectionTrait>(conn: &C, raw: &str) -> Result<String, AccountError> {
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

pub(super) async fn resolve_networks<C: ConnectionTrait>(conn: &C, raw: &[String]) -> Result<BTreeSet<String>, AccountError> {
    let mut ids = BTreeSet::new();
    for r in raw {
        ids.insert(resolve_network(conn, r).await?);
    }
    Ok(ids)
}

pub(super) async fn replace_local_asns<C: ConnectionTrait>(conn: &C, user_id: Uuid, asns: &[Asn]) -> Result<(), DbErr> {
    let grants: Vec<users::AsnGrant> = asns.iter().map(|asn| users::AsnGrant { asn: *asn, net_id: None, net_name: None }).collect();
    users::replace_asns(conn, user_id, AsnSource::Local, &grants).await
}

pub(super) async fn replace_networks<C: ConnectionTrait>(conn: &C, user_id: Uuid, networks: &BTreeSet<String>) -> Result<(), DbErr> {
    user_network_access::Entity::delete_many().filter(user_network_access::Column::UserId.eq(user_id)).exec(conn).await?;
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

/// An admin who can act: enabled, and (for a local account) with a password set.
pub(super) async fn enabled_admins<C: ConnectionTrait>(conn: &C) -> Result<Vec<Uuid>, DbErr> {
    let admins = app_user::Entity::find().filter(app_user::Column::IsAdmin.eq(true)).find_also_related(local_credential::Entity).all(conn).await?;
    Ok(admins.into_iter().filter(|(_, c)| c.as_ref().is_none_or(|c| c.is_enabled && !c.awaiting_password)).map(|(u, _)| u.id).collect())
}

/// Refuses to take `user` out of the admins who can act when nobody else is one. Called
/// after [`crate::db::lock_admins`], so concurrent demotions see each other.
pub(super) async fn keep_an_admin<C: ConnectionTrait>(conn: &C, user: &app_user::Model) -> Result<(), AccountError> {
    let admins = enabled_admins(conn).await?;
    if admins == [user.id] {
        return Err(AccountError::LastAdmin(user.username.clone()));
    }
    Ok(())
}

/// A password nobody knows, for an account that waits for its set-password link.
pub(super) fn unusable_password() -> SecretString {
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    SecretString::from(raw.iter().map(|b| format!("{b:02x}")).collect::<String>())
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
