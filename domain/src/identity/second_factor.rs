//! Two-factor login of local accounts: setting it up (a pending secret a first code
//! confirms, then recovery codes shown once), checking a code at login (a TOTP code is
//! taken once per time step, a recovery code once ever), turning it off, and an admin's
//! reset for a lost authenticator. PeeringDB accounts rely on PeeringDB's own second
//! factor. Every change is audited.

use chrono::{DateTime, Utc};
use contract::AuditAction;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::totp::{self, Setup};
use super::IdentityConfig;
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::{app_user, local_credential, recovery_code};

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    #[error("two-factor login here is for local accounts; PeeringDB accounts use PeeringDB's")]
    NotLocal,
    #[error("two-factor login is already on")]
    AlreadyOn,
    #[error("two-factor login is off")]
    NotOn,
    #[error("start the set-up first")]
    NotStarted,
    #[error("the code is wrong, expired or already used")]
    InvalidCode,
    /// Too many wrong codes (or passwords) for this account or client lately.
    #[error("too many failed attempts; retry in {0} s")]
    RateLimited(u64),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl SecondFactorError {
    /// The public error code of this refusal (SPEC §5).
    pub fn code(&self) -> contract::ErrorCode {
        use contract::ErrorCode as C;
        match self {
            Self::NotLocal | Self::AlreadyOn | Self::NotOn | Self::NotStarted => C::ValidationError,
            Self::InvalidCode => C::InvalidSecondFactor,
            Self::RateLimited(_) => C::RateLimited,
            Self::Database(_) => C::InternalError,
        }
    }
}

/// Where a person's two-factor login stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u64,
}

async fn credential<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<local_credential::Model, SecondFactorError> {
    local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user_id)).one(conn).await?.ok_or(SecondFactorError::NotLocal)
}

/// `None` for a PeeringDB account.
pub async fn status<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Option<Status>, DbErr> {
    let Some(credential) = local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user_id)).one(conn).await? else {
        return Ok(None);
    };
    let left =
        recovery_code::Entity::find().filter(recovery_code::Column::UserId.eq(user_id)).filter(recovery_code::Column::UsedAt.is_null()).count(conn).await?;
    Ok(Some(Status { enabled_at: credential.totp_secret.is_some().then_some(credential.totp_enabled_at).flatten(), recovery_codes_left: left }))
}

/// What the account page shows. `issuer` names the exchange in a pending set-up's URI.
pub async fn view<C: ConnectionTrait>(
    conn: &C,
    identity: &IdentityConfig,
    issuer: &str,
    user: &app_user::Model,
) -> Result<contract::view::TwoFactorStatus, DbErr> {
    let status = status(conn, user.id).await?;
    let credential = local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user.id)).one(conn).await?;
    let pending = credential
        .filter(|c| c.totp_secret.is_none())
        .and_then(|c| c.totp_pending_secret.as_deref().and_then(|secret| totp::setup(secret, &c.login_username, issuer)))
        .map(Setup::view);
    Ok(contract::view::TwoFactorStatus {
        available: status.is_some(),
        enabled: status.as_ref().is_some_and(|s| s.enabled_at.is_some()),
        enabled_at: status.as_ref().and_then(|s| s.enabled_at).map(crate::clock::rfc3339),
        recovery_codes_left: status.map_or(0, |s| s.recovery_codes_left),
        required: identity.require_totp_for_admins && user.is_admin,
        pending,
    })
}

/// Is `user` an admin who must turn two-factor login on before using admin screens and
/// routes (`auth.require_totp_for_admins`, local accounts only)?
pub async fn enrolment_required<C: ConnectionTrait>(conn: &C, identity: &IdentityConfig, user: &app_user::Model) -> Result<bool, DbErr> {
    if !identity.require_totp_for_admins || !user.is_admin {
        return Ok(false);
    }
    let credential = local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user.id)).one(conn).await?;
    Ok(credential.is_some_and(|c| c.totp_secret.is_none()))
}

