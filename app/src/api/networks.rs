//! The exchange networks, as shown on the login page.

use leptos::prelude::*;

pub use contract::view::NetworkOverview;

use crate::error::AppError;

#[server(prefix = "/api/ui", endpoint = "networks")]
pub async fn list_networks() -> Result<NetworkOverview, AppError> {
    let services = crate::server::services()?;
    domain::views::network_overview(&services.db).await.map_err(AppError::internal)
}
