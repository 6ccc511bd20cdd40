//! Opening the database (SQLite or PostgreSQL, chosen by the URL) and migrating it.

use std::str::FromStr;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqlxPostgresConnector,
    SqlxSqliteConnector, TransactionTrait,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got '{0}')")]
    UnsupportedScheme(String),
    #[error("DATABASE_URL is not a valid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot connect to the database: {0}")]
    Unreachable(String),
}

/// Pool sizing and timeouts.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10) }
    }
}

/// Opens a pool for `url`.
///
/// SQLite runs in WAL mode with a busy timeout, so concurrent writers queue instead of
/// failing, and with foreign keys enforced.
pub async fn connect(url: &str, pool: &PoolSettings) -> Result<DatabaseConnection, ConnectError> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| ConnectError::InvalidUrl(e.to_string()))?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let sqlite = SqlitePoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .connect_with(options)
            .await
            .map_err(|e| ConnectError::Unreachable(e.to_string()))?;
        Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(sqlite))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PgConnectOptions::from_str(url).map_err(|e| ConnectError::InvalidUrl(e.to_string()))?;
        let pg = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .connect_with(options)
            .await
            .map_err(|e| ConnectError::Unreachable(e.to_string()))?;
        Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pg))
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        Err(ConnectError::UnsupportedScheme(format!("{scheme}:…")))
    }
}

/// The PostgreSQL advisory lock that serializes schema changes ("ZTIXMIGR").
const MIGRATION_LOCK: i64 = 0x5a54_4958_4d49_4752;

/// Applies every pending migration.
///
/// On PostgreSQL the migrations run in one transaction holding an advisory lock, so
/// several replicas starting at once apply each migration exactly once: the others wait,
/// then find nothing pending.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")).await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await
        }
        _ => Migrator::up(db, None).await,
    }
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// Begins a transaction that will write. On SQLite the write lock is taken at once, so
/// a transaction that reads before it writes waits for other writers (busy timeout)
/// instead of failing with "database is locked" when it upgrades.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == DatabaseBackend::Sqlite {
        txn.execute_unprepared("UPDATE seaql_migrations SET version = version WHERE 0").await?;
    }
    Ok(txn)
}

/// The PostgreSQL advisory lock that serializes changes to who is an enabled admin
/// ("ZTIXADMN").
const ADMINS_LOCK: i64 = 0x5a54_4958_4144_4d4e;

/// Serializes, to the end of `txn`, every change that could take an enabled admin away,
/// so two demotions at once cannot each see the other as the admin who remains. On
/// SQLite [`begin_write`] already holds the database's one write lock.
pub async fn lock_admins(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({ADMINS_LOCK})"))
            .await?;
    }
    Ok(())
}
