//! The `state` of a PeeringDB login in progress, with its nonce and PKCE verifier.
//! Each is consumed at most once, and only before it expires.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entities::oauth_state::{self, Column};

/// What looking up a returned `state` found.
#[derive(Debug)]
pub enum Consumed {
    /// Valid; now marked used.
    Fresh(oauth_state::Model),
    Unknown,
    /// Already used once: a replay.
    Replayed,
    Expired,
}

pub async fn store<C: ConnectionTrait>(
    conn: &C,
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
    redirect_uri: &str,
    expires_at: DateTime<Utc>,
) -> Result<oauth_state::Model, DbErr> {
    oauth_state::ActiveModel {
        id: Set(Uuid::new_v4()),
        state: Set(state.to_owned()),
        nonce: Set(nonce.to_owned()),
        pkce_verifier: Set(pkce_verifier.to_owned()),
        redirect_uri: Set(redirect_uri.to_owned()),
        expires_at: Set(expires_at),
        consumed_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
}

/// Marks `state` used in one conditional update, so two concurrent callbacks cannot
/// both succeed.
pub async fn consume<C: ConnectionTrait>(conn: &C, state: &str) -> Result<Consumed, DbErr> {
    if state.is_empty() || state.len() > 128 {
        return Ok(Consumed::Unknown);
    }
    let now = Utc::now();
    let updated = oauth_state::Entity::update_many()
        .col_expr(Column::ConsumedAt, Expr::value(now))
        .filter(Column::State.eq(state))
        .filter(Column::ConsumedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec_with_returning(conn)
        .await?;
    if let Some(row) = updated.into_iter().next() {
        return Ok(Consumed::Fresh(row));
    }
    Ok(match oauth_state::Entity::find().filter(Column::State.eq(state)).one(conn).await? {
        None => Consumed::Unknown,
        Some(row) if row.consumed_at.is_some() => Consumed::Replayed,
        Some(_) => Consumed::Expired,
    })
}

/// Logins started and not completed yet, whose state has not expired.
pub async fn pending<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    oauth_state::Entity::find()
        .filter(Column::ConsumedAt.is_null())
        .filter(Column::ExpiresAt.gt(Utc::now()))
        .count(conn)
        .await
}

/// Deletes expired states (a returning browser then hears "expired" or "unknown"; either
/// way it must start again).
pub async fn prune<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    Ok(oauth_state::Entity::delete_many().filter(Column::ExpiresAt.lt(Utc::now())).exec(conn).await?.rows_affected)
}
