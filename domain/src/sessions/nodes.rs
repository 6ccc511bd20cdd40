//! Node state: whether each active member's ZeroTier node is online, relayed, offline
//! or unseen, from the controller, once per pass and network.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use contract::view::NodeStatus;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{join_request, node_state, zt_membership};
use crate::types::NetworkId;
use crate::workflow::RequestStatus;
use crate::Services;

pub fn status_str(state: NodeStatus) -> &'static str {
    match state {
        NodeStatus::Online => "online",
        NodeStatus::Relayed => "relayed",
        NodeStatus::Offline => "offline",
        NodeStatus::Unseen => "unseen",
    }
}

pub fn parse_status(text: &str) -> Option<NodeStatus> {
    [NodeStatus::Online, NodeStatus::Relayed, NodeStatus::Offline, NodeStatus::Unseen].into_iter().find(|s| status_str(*s) == text)
}

/// Reads the node states of every active member; a network whose read fails keeps its
/// last states (their `read_at` tells how old they are). Returns how many were stored.
pub async fn refresh(services: &Services) -> Result<usize, DbErr> {
    let Ok(provider) = services.provisioning.provider() else { return Ok(0) };
    let members: Vec<(Uuid, String, String)> = zt_membership::Entity::find()
        .select_only()
        .columns([zt_membership::Column::JoinRequestId, zt_membership::Column::ZtNetworkId, zt_membership::Column::NodeId])
        .inner_join(join_request::Entity)
        .filter(join_request::Column::Status.eq(RequestStatus::Active))
        .into_tuple()
        .all(&services.db)
        .await?;
    let mut by_network: HashMap<String, Vec<(Uuid, String)>> = HashMap::new();
    for (id, network, node) in members {
        by_network.entry(network).or_default().push((id, node));
    }
    let before: HashMap<Uuid, node_state::Model> = node_state::Entity::find().all(&services.db).await?.into_iter().map(|n| (n.join_request_id, n)).collect();
    let now = Utc::now();
    let mut stored = 0;
    for (network, nodes) in by_network {
        let Ok(id) = NetworkId::parse(&network) else { continue };
        let seen = match provider.node_states(&id).await {
            Ok(seen) => seen,
            Err(e) => {
                tracing::warn!(network = %network, error = %e, "could not read the node states");
                continue;
            }
        };
        for (request_id, node) in nodes {
            let previous = before.get(&request_id).filter(|p| p.node_id == node);
            let row = match seen.get(&node) {
                Some(s) => node_state::ActiveModel {
                    join_request_id: Set(request_id),
                    node_id: Set(node.clone()),
                    state: Set(status_str(s.state).to_owned()),
                    last_seen_at: Set(s.last_seen_ms.and_then(|ms| Utc.timestamp_millis_opt(ms).single()).or(previous.and_then(|p| p.last_seen_at))),
                    version: Set(s.version.clone().or_else(|| previous.and_then(|p| p.version.clone()))),
                    latency_ms: Set(s.latency_ms),
                    read_at: Set(now),
                },
                None => {
                    let last_seen = previous.and_then(|p| p.last_seen_at);
                    node_state::ActiveModel {
                        join_request_id: Set(request_id),
                        node_id: Set(node.clone()),
                        state: Set(status_str(if last_seen.is_some() { NodeStatus::Offline } else { NodeStatus::Unseen }).to_owned()),
                        last_seen_at: Set(last_seen),
                        version: Set(previous.and_then(|p| p.version.clone())),
                        latency_ms: Set(None),
                        read_at: Set(now),
                    }
                }
            };
            node_state::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(node_state::Column::JoinRequestId)
                        .update_columns([
                            node_state::Column::NodeId,
                            node_state::Column::State,
                            node_state::Column::LastSeenAt,
                            node_state::Column::Version,
                            node_state::Column::LatencyMs,
                            node_state::Column::ReadAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&services.db)
                .await?;
            stored += 1;
        }
    }
    Ok(stored)
}
