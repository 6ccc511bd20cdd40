//! A node belongs to one member: on one network, a node id has at most one live request,
//! whatever the ASN (before, the rule was per ASN, so a second member could file for a
//! node that was already someone else's). Requests that broke the new rule before the
//! upgrade are settled first: the one that got furthest (then the oldest) keeps the
//! node, the others are rejected (pending) or failed (approved, provisioning), each with
//! a reason and an audit event.
//!
//! Also: why a provisioning attempt failed, as a stable code (`last_error_code`), so
//! members can be told in their own language without internal details; and the table
//! that records a throttled login key once per window.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult, Statement, TransactionTrait};

use crate::m20261128_000003_join_requests::JoinRequest;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginThrottleNotice {
    Table,
    ThrottleKey,
    WindowEndsAt,
}

/// The live statuses of this schema version (see the partial indexes).
const LIVE: &str = "status IN ('pending', 'approved', 'provisioning', 'active')";

/// Of several live requests for one node, the one that got furthest keeps it.
const RANK: &str = "CASE status WHEN 'active' THEN 0 WHEN 'provisioning' THEN 1 WHEN 'approved' THEN 2 ELSE 3 END";

const REASON: &str = "Another member's request already uses this ZeroTier node on this network. \
                      Check the node id (`zerotier-cli info` on your router) and file a new request.";

#[derive(Debug, FromQueryResult)]
struct LiveNode {
    id: uuid::Uuid,
    zt_network_id: String,
    node_id: String,
    status: String,
}

/// Settles the live requests that share a node with another one on the same network.
async fn settle_conflicts<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let rows = LiveNode::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT id, zt_network_id, node_id, status FROM join_request \
             WHERE node_id IS NOT NULL AND {LIVE} \
             ORDER BY zt_network_id, node_id, {RANK}, requested_at, id"
        ),
    ))
    .all(db)
    .await?;
    let mut previous: Option<(String, String)> = None;
    for row in rows {
        let key = (row.zt_network_id.clone(), row.node_id.clone());
        if previous.as_ref() != Some(&key) {
            previous = Some(key);
            continue;
        }
        let to = if row.status == "pending" { "rejected" } else { "failed" };
        let now = chrono::Utc::now();
        let set = if to == "rejected" {
            "status = 'rejected', reject_reason = $1, decided_at = $2, updated_at = $2"
        } else {
            "status = 'failed', last_error = $1, last_error_code = 'node_in_use', last_error_at = $2, \
             lease_owner = NULL, lease_expires_at = NULL, retry_count = retry_count + 1, updated_at = $2"
        };
        db.execute(Statement::from_sql_and_values(
            backend,
            format!("UPDATE join_request SET {set} WHERE id = $3"),
            [REASON.into(), now.into(), row.id.into()],
        ))
        .await?;
        let metadata = serde_json::json!({
            "from_status": row.status,
            "to_status": to,
            "reason": "node_in_use",
            "zt_network_id": row.zt_network_id,
            "node_id": row.node_id,
        });
        db.execute(Statement::from_sql_and_values(
            backend,
            "INSERT INTO audit_event (id, actor_user_id, action, target_type, target_id, metadata, created_at) \
             VALUES ($1, NULL, 'join_request.node_conflict_settled', 'join_request', $2, $3, $4)",
            [uuid::Uuid::new_v4().into(), row.id.to_string().into(), metadata.into(), now.into()],
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(JoinRequest::Table)
                    .add_column(string_len_null(Alias::new("last_error_code"), 40))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let txn = db.begin().await?;
        settle_conflicts(&txn).await?;
        txn.commit().await?;
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX uq_join_request_live_network_node \
             ON join_request (zt_network_id, node_id) \
             WHERE node_id IS NOT NULL AND {LIVE}"
        ))
        .await?;
        // Implied by the index above.
        manager.drop_index(Index::drop().name("uq_join_request_live_node").table(JoinRequest::Table).to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginThrottleNotice::Table)
                    .col(string_len(LoginThrottleNotice::ThrottleKey, 320).primary_key())
                    .col(timestamp_with_time_zone(LoginThrottleNotice::WindowEndsAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginThrottleNotice::Table).to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX uq_join_request_live_node \
             ON join_request (asn, zt_network_id, node_id) \
             WHERE node_id IS NOT NULL AND {LIVE}"
        ))
        .await?;
        manager
            .drop_index(Index::drop().name("uq_join_request_live_network_node").table(JoinRequest::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(JoinRequest::Table).drop_column(Alias::new("last_error_code")).to_owned())
            .await
    }
}
