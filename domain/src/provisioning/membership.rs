//! The ZeroTier member a request produced: one row per request, updated in place.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::MemberResult;
use crate::entities::zt_membership::{self, Column};

/// Inserts or updates the membership of `request_id`.
pub async fn upsert<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    network: &str,
    node: &str,
    member: &MemberResult,
) -> Result<zt_membership::Model, DbErr> {
    let now = Utc::now();
    zt_membership::Entity::insert(zt_membership::ActiveModel {
        id: Set(Uuid::new_v4()),
        join_request_id: Set(request_id),
        zt_network_id: Set(network.to_owned()),
        node_id: Set(node.to_owned()),
        member_id: Set(member.member_id.clone()),
        is_authorized: Set(member.is_authorized),
        assigned_ips: Set(serde_json::json!(member.assigned_ips)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(Column::JoinRequestId)
            .update_columns([Column::NodeId, Column::MemberId, Column::IsAuthorized, Column::AssignedIps, Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    zt_membership::Entity::find()
        .filter(Column::JoinRequestId.eq(request_id))
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("membership just written".into()))
}
