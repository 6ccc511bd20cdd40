//! Server-side sessions. The browser holds a random token; the database holds only its
//! keyed hash, so neither a copy of the table nor the logs can be replayed as a cookie.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use uuid::Uuid;

use crate::entities::{app_user, user_session};
use crate::settings::AuthSettings;

/// The session cookie.
pub const COOKIE_NAME: &str = "zt_ix_session";

pub use contract::AuthMethod;

/// The value to put in the cookie; shown once, never stored.
#[derive(Clone)]
pub struct SessionToken(SecretString);

impl SessionToken {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

/// Keys the hash of session tokens (from `APP_SECRET_KEY`).
#[derive(Clone)]
pub struct SessionKey(SecretString);

impl SessionKey {
    pub fn new(secret: SecretString) -> Self {
        Self(secret)
    }

    pub(crate) fn id_of(&self, token: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose_secret().as_bytes()).expect("HMAC takes any key length");
        mac.update(token.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A session that passed every check, with its user.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session_id: String,
    pub auth_method: AuthMethod,
    pub user: app_user::Model,
    pub expires_at: DateTime<Utc>,
}

/// Opens a session for `user_id` (use the transaction of the login it completes).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    key: &SessionKey,
    settings: &AuthSettings,
    user_id: Uuid,
    method: AuthMethod,
) -> Result<(SessionToken, user_session::Model), DbErr> {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let now = Utc::now();
    let session = user_session::ActiveModel {
        id: Set(key.id_of(&token)),
        user_id: Set(user_id),
        auth_method: Set(method.as_str().to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::seconds(settings.session_lifetime_seconds.into())),
    }
    .insert(conn)
    .await?;
    Ok((SessionToken(SecretString::from(token)), session))
}

/// Looks up the session of a cookie value. Expired sessions (idle or absolute) are
/// deleted and give `None`, and so are local-account sessions once local accounts are
/// turned off (`LOCAL_AUTH_ENABLED=false`); a live one has its last-seen time refreshed
/// (at most once a minute, to spare writes).
pub async fn resolve<C: ConnectionTrait>(
    conn: &C,
    identity: &super::IdentityConfig,
    settings: &AuthSettings,
    token: &str,
) -> Result<Option<CurrentSession>, DbErr> {
    let key = &identity.session_key;
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let id = key.id_of(token);
    let Some((session, Some(user))) = user_session::Entity::find_by_id(id.clone())
        .find_also_related(app_user::Entity)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle_deadline = session.last_seen_at + Duration::seconds(settings.session_idle_timeout_seconds.into());
    let auth_method = AuthMethod::parse(&session.auth_method).unwrap_or(AuthMethod::Local);
    let local_turned_off = auth_method == AuthMethod::Local && !identity.local_auth_enabled;
    if now >= session.expires_at || now >= idle_deadline || local_turned_off {
        user_session::Entity::delete_by_id(id).exec(conn).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > Duration::seconds(60) {
        user_session::Entity::update_many()
            .col_expr(user_session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(user_session::Column::Id.eq(id.clone()))
            .exec(conn)
            .await?;
    }
    Ok(Some(CurrentSession { session_id: id, auth_method, user, expires_at: session.expires_at }))
}

/// Ends the session of a cookie value, if any. Returns whether one existed.
pub async fn end_by_token<C: ConnectionTrait>(conn: &C, key: &SessionKey, token: &str) -> Result<bool, DbErr> {
    let result = user_session::Entity::delete_by_id(key.id_of(token)).exec(conn).await?;
    Ok(result.rows_affected > 0)
}

/// Ends every session of a user (account disabled, password changed).
pub async fn end_all_for_user<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<u64, DbErr> {
    let result = user_session::Entity::delete_many()
        .filter(user_session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes sessions past their absolute expiry.
pub async fn prune_expired<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    let result = user_session::Entity::delete_many()
        .filter(user_session::Column::ExpiresAt.lte(Utc::now()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_id_depends_on_the_key_and_is_not_the_token() {
        let a = SessionKey::new(SecretString::from("key-a".to_owned()));
        let b = SessionKey::new(SecretString::from("key-b".to_owned()));
        let id = a.id_of("token");
        assert_eq!(id.len(), 64);
        assert_ne!(id, "token");
        assert_eq!(id, a.id_of("token"));
        assert_ne!(id, b.id_of("token"));
    }

    #[test]
    fn tokens_and_keys_are_redacted_in_debug_output() {
        let token = SessionToken(SecretString::from("visible?".to_owned()));
        assert!(!format!("{token:?}").contains("visible?"));
        let key = SessionKey::new(SecretString::from("hidden-key".to_owned()));
        assert!(!format!("{key:?}").contains("hidden-key"));
    }
}
