//! Login with a local account: throttled, constant-time, audited; with two-factor login
//! on, the password step hands a signed challenge to the code step, which the same
//! throttle guards.

use chrono::Utc;
use contract::ErrorCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use secrecy::SecretString;

use super::second_factor::{self, Passed};
use super::sessions::{self, AuthMethod, SessionToken};
use super::throttle::{self, RetryAfter};
use super::totp::Challenge;
use super::{password, users};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::{app_user, local_credential, user_asn};
use crate::identity::throttle::Reservation;
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
    /// The code step of a login was given a wrong, expired or used code.
    #[error("wrong two-factor code")]
    InvalidSecondFactor,
    /// The code step's challenge is forged, expired or spent.
    #[error("the login challenge is invalid or expired")]
    ChallengeExpired,
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
            Self::InvalidSecondFactor => ErrorCode::InvalidSecondFactor,
            Self::ChallengeExpired => ErrorCode::LoginChallengeExpired,
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

/// What the password step ends with.
#[derive(Debug)]
pub enum LoginStep {
    Done(LoggedIn),
    /// The account has two-factor login: send a code with this challenge
    /// ([`second_step`]) within [`super::totp::CHALLENGE_SECONDS`].
    SecondFactor {
        challenge: String,
    },
}

/// What the code step sends.
pub struct CodeAttempt<'a> {
    pub challenge: &'a str,
    /// A TOTP code or a recovery code.
    pub code: &'a str,
    pub client_addr: &'a str,
    pub previous_token: Option<&'a str>,
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
pub async fn login(services: &Services, attempt: LoginAttempt<'_>) -> Result<LoginStep, LoginError> {
    let result = login_inner(services, attempt).await;
    crate::metrics::auth_attempt("local", result.as_ref().map_or_else(|e| e.code().as_str(), |_| "success"));
    result
}

/// Reserves the attempt's place in the throttle, or refuses it (audited once a window).
async fn reserve(services: &Services, key: &str, client: &str) -> Result<Reservation, LoginError> {
    match throttle::reserve(&services.db, &services.settings.auth, key, client).await? {
        Ok(reservation) => Ok(reservation),
        Err(throttled) => {
            // Audited once per window and key: a flood of refusals is one event.
            if throttle::first_refusal_of_window(&services.db, &throttled).await? {
                let entry = AuditEntry::new(Actor::System(audit::SystemActor::Web), AuditAction::AuthLoginThrottled, "login", truncate(key, 64))
                    .with("method", "local")
                    .with("throttle_key", throttled.key.as_stored())
                    .with("retry_after_seconds", throttled.retry_after.0)
                    .with("client_addr", client);
                audit::record(&services.db, entry).await?;
            }
            Err(LoginError::RateLimited(throttled.retry_after))
        }
    }
}