/// May `user` act as an admin now: an admin who need not enrol first.
pub async fn acts_as_admin<C: ConnectionTrait>(conn: &C, identity: &IdentityConfig, user: &app_user::Model) -> Result<bool, DbErr> {
    Ok(user.is_admin && !enrolment_required(conn, identity, user).await?)
}

/// Admin-scope tokens stop when their owner's second factor goes away.
async fn revoke_admin_tokens<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<u64, DbErr> {
    use crate::entities::api_token;
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::Scope.eq(super::tokens::TokenScope::Admin.as_str()))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

impl Setup {
    pub fn view(self) -> contract::view::TwoFactorSetup {
        contract::view::TwoFactorSetup { secret: self.secret, otpauth_uri: self.uri, qr_svg: self.qr_svg }
    }
}

/// Starts (or restarts) the set-up: a new pending secret, its URI and QR code.
pub async fn begin(db: &DatabaseConnection, issuer: &str, user: &app_user::Model) -> Result<Setup, SecondFactorError> {
    let txn = crate::db::begin_write(db).await?;
    let credential = credential(&txn, user.id).await?;
    if credential.totp_secret.is_some() {
        return Err(SecondFactorError::AlreadyOn);
    }
    let secret = totp::new_secret();
    let setup = totp::setup(&secret, &credential.login_username, issuer).ok_or(SecondFactorError::NotStarted)?;
    let mut active = credential.into_active_model();
    active.totp_pending_secret = Set(Some(secret));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(setup)
}

async fn replace_recovery_codes<C: ConnectionTrait>(conn: &C, identity: &IdentityConfig, user_id: Uuid) -> Result<Vec<String>, DbErr> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(conn).await?;
    let now = Utc::now();
    let mut codes = Vec::with_capacity(totp::RECOVERY_CODES);
    for _ in 0..totp::RECOVERY_CODES {
        let code = totp::new_recovery_code();
        recovery_code::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            code_hash: Set(totp::recovery_hash(&identity.session_key, &code)),
            created_at: Set(now),
            used_at: Set(None),
        }
        .insert(conn)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Confirms the pending secret with a first code; turns two-factor login on and returns
