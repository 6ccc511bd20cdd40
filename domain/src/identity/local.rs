//! Login with a local account: throttled, constant-time, audited.

use chrono::Utc;
use contract::ErrorCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use secrecy::SecretString;

use super::sessions::{self, AuthMethod, SessionToken};
use super::throttle::{self, RetryAfter};
use super::{password, users};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::{app_user, local_credential, user_asn};
use crate::Services;

/// What a login form or API call sends.
pub struct LoginAttempt<'a> {
    pub username: &'a str,
    pub password: &'a SecretString,
    /// The client's address, for throttling and the audit trail.
    pub client_addr: &'a str,
    /// The session cookie the client already had; it is ended (a login always gets a new id).
    pub previous_token: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("local accounts are turned off")]
    LocalAuthDisabled,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("this account is disabled")]
    CredentialDisabled,
    #[error("too many failed logins; retry in {} s", .0 .0)]
    RateLimited(RetryAfter),
    /// More logins are waiting for a password check than the server takes at once.
    #[error("too many logins at once; retry in a moment")]
    Busy,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl LoginError {
    /// Seconds until trying again makes sense, for refusals that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(RetryAfter(seconds)) => Some(*seconds),
            Self::Busy => Some(1),
            _ => None,
        }
    }

    /// The public error code (SPEC §5) of this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::LocalAuthDisabled => ErrorCode::LocalAuthDisabled,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::CredentialDisabled => ErrorCode::CredentialDisabled,
            Self::RateLimited(_) | Self::Busy => ErrorCode::RateLimited,
            Self::Database(_) => ErrorCode::InternalError,
        }
    }
}

/// A successful login: the new session's token and who it belongs to.
#[derive(Debug)]
pub struct LoggedIn {
    pub user: app_user::Model,
    pub asns: Vec<user_asn::Model>,
    pub token: SessionToken,
    pub method: AuthMethod,
}

/// Lower-cased and trimmed, as usernames are stored.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

async fn refuse(services: &Services, username_key: &str, client: &str, reason: &'static str) -> Result<(), sea_orm::DbErr> {
    let entry = AuditEntry::new(Actor::System(audit::SystemActor::Web), AuditAction::AuthLoginFailed, "login", truncate(username_key, 64))
        .with("method", "local")
        .with("reason", reason)
        .with("client_addr", client);
    audit::record(&services.db, entry).await?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[tracing::instrument(skip_all, fields(client = attempt.client_addr))]
pub async fn login(services: &Services, attempt: LoginAttempt<'_>) -> Result<LoggedIn, LoginError> {
    let result = login_inner(services, attempt).await;
    crate::metrics::auth_attempt("local", result.as_ref().map_or_else(|e| e.code().as_str(), |_| "success"));
    result
}

async fn login_inner(services: &Services, attempt: LoginAttempt<'_>) -> Result<LoggedIn, LoginError> {
    let key = normalize_username(attempt.username);
    let client = attempt.client_addr;
    if !services.identity.local_auth_enabled {
        refuse(services, &key, client, "local_auth_disabled").await?;
        return Err(LoginError::LocalAuthDisabled);
    }
    let auth = &services.settings.auth;
    let reservation = match throttle::reserve(&services.db, auth, &key, client).await? {
        Ok(reservation) => reservation,
        Err(throttled) => {
            // Audited once per window and key: a flood of refusals is one event.
            if throttle::first_refusal_of_window(&services.db, &throttled).await? {
                let entry = AuditEntry::new(Actor::System(audit::SystemActor::Web), AuditAction::AuthLoginThrottled, "login", truncate(&key, 64))
                    .with("method", "local")
                    .with("throttle_key", throttled.key.as_stored())
                    .with("retry_after_seconds", throttled.retry_after.0)
                    .with("client_addr", client);
                audit::record(&services.db, entry).await?;
            }
            return Err(LoginError::RateLimited(throttled.retry_after));
        }
    };

    let credential = if key.is_empty() || key.len() > 255 {
        None
    } else {
        local_credential::Entity::find()
            .filter(local_credential::Column::LoginUsername.eq(key.as_str()))
            .one(&services.db)
            .await?
    };
    let Ok(matched) = password::verify(attempt.password, credential.as_ref().map(|c| c.password_hash.clone())).await else {
        // Not checked at all, so not a failure either.
        throttle::release(&services.db, reservation).await?;
        return Err(LoginError::Busy);
    };
    // A failure stays counted as the reservation made it.
    let credential = match (credential, matched) {
        (Some(c), true) => c,
        (found, _) => {
            let reason = if found.is_some() { "wrong_password" } else { "unknown_username" };
            refuse(services, &key, client, reason).await?;
            return Err(LoginError::InvalidCredentials);
        }
    };
    if !credential.is_enabled {
        refuse(services, &key, client, "credential_disabled").await?;
        return Err(LoginError::CredentialDisabled);
    }

    let txn = crate::db::begin_write(&services.db).await?;
    if let Some(previous) = attempt.previous_token {
        sessions::end_by_token(&txn, &services.identity.session_key, previous).await?;
    }
    let user_id = credential.user_id;
    let mut credential = credential.into_active_model();
    credential.last_login_at = Set(Some(Utc::now()));
    credential.update(&txn).await?;
    let (token, _) = sessions::create(&txn, &services.identity.session_key, auth, user_id, AuthMethod::Local).await?;
    throttle::succeeded(&txn, reservation).await?;
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(user_id), AuditAction::AuthLoginSucceeded, "app_user", user_id)
            .with("method", "local")
            .with("username", key.as_str())
            .with("client_addr", client),
    )
    .await?;
    let user = users::find(&txn, user_id).await?.ok_or(sea_orm::DbErr::RecordNotFound("user of credential".into()))?;
    let asns = users::asns(&txn, user_id).await?;
    txn.commit().await?;
    Ok(LoggedIn { user, asns, token, method: AuthMethod::Local })
}
