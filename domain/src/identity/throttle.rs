//! Throttling of local logins: after too many failures for one username, or from one
//! client address, within the window, every attempt is refused until the window passes.
//!
//! Attempts live in the database, so the limit holds across restarts and replicas. The
//! check and the count are one step: an attempt reserves its place as a failure, under
//! a lock on its username and client address, before the password is checked; a login
//! that succeeds then turns its reservation into a success. So parallel attempts can
//! never get past the limit together.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::login_attempt::{self, Column};
use crate::entities::login_throttle_notice;
use crate::settings::AuthSettings;

/// Seconds until another attempt will be considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Which limit refused an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleKey {
    Username(String),
    Client(String),
}

impl ThrottleKey {
    /// How the key is stored (`login_throttle_notice`) and audited.
    pub fn as_stored(&self) -> String {
        match self {
            Self::Username(name) => format!("username:{name}"),
            Self::Client(addr) => format!("client:{addr}"),
        }
    }
}

/// A refused attempt: until when, and because of which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: RetryAfter,
    pub key: ThrottleKey,
}

/// An attempt allowed to run, counted as a failure until [`succeeded`] says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation(Uuid);

fn stored_username(username_key: &str) -> String {
    username_key.chars().take(255).collect()
}

fn stored_client(client_addr: &str) -> String {
    client_addr.chars().take(64).collect()
}

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
    Ok(match failures.last() {
        Some(oldest) if failures.len() as u32 >= limit => Some(*oldest),
        _ => None,
    })
}

/// `Err(Throttled)` while `username_key` or `client_addr` is over its limit.
async fn check<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    username_key: &str,
    client_addr: &str,
) -> Result<Result<(), Throttled>, DbErr> {
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
    .await?
    .map(|oldest| (oldest, ThrottleKey::Username(username_key.to_owned())));
    let by_client = blocking_failure(
        conn,
        sea_orm::Condition::all().add(Column::ClientAddr.eq(client_addr)),
        window_start,
        settings.max_failures_per_client,
    )
    .await?
    .map(|oldest| (oldest, ThrottleKey::Client(client_addr.to_owned())));
    let blocked = [by_user, by_client].into_iter().flatten().max_by_key(|(oldest, _)| *oldest);
    Ok(match blocked {
        Some((oldest, key)) => {
            let seconds = (oldest + window - now).num_milliseconds().max(0) as u64;
            Err(Throttled { retry_after: RetryAfter(seconds.div_ceil(1000).max(1)), key })
        }
        None => Ok(()),
    })
}

/// Serializes attempts on the same keys: PostgreSQL advisory locks (held to the end of the
/// transaction, taken in one order so two attempts cannot deadlock); SQLite's write lock,
/// which `begin_write` takes at once, already serializes every writer.
async fn lock_keys<C: ConnectionTrait>(txn: &C, keys: &[String]) -> Result<(), DbErr> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let mut keys = keys.to_vec();
    keys.sort();
    for key in keys {
        txn.execute(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [format!("ztix-login:{key}").into()],
        ))
        .await?;
    }
    Ok(())
}

/// Checks the limits and, when the attempt may run, counts it as a failure, in one step.
pub async fn reserve<C: TransactionTrait>(
    db: &C,
    settings: &AuthSettings,
    username_key: &str,
    client_addr: &str,
) -> Result<Result<Reservation, Throttled>, DbErr> {
    let username = stored_username(username_key);
    let client = stored_client(client_addr);
    let txn = crate::db::begin_write(db).await?;
    lock_keys(&txn, &[ThrottleKey::Username(username.clone()).as_stored(), ThrottleKey::Client(client.clone()).as_stored()])
        .await?;
    if let Err(throttled) = check(&txn, settings, &username, &client).await? {
        txn.rollback().await?;
        return Ok(Err(throttled));
    }
    let id = Uuid::new_v4();
    login_attempt::ActiveModel {
        id: Set(id),
        username_key: Set(username),
        client_addr: Set(client),
        succeeded: Set(false),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Ok(Reservation(id)))
}

/// The reserved attempt logged in: it no longer counts as a failure and starts the
/// username's count afresh.
pub async fn succeeded<C: ConnectionTrait>(conn: &C, reservation: Reservation) -> Result<(), DbErr> {
    login_attempt::Entity::update_many()
        .col_expr(Column::Succeeded, Expr::value(true))
        .col_expr(Column::CreatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(reservation.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The reserved attempt never ran (the server was too busy to check it): it does not count.
pub async fn release<C: ConnectionTrait>(conn: &C, reservation: Reservation) -> Result<(), DbErr> {
    login_attempt::Entity::delete_by_id(reservation.0).exec(conn).await?;
    Ok(())
}

/// Whether this refusal is the first of its key's window (the one worth an audit event);
/// records it if so. One row per key, replaced when its window has passed.
pub async fn first_refusal_of_window<C: ConnectionTrait>(conn: &C, throttled: &Throttled) -> Result<bool, DbErr> {
    let now = Utc::now();
    let ends = now + Duration::seconds(i64::try_from(throttled.retry_after.0).unwrap_or(i64::MAX / 1000).min(86_400 * 365));
    let row = login_throttle_notice::ActiveModel { throttle_key: Set(throttled.key.as_stored()), window_ends_at: Set(ends) };
    let result = login_throttle_notice::Entity::insert(row)
        .on_conflict(
            OnConflict::column(login_throttle_notice::Column::ThrottleKey)
                .update_column(login_throttle_notice::Column::WindowEndsAt)
                .action_and_where(Expr::col((login_throttle_notice::Entity, login_throttle_notice::Column::WindowEndsAt)).lte(now))
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(result > 0)
}

/// Deletes attempts and notices too old to matter.
pub async fn prune<C: ConnectionTrait>(conn: &C, settings: &AuthSettings) -> Result<u64, DbErr> {
    let now = Utc::now();
    let cutoff = now - Duration::seconds(settings.failure_window_seconds.into()) * 2;
    let attempts = login_attempt::Entity::delete_many().filter(Column::CreatedAt.lt(cutoff)).exec(conn).await?;
    let notices = login_throttle_notice::Entity::delete_many()
        .filter(login_throttle_notice::Column::WindowEndsAt.lt(now))
        .exec(conn)
        .await?;
    Ok(attempts.rows_affected + notices.rows_affected)
}
