//! Who someone is: local accounts and PeeringDB login, sessions, throttling.

pub mod accounts;
pub mod limit;
pub mod local;
pub mod password;
pub mod peeringdb;
pub mod second_factor;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod users;

use sea_orm::{ConnectionTrait, DbErr};

use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::Services;

pub use sessions::{AuthMethod, CurrentSession, SessionKey, SessionToken, COOKIE_NAME};

/// The address a request came from, as the web tier decided it (the peer, or the client
/// a trusted proxy named): what login throttling and the audit trail record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub std::net::IpAddr);

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How people may log in, and how their sessions are keyed.
#[derive(Debug, Clone)]
pub struct IdentityConfig {
    pub session_key: SessionKey,
    pub local_auth_enabled: bool,
    /// `Secure` session cookies (production).
    pub secure_cookies: bool,
    /// `None` when PeeringDB login is not configured.
    pub peeringdb: Option<peeringdb::PeeringDb>,
    /// Admins with a local account need two-factor login for admin work
    /// (`auth.require_totp_for_admins`, on in production unless set).
    pub require_totp_for_admins: bool,
}

/// Deletes expired sessions, used OAuth states and old login attempts.
pub async fn prune<C: ConnectionTrait>(conn: &C, settings: &crate::settings::AuthSettings) -> Result<u64, DbErr> {
    Ok(sessions::prune_expired(conn).await? + throttle::prune(conn, settings).await? + peeringdb::state::prune(conn).await?)
}

/// Ends the session of `token` and records the logout.
pub async fn logout(services: &Services, session: &CurrentSession, token: &str) -> Result<(), sea_orm::DbErr> {
    let txn = crate::db::begin_write(&services.db).await?;
    sessions::end_by_token(&txn, &services.identity.session_key, token).await?;
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(session.user.id), AuditAction::AuthLogout, "app_user", session.user.id)
            .with("method", session.auth_method.as_str()),
    )
    .await?;
    txn.commit().await
}
