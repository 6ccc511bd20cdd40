//! A member's filtered routes, read live from the route servers.

use leptos::prelude::*;

pub use contract::view::FilteredRoutes;

use crate::error::AppError;

/// Page `page` of the request's filtered routes; `admin` reads any member's (admins only).
#[server(prefix = "/api/ui", endpoint = "filtered-routes")]
pub async fn read_filtered_routes(id: String, page: u64, admin: bool) -> Result<FilteredRoutes, AppError> {
    use contract::ErrorCode;
    use domain::sessions::filtered::{read_visible, FilteredError};

    let session = if admin { crate::server::require_admin().await? } else { crate::server::require_session().await? };
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused(ErrorCode::RequestNotFound))?;
    read_visible(&services, session.user.id, admin, id, page).await.map_err(|e| match e {
        FilteredError::RateLimited(seconds) => AppError::Refused { code: ErrorCode::RateLimited, retry_after: Some(seconds), detail: None },
        FilteredError::NotFound => AppError::refused(ErrorCode::RequestNotFound),
        FilteredError::Database(e) => AppError::internal(e),
    })
}
