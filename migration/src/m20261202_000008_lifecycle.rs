//! Membership after joining (SPEC §3): the statuses `withdrawn`, `offboarding`,
//! `removed` and `suspended` in the status check; `suspended` and `offboarding` hold the
//! node like the other live statuses; and what the worker needs to converge the
//! controller and the route servers on each request's status:
//!
//! - `sync_due_at`: when the worker should next converge the request (null: in sync);
//! - `sync_attempts`: failed convergence attempts in a row (bounded backoff);
//! - `desired_revision`: bumped by every change of what the request asks for, so an
//!   attempt that started before a change never marks the newer state as done;
//! - `retiring_node_id`: the node a replacement took over from, until it is off the
//!   controller;
//! - `status_reason`: why an admin suspended or removed the member (or the member's
//!   note when leaving);
//! - `affiliation_lost_at`: the requester no longer holds the ASN; an admin decides.
//!
//! SQLite cannot change a check constraint in place, so there the table is rebuilt
//! (copy, drop, create, copy back, in one transaction with foreign keys deferred: the
//! rows that reference requests are untouched and checked at commit).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

use crate::m20261128_000003_join_requests::JoinRequest;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_STATUSES: &str = "'pending', 'approved', 'provisioning', 'active', 'rejected', 'failed'";
const NEW_STATUSES: &str =
    "'pending', 'approved', 'provisioning', 'active', 'rejected', 'failed', 'withdrawn', 'offboarding', 'removed', 'suspended'";
const OLD_LIVE: &str = "status IN ('pending', 'approved', 'provisioning', 'active')";
const NEW_LIVE: &str = "status IN ('pending', 'approved', 'provisioning', 'active', 'suspended', 'offboarding')";

/// The live-slot indexes and their columns (their predicate follows `live`).
const LIVE_INDEXES: [(&str, &str, &str); 2] = [
    ("uq_join_request_live_network_node", "zt_network_id, node_id", "node_id IS NOT NULL"),
    ("uq_join_request_live_without_node", "asn, zt_network_id", "node_id IS NULL"),
];

fn new_columns(backend: DatabaseBackend) -> Vec<String> {
    let hex = match backend {
        DatabaseBackend::Postgres => "retiring_node_id ~ '^[0-9a-f]{10}$'".to_owned(),
        _ => "length(retiring_node_id) = 10 AND retiring_node_id NOT GLOB '*[^0-9a-f]*'".to_owned(),
    };
    let time = if backend == DatabaseBackend::Postgres { "timestamp with time zone" } else { "timestamp_with_timezone_text" };
    vec![
        format!("sync_due_at {time} NULL"),
        "sync_attempts integer NOT NULL DEFAULT 0 CHECK (sync_attempts >= 0)".to_owned(),
        "desired_revision bigint NOT NULL DEFAULT 0 CHECK (desired_revision >= 0)".to_owned(),
        format!("retiring_node_id varchar(10) NULL CHECK ({hex})"),
        "status_reason text NULL".to_owned(),
        format!("affiliation_lost_at {time} NULL"),
    ]
}

const NEW_COLUMN_NAMES: [&str; 6] =
    ["sync_due_at", "sync_attempts", "desired_revision", "retiring_node_id", "status_reason", "affiliation_lost_at"];

async fn live_indexes<C: ConnectionTrait>(db: &C, live: &str) -> Result<(), DbErr> {
    for (name, columns, predicate) in LIVE_INDEXES {
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        db.execute_unprepared(&format!("CREATE UNIQUE INDEX {name} ON join_request ({columns}) WHERE {predicate} AND {live}"))
            .await?;
    }
    Ok(())
}

/// PostgreSQL: swaps the status check for one allowing `statuses`.
async fn postgres_status_check<C: ConnectionTrait>(db: &C, statuses: &str) -> Result<(), DbErr> {
    let found = db
        .query_all(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT conname FROM pg_constraint WHERE conrelid = 'join_request'::regclass AND contype = 'c' \
             AND pg_get_constraintdef(oid) LIKE '%status%'",
        ))
        .await?;
    for row in found {
        let name: String = row.try_get("", "conname")?;
        db.execute_unprepared(&format!("ALTER TABLE join_request DROP CONSTRAINT \"{name}\"")).await?;
    }
    db.execute_unprepared(&format!("ALTER TABLE join_request ADD CONSTRAINT join_request_status_check CHECK (status IN ({statuses}))"))
        .await?;
    Ok(())
}

