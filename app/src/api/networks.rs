//! The exchange networks, as shown on the login page.

use leptos::prelude::*;

pub use contract::view::NetworkOverview;

use crate::error::AppError;

#[server(prefix = "/api/ui", endpoint = "networks")]
pub async fn list_networks() -> Result<NetworkOverview, AppError> {
    let services = crate::server::services()?;
    domain::views::network_overview(&services.db).await.map_err(AppError::internal)
}

/// The flow rules the portal sets on every exchange network, in the rules language
/// (admins only).
#[server(prefix = "/api/ui", endpoint = "network-rules")]
pub async fn network_rules() -> Result<String, AppError> {
    crate::server::require_admin().await?;
    Ok(domain::provisioning::flow_rules::to_text(&domain::provisioning::flow_rules::peering_lan()))
}
