//! Personal API tokens: `ztix_` and 32 random bytes (base64url), shown once to their
//! owner. The database keeps only the token's keyed hash (as for sessions), so neither a
//! copy of the table nor the logs can be replayed. A token acts with its user's own
//! permissions, narrowed by its scope; it stops working at once when it is revoked or
//! expires, when its user is disabled, and (for a local account) when local accounts are
//! turned off.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use uuid::Uuid;

use contract::view::{ApiToken, CreatedToken};
pub use contract::TokenScope;

use super::{AuthMethod, CurrentSession, IdentityConfig};
use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::clock::rfc3339;
use crate::entities::{api_token, app_user, local_credential};
use crate::settings::AuthSettings;

/// What every token starts with (secret scanners and people recognise it).
pub const PREFIX: &str = "ztix_";
/// Tokens one person may hold at once.
pub const MAX_PER_USER: u64 = 50;
pub const MAX_NAME_CHARS: usize = 100;

/// Why a token was not created.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("name the token (1 to {MAX_NAME_CHARS} characters)")]
    Name,
    #[error("expires_in_days must be 1 to {0}")]
    Expiry(u32),
    /// Only an admin creates an `admin` token.
    #[error("only an admin can create a token with the admin scope")]
    AdminScope,
    /// An admin who must first turn on two-factor login asked for the `admin` scope.
    #[error("turn on two-factor login before creating a token with the admin scope")]
    EnrolmentRequired,
    #[error("at most {MAX_PER_USER} tokens per person; revoke one first")]
    TooMany,
    #[error("no such token")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What the owner asks for.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scope: TokenScope,
    pub expires_in_days: Option<u32>,
}

fn hash(identity: &IdentityConfig, secret: &str) -> String {
    identity.session_key.id_of(&format!("api-token:{secret}"))
}

pub fn view(token: &api_token::Model) -> ApiToken {
    ApiToken {
        id: token.id.to_string(),
        name: token.name.clone(),
        scope: TokenScope::parse(&token.scope).unwrap_or(TokenScope::Read),
        created_at: rfc3339(token.created_at),
        expires_at: rfc3339(token.expires_at),
        last_used_at: token.last_used_at.map(rfc3339),
    }
}

/// Creates a token for `user` (audited, without the secret).
pub async fn create<C: TransactionTrait>(
    db: &C,
    identity: &IdentityConfig,
    settings: &AuthSettings,
    user: &app_user::Model,
    new: NewToken,
) -> Result<CreatedToken, TokenError> {
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(TokenError::Name);
    }
    let days = new.expires_in_days.unwrap_or(settings.token_default_days);
    if days == 0 || days > settings.token_max_days {
        return Err(TokenError::Expiry(settings.token_max_days));
    }
    if new.scope == TokenScope::Admin && !user.is_admin {
        return Err(TokenError::AdminScope);
    }
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw));
    let txn = crate::db::begin_write(db).await?;
    if new.scope == TokenScope::Admin
        && super::second_factor::enrolment_required(&txn, identity, user).await?
    {
        return Err(TokenError::EnrolmentRequired);
    }
    let live = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user.id))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(Utc::now()))
        .count(&txn)
        .await?;
    if live >= MAX_PER_USER {
        return Err(TokenError::TooMany);
    }
    let now = Utc::now();
    let token = api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        name: Set(name),
        scope: Set(new.scope.as_str().to_owned()),
        token_hash: Set(hash(identity, &secret)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days.into())),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(user.id), AuditAction::ApiTokenCreated, "api_token", token.id)
            .with("name", token.name.as_str())
            .with("scope", token.scope.as_str())
            .with("expires_at", rfc3339(token.expires_at)),
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedToken { token: view(&token), secret })
}

/// The person's live tokens (not revoked, not expired), newest first.
pub async fn list<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<ApiToken>, DbErr> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(conn)
        .await?
        .iter()
        .map(view)
        .collect())
}

/// Revokes one of the person's tokens (audited); effective on the next request.
pub async fn revoke<C: TransactionTrait>(db: &C, user_id: Uuid, id: Uuid) -> Result<(), TokenError> {
    let txn = crate::db::begin_write(db).await?;
    let revoked = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(TokenError::NotFound);
    }
    audit::record(&txn, AuditEntry::new(Actor::User(user_id), AuditAction::ApiTokenRevoked, "api_token", id)).await?;
    txn.commit().await?;
    Ok(())
}

/// A request authenticated by a token.
#[derive(Debug, Clone)]
pub struct TokenSession {
    pub session: CurrentSession,
    pub token_id: Uuid,
    pub scope: TokenScope,
}

/// The live token behind `secret` with its user; `None` for anything else. Records when
/// it was last used (at most once a minute, to spare writes).
pub async fn resolve<C: ConnectionTrait>(conn: &C, identity: &IdentityConfig, secret: &str) -> Result<Option<TokenSession>, DbErr> {
    if !secret.starts_with(PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let Some((token, Some(user))) =
        api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash(identity, secret))).find_also_related(app_user::Entity).one(conn).await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if token.revoked_at.is_some() || token.expires_at <= now {
        return Ok(None);
    }
    if let Some(credential) = local_credential::Entity::find().filter(local_credential::Column::UserId.eq(user.id)).one(conn).await? {
        if !credential.is_enabled || !identity.local_auth_enabled {
            return Ok(None);
        }
    }
    if token.last_used_at.is_none_or(|at| now - at > Duration::seconds(60)) {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(conn)
            .await?;
    }
    let scope = TokenScope::parse(&token.scope).unwrap_or(TokenScope::Read);
    Ok(Some(TokenSession {
        session: CurrentSession { session_id: token.id.to_string(), auth_method: AuthMethod::Token, user, expires_at: token.expires_at },
        token_id: token.id,
        scope,
    }))
}
