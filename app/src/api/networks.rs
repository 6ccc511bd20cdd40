//! The exchange networks, as shown on the overview page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One exchange network as operators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSummary {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub ipv6_prefix: Option<String>,
}

/// The networks open for requests, and when the list was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkOverview {
    pub networks: Vec<NetworkSummary>,
    /// RFC 3339 UTC.
    pub checked_at: String,
}

#[server(prefix = "/api/ui", endpoint = "networks")]
pub async fn list_networks() -> Result<NetworkOverview, AppError> {
    let services = use_context::<domain::Services>().ok_or_else(|| AppError::internal("services missing from context"))?;
    let rows = domain::networks::list_active(&services.db).await.map_err(AppError::internal)?;
    Ok(NetworkOverview {
        networks: rows
            .into_iter()
            .map(|n| NetworkSummary { id: n.id, name: n.name, description: n.description, ipv6_prefix: n.ipv6_prefix })
            .collect(),
        checked_at: domain::clock::now_rfc3339(),
    })
}