/// the recovery codes (shown once, stored as hashes).
pub async fn confirm(
    db: &DatabaseConnection,
    identity: &IdentityConfig,
    user: &app_user::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, SecondFactorError> {
    let txn = crate::db::begin_write(db).await?;
    let credential = credential(&txn, user.id).await?;
    if credential.totp_secret.is_some() {
        return Err(SecondFactorError::AlreadyOn);
    }
    let pending = credential.totp_pending_secret.clone().ok_or(SecondFactorError::NotStarted)?;
    let step = totp::accepted_step(&pending, code, now.timestamp().max(0) as u64, None).ok_or(SecondFactorError::InvalidCode)?;
    let mut active = credential.into_active_model();
    active.totp_secret = Set(Some(pending));
    active.totp_pending_secret = Set(None);
    active.totp_enabled_at = Set(Some(now));
    active.totp_last_step = Set(Some(step));
    active.update(&txn).await?;
    let codes = replace_recovery_codes(&txn, identity, user.id).await?;
    audit::record(&txn, AuditEntry::new(Actor::User(user.id), AuditAction::AuthTotpEnabled, "app_user", user.id)).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Which kind of code passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Totp,
    RecoveryCode,
}

/// Checks a login's second step inside its transaction: a TOTP code of a step later than
/// the last one taken (which it then becomes), or an unused recovery code (which is then
/// spent).
pub(crate) async fn check<C: ConnectionTrait>(
    conn: &C,
    identity: &IdentityConfig,
    credential: &local_credential::Model,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<Passed>, DbErr> {
    let Some(secret) = &credential.totp_secret else {
        return Ok(None);
    };
    if totp::is_recovery_code(code) {
        let spent = recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
            .filter(recovery_code::Column::UserId.eq(credential.user_id))
            .filter(recovery_code::Column::CodeHash.eq(totp::recovery_hash(&identity.session_key, code)))
            .filter(recovery_code::Column::UsedAt.is_null())
            .exec(conn)
            .await?;
        return Ok((spent.rows_affected == 1).then_some(Passed::RecoveryCode));
    }
    let Some(step) = totp::accepted_step(secret, code, now.timestamp().max(0) as u64, credential.totp_last_step) else {
        return Ok(None);
    };
    // Conditional on the step read, so two logins racing with one code cannot both pass.
    let taken = local_credential::Entity::update_many()
        .col_expr(local_credential::Column::TotpLastStep, sea_orm::sea_query::Expr::value(step))
        .filter(local_credential::Column::Id.eq(credential.id))
        .filter(match credential.totp_last_step {
            Some(last) => local_credential::Column::TotpLastStep.eq(last),
            None => local_credential::Column::TotpLastStep.is_null(),
        })
        .exec(conn)
        .await?;
    Ok((taken.rows_affected == 1).then_some(Passed::Totp))
}

async fn clear<C: ConnectionTrait>(conn: &C, credential: local_credential::Model) -> Result<(), DbErr> {
    let user_id = credential.user_id;
    let mut active = credential.into_active_model();
    active.totp_secret = Set(None);
    active.totp_pending_secret = Set(None);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.update(conn).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(user_id)).exec(conn).await?;
    Ok(())
}

/// Turns the person's own two-factor login off; takes a current code or a recovery code.
/// Wrong codes count in the login throttle (per username and client) and are audited;
/// the person's admin-scope tokens are revoked.
pub async fn turn_off(
    db: &DatabaseConnection,
    identity: &IdentityConfig,
    auth: &crate::settings::AuthSettings,
    user: &app_user::Model,
    code: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), SecondFactorError> {
    let credential = credential(db, user.id).await?;
    if credential.totp_secret.is_none() {
        return Err(SecondFactorError::NotOn);
    }
    let reservation = match super::throttle::reserve(db, auth, &credential.login_username, client).await? {
        Ok(reservation) => reservation,
        Err(throttled) => return Err(SecondFactorError::RateLimited(throttled.retry_after.0)),
    };
    let txn = crate::db::begin_write(db).await?;
    let credential = self::credential(&txn, user.id).await?;
    if check(&txn, identity, &credential, code, now).await?.is_none() {
        drop(txn);
        let entry = AuditEntry::new(Actor::User(user.id), AuditAction::AuthSecondFactorFailed, "app_user", user.id).with("step", "turn_off");
        audit::record(db, entry).await?;
        return Err(SecondFactorError::InvalidCode);
    }
    let credential = self::credential(&txn, user.id).await?;
    clear(&txn, credential).await?;
    let revoked = revoke_admin_tokens(&txn, user.id).await?;
    super::throttle::succeeded(&txn, reservation).await?;
    audit::record(&txn, AuditEntry::new(Actor::User(user.id), AuditAction::AuthTotpDisabled, "app_user", user.id).with("admin_tokens_revoked", revoked)).await?;
    txn.commit().await?;
    Ok(())
}

/// An admin (or the CLI) turns a user's two-factor login off, for a lost authenticator;
/// the user's sessions end and their admin-scope tokens are revoked.
pub async fn reset<C: ConnectionTrait>(conn: &C, actor: Actor, user_id: Uuid) -> Result<(), SecondFactorError> {
    let credential = credential(conn, user_id).await?;
    if credential.totp_secret.is_none() && credential.totp_pending_secret.is_none() {
        return Err(SecondFactorError::NotOn);
    }
    let username = credential.login_username.clone();
    clear(conn, credential).await?;
    super::sessions::end_all_for_user(conn, user_id).await?;
    let revoked = revoke_admin_tokens(conn, user_id).await?;
    let entry = AuditEntry::new(actor, AuditAction::AuthTotpReset, "app_user", user_id).with("username", username).with("admin_tokens_revoked", revoked);
    audit::record(conn, entry).await?;
    Ok(())
}
