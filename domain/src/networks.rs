//! The exchange networks: kept in step with the runtime configuration.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};

use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::zt_network;
use crate::settings::ConfiguredNetwork;

/// What a sync changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub deactivated: Vec<String>,
}

/// Makes `zt_network` match `configured`: new networks are added, changed ones updated,
/// and networks no longer configured become inactive (never deleted: requests refer to
/// them). One transaction; each change is audited.
#[tracing::instrument(skip_all, fields(networks = configured.len()))]
pub async fn sync_configured(db: &DatabaseConnection, configured: &[ConfiguredNetwork]) -> Result<SyncReport, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let mut existing: HashMap<String, zt_network::Model> = zt_network::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|n| (n.id.clone(), n))
        .collect();
    let mut report = SyncReport::default();
    let actor = Actor::System(SystemActor::Startup);

    for network in configured {
        let id = network.id.as_str().to_owned();
        let prefix = Some(network.ipv6_prefix.to_string());
        let route_servers = serde_json::to_string(&network.route_servers).unwrap_or_else(|_| "[]".into());
        let published = serde_json::to_string(&network.published).unwrap_or_else(|_| "{}".into());
        match existing.remove(&id) {
            None => {
                zt_network::ActiveModel {
                    id: Set(id.clone()),
                    name: Set(network.name.clone()),
                    description: Set(network.description.clone()),
                    ipv6_prefix: Set(prefix),
                    is_active: Set(true),
                    irr_filter: Set(network.irr_filter),
                    route_servers: Set(route_servers),
                    published: Set(published),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                audit::record(&txn, AuditEntry::new(actor, AuditAction::NetworkAdded, "zt_network", &id).with("name", network.name.clone())).await?;
                report.added.push(id);
            }
            Some(row) => {
                let unchanged = row.name == network.name
                    && row.description == network.description
                    && row.ipv6_prefix == prefix
                    && row.irr_filter == network.irr_filter
                    && row.route_servers == route_servers
                    && row.published == published
                    && row.is_active;
                if unchanged {
                    continue;
                }
                let mut active = row.into_active_model();
                active.name = Set(network.name.clone());
                active.description = Set(network.description.clone());
                active.ipv6_prefix = Set(prefix);
                active.is_active = Set(true);
                active.irr_filter = Set(network.irr_filter);
                active.route_servers = Set(route_servers);
                active.published = Set(published);
                active.updated_at = Set(now);
                active.update(&txn).await?;
                audit::record(&txn, AuditEntry::new(actor, AuditAction::NetworkUpdated, "zt_network", &id)).await?;
                report.updated.push(id);
            }
        }
    }

    let mut removed: Vec<_> = existing.into_values().filter(|n| n.is_active).collect();
    removed.sort_by(|a, b| a.id.cmp(&b.id));
    for row in removed {
        let id = row.id.clone();
        let mut active = row.into_active_model();
        active.is_active = Set(false);
        active.updated_at = Set(now);
        active.update(&txn).await?;
        audit::record(&txn, AuditEntry::new(actor, AuditAction::NetworkDeactivated, "zt_network", &id)).await?;
        report.deactivated.push(id);
    }
    txn.commit().await?;
    if report != SyncReport::default() {
        tracing::info!(added = ?report.added, updated = ?report.updated, deactivated = ?report.deactivated, "exchange networks synced");
    }
    Ok(report)
}

/// Every network, active first, then by name.
pub async fn list<C: ConnectionTrait>(conn: &C) -> Result<Vec<zt_network::Model>, DbErr> {
    zt_network::Entity::find()
        .order_by_desc(zt_network::Column::IsActive)
        .order_by_asc(zt_network::Column::Name)
        .all(conn)
        .await
}

/// The networks operators may request now.
pub async fn list_active<C: ConnectionTrait>(conn: &C) -> Result<Vec<zt_network::Model>, DbErr> {
    zt_network::Entity::find()
        .filter(zt_network::Column::IsActive.eq(true))
        .order_by_asc(zt_network::Column::Name)
        .all(conn)
        .await
}
