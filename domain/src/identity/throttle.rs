//! Throttling of local logins: after too many failures for one username, or from one
//! client address, within the window, every attempt is refused until the window passes.
//!
//! Attempts live in the database, so the limit holds across restarts and replicas.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::entities::login_attempt::{self, Column};
use crate::settings::AuthSettings;

/// Seconds until another attempt will be considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// The oldest of the failures that reach `limit`, if they do.
async fn blocking_failure<C: ConnectionTrait>(
    conn: &C,
    filter: sea_orm::Condition,
    since: DateTime<Utc>,
    limit: u32,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let failures: Vec<DateTime<Utc>> = login_attempt::Entity::find()
        .select_only()
        .column(Column::CreatedAt)
        .filter(filter)
        .filter(Column::Succeeded.eq(false))
        .filter(Column::CreatedAt.gt(since))
        .order_by_desc(Column::CreatedAt)
        .limit(u64::from(limit))
        .into_tuple()
        .all(conn)
        .await?;
    Ok((failures.len() as u32 >= limit).then(|| *failures.last().expect("limit > 0")))
}

/// `Err(RetryAfter)` while `username_key` or `client_addr` is over its limit.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    username_key: &str,
    client_addr: &str,
) -> Result<Result<(), RetryAfter>, DbErr> {
    let now = Utc::now();
    let window = Duration::seconds(settings.failure_window_seconds.into());
    let window_start = now - window;

    // A successful login starts the username's count afresh.
    let last_success: Option<DateTime<Utc>> = login_attempt::Entity::find()
        .select_only()
        .column(Column::CreatedAt)
        .filter(Column::UsernameKey.eq(username_key))
        .filter(Column::Succeeded.eq(true))
        .filter(Column::CreatedAt.gt(window_start))
        .order_by_desc(Column::CreatedAt)
        .into_tuple()
        .one(conn)
        .await?;
    let user_since = last_success.map_or(window_start, |t| t.max(window_start));

    let by_user = blocking_failure(
        conn,
        sea_orm::Condition::all().add(Column::UsernameKey.eq(username_key)),
        user_since,
        settings.max_failures_per_username,
    )
    .await?;
    let by_client = blocking_failure(
        conn,
        sea_orm::Condition::all().add(Column::ClientAddr.eq(client_addr)),
        window_start,
        settings.max_failures_per_client,
    )
    .await?;
    let blocked_until = [by_user, by_client].into_iter().flatten().map(|oldest| oldest + window).max();
    Ok(match blocked_until {
        Some(until) => {
            let seconds = (until - now).num_milliseconds().max(0) as u64;
            Err(RetryAfter(seconds.div_ceil(1000).max(1)))
        }
        None => Ok(()),
    })
}

/// Records an attempt that was allowed to run.
pub async fn record<C: ConnectionTrait>(conn: &C, username_key: &str, client_addr: &str, succeeded: bool) -> Result<(), DbErr> {
    login_attempt::ActiveModel {
        id: Set(Uuid::new_v4()),
        username_key: Set(username_key.chars().take(255).collect()),
        client_addr: Set(client_addr.chars().take(64).collect()),
        succeeded: Set(succeeded),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Deletes attempts too old to matter.
pub async fn prune<C: ConnectionTrait>(conn: &C, settings: &AuthSettings) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - Duration::seconds(settings.failure_window_seconds.into()) * 2;
    let result = login_attempt::Entity::delete_many().filter(Column::CreatedAt.lt(cutoff)).exec(conn).await?;
    Ok(result.rows_affected)
}