async fn login_inner(services: &Services, attempt: LoginAttempt<'_>) -> Result<LoginStep, LoginError> {
    let key = normalize_username(attempt.username);
    let client = attempt.client_addr;
    if !services.identity.local_auth_enabled {
        refuse(services, &key, client, "local_auth_disabled").await?;
        return Err(LoginError::LocalAuthDisabled);
    }
    let reservation = reserve(services, &key, client).await?;

    let credential = if key.is_empty() || key.len() > 255 {
        None
    } else {
        local_credential::Entity::find().filter(local_credential::Column::LoginUsername.eq(key.as_str())).one(&services.db).await?
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

    if credential.totp_secret.is_some() {
        // Neither a success nor a failure yet: the code step counts.
        throttle::release(&services.db, reservation).await?;
        let challenge = Challenge::new(credential.user_id, Utc::now(), stamp(&credential)).seal(&services.identity.session_key);
        return Ok(LoginStep::SecondFactor { challenge });
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let done = open_session(services, &txn, credential, reservation, attempt.previous_token, client, None).await?;
    txn.commit().await?;
    Ok(LoginStep::Done(done))
}

/// What a login challenge is bound to: the account's last login, last change and
/// two-factor set-up.
fn stamp(credential: &local_credential::Model) -> i64 {
    Challenge::stamp(&[credential.last_login_at, Some(credential.updated_at), credential.totp_enabled_at])
}

/// The session of a login that passed every step, in its transaction.
async fn open_session(
    services: &Services,
    txn: &sea_orm::DatabaseTransaction,
    credential: local_credential::Model,
    reservation: Reservation,
    previous_token: Option<&str>,
    client: &str,
    second_factor: Option<Passed>,
) -> Result<LoggedIn, LoginError> {
    if let Some(previous) = previous_token {
        sessions::end_by_token(txn, &services.identity.session_key, previous).await?;
    }
    let user_id = credential.user_id;
    let key = credential.login_username.clone();
    if second_factor.is_some() {
        // Conditional on the last login the challenge was issued for: of two code steps
        // racing with one challenge, one opens a session.
        let spent = local_credential::Entity::update_many()
            .col_expr(local_credential::Column::LastLoginAt, sea_orm::sea_query::Expr::value(Some(Utc::now())))
            .filter(local_credential::Column::Id.eq(credential.id))
            .filter(match credential.last_login_at {
                Some(at) => local_credential::Column::LastLoginAt.eq(at),
                None => local_credential::Column::LastLoginAt.is_null(),
            })
            .exec(txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(LoginError::ChallengeExpired);
        }
    } else {
        let mut credential = credential.into_active_model();
        credential.last_login_at = Set(Some(Utc::now()));
        credential.update(txn).await?;
    }
    let (token, _) = sessions::create(txn, &services.identity.session_key, &services.settings.auth, user_id, AuthMethod::Local).await?;
    throttle::succeeded(txn, reservation).await?;
    let mut entry = AuditEntry::new(Actor::User(user_id), AuditAction::AuthLoginSucceeded, "app_user", user_id)
        .with("method", "local")
        .with("username", key.as_str())
        .with("client_addr", client);
    if let Some(passed) = second_factor {
        entry = entry.with("second_factor", if passed == Passed::Totp { "totp" } else { "recovery_code" });
    }
    audit::record(txn, entry).await?;
    if second_factor == Some(Passed::RecoveryCode) {
        audit::record(txn, AuditEntry::new(Actor::User(user_id), AuditAction::AuthRecoveryCodeUsed, "app_user", user_id)).await?;
    }
    let user = users::find(txn, user_id).await?.ok_or(sea_orm::DbErr::RecordNotFound("user of credential".into()))?;
    let asns = users::asns(txn, user_id).await?;
    Ok(LoggedIn { user, asns, token, method: AuthMethod::Local })
}

/// The code step of a login with two-factor login on. The challenge proves the password
/// step passed and is spent by any completed login; wrong codes count in the password
/// step's throttle (per username and per client).
#[tracing::instrument(skip_all, fields(client = attempt.client_addr))]
pub async fn second_step(services: &Services, attempt: CodeAttempt<'_>) -> Result<LoggedIn, LoginError> {
    let result = second_step_inner(services, attempt).await;
    crate::metrics::auth_attempt("local_second_factor", result.as_ref().map_or_else(|e| e.code().as_str(), |_| "success"));
    result
}

async fn second_step_inner(services: &Services, attempt: CodeAttempt<'_>) -> Result<LoggedIn, LoginError> {
    if !services.identity.local_auth_enabled {
        return Err(LoginError::LocalAuthDisabled);
    }
    let now = Utc::now();
    let challenge = Challenge::open(&services.identity.session_key, attempt.challenge, now).ok_or(LoginError::ChallengeExpired)?;
    let credential = local_credential::Entity::find()
        .filter(local_credential::Column::UserId.eq(challenge.user_id))
        .one(&services.db)
        .await?
        .filter(|c| stamp(c) == challenge.stamp && c.totp_secret.is_some())
        .ok_or(LoginError::ChallengeExpired)?;
    let client = attempt.client_addr;
    let reservation = reserve(services, &credential.login_username, client).await?;
    if !credential.is_enabled {
        refuse(services, &credential.login_username, client, "credential_disabled").await?;
        return Err(LoginError::CredentialDisabled);
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let Some(passed) = second_factor::check(&txn, &services.identity, &credential, attempt.code.trim(), now).await? else {
        drop(txn);
        let entry = AuditEntry::new(Actor::User(credential.user_id), AuditAction::AuthSecondFactorFailed, "app_user", credential.user_id)
            .with("client_addr", client);
        audit::record(&services.db, entry).await?;
        return Err(LoginError::InvalidSecondFactor);
    };
    let done = open_session(services, &txn, credential, reservation, attempt.previous_token, client, Some(passed)).await?;
    txn.commit().await?;
    Ok(done)
}