/// SQLite: rebuilds `join_request` with its definition passed through `edit`, keeping
/// every row, every index (live-slot indexes follow `live`) and every reference to it.
async fn sqlite_rebuild<C>(db: &C, edit: impl Fn(&str) -> Result<String, DbErr>, live: &str) -> Result<(), DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let text = |sql: &str| Statement::from_string(DatabaseBackend::Sqlite, sql.to_owned());
    let table = txn
        .query_one(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'join_request'"))
        .await?
        .ok_or_else(|| DbErr::Migration("join_request is missing".into()))?
        .try_get::<String>("", "sql")?;
    let indexes: Vec<String> = txn
        .query_all(text(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'join_request' AND sql IS NOT NULL \
             AND name NOT LIKE 'uq_join_request_live%'",
        ))
        .await?
        .into_iter()
        .map(|row| row.try_get::<String>("", "sql"))
        .collect::<Result<_, _>>()?;
    let rebuilt = edit(&table)?;
    txn.execute_unprepared("PRAGMA defer_foreign_keys = ON").await?;
    txn.execute_unprepared("CREATE TABLE ztix_join_request_copy AS SELECT * FROM join_request").await?;
    txn.execute_unprepared("DROP TABLE join_request").await?;
    txn.execute_unprepared(&rebuilt).await?;
    txn.execute_unprepared("INSERT INTO join_request SELECT * FROM ztix_join_request_copy").await?;
    txn.execute_unprepared("DROP TABLE ztix_join_request_copy").await?;
    for index in indexes {
        txn.execute_unprepared(&index).await?;
    }
    live_indexes(&txn, live).await?;
    let broken = txn.query_all(text("PRAGMA foreign_key_check")).await?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!("{} rows would lose the row they reference", broken.len())));
    }
    txn.commit().await
}

fn replace_once(sql: &str, from: &str, to: &str) -> Result<String, DbErr> {
    match sql.matches(from).count() {
        1 => Ok(sql.replacen(from, to, 1)),
        n => Err(DbErr::Migration(format!("expected one `{from}` in the join_request definition, found {n}"))),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for column in new_columns(backend) {
            db.execute_unprepared(&format!("ALTER TABLE join_request ADD COLUMN {column}")).await?;
        }
        match backend {
            DatabaseBackend::Postgres => {
                postgres_status_check(db, NEW_STATUSES).await?;
                live_indexes(db, NEW_LIVE).await?;
            }
            _ => {
                let edit = |sql: &str| replace_once(sql, &format!("status IN ({OLD_STATUSES})"), &format!("status IN ({NEW_STATUSES})"));
                sqlite_rebuild(db, edit, NEW_LIVE).await?;
            }
        }
        // The worker's queue of requests to converge.
        db.execute_unprepared("CREATE INDEX ix_join_request_sync_due ON join_request (sync_due_at) WHERE sync_due_at IS NOT NULL")
            .await?;
        // The admin queue's lost-affiliation filter.
        db.execute_unprepared(
            "CREATE INDEX ix_join_request_affiliation_lost ON join_request (requested_at, id) WHERE affiliation_lost_at IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for index in ["ix_join_request_sync_due", "ix_join_request_affiliation_lost"] {
            manager.drop_index(Index::drop().name(index).table(JoinRequest::Table).to_owned()).await?;
        }
        // Requests in the new statuses cannot be kept under the old check: refuse rather
        // than lose them.
        let newer = db
            .query_one(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM join_request WHERE status NOT IN ({OLD_STATUSES})"),
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if newer > 0 {
            return Err(DbErr::Migration(format!(
                "{newer} requests are withdrawn, offboarding, removed or suspended, which the previous schema cannot hold"
            )));
        }
        match backend {
            DatabaseBackend::Postgres => {
                postgres_status_check(db, OLD_STATUSES).await?;
                live_indexes(db, OLD_LIVE).await?;
            }
            _ => {
                let edit = |sql: &str| replace_once(sql, &format!("status IN ({NEW_STATUSES})"), &format!("status IN ({OLD_STATUSES})"));
                sqlite_rebuild(db, edit, OLD_LIVE).await?;
            }
        }
        for column in NEW_COLUMN_NAMES {
            db.execute_unprepared(&format!("ALTER TABLE join_request DROP COLUMN {column}")).await?;
        }
        Ok(())
    }
}
