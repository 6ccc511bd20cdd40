//! An admin sets a request's route-server policy over what PeeringDB says.

use leptos::prelude::*;

use crate::error::AppError;

/// Empty fields fall back to PeeringDB and the exchange's defaults.
#[server(prefix = "/api/ui", endpoint = "set-route-policy")]
pub async fn set_route_policy(id: String, max_prefixes_v4: Option<String>, max_prefixes_v6: Option<String>, irr_as_set: Option<String>) -> Result<(), AppError> {
    use crate::error::Detail;
    use contract::ErrorCode;

    let admin = crate::server::require_admin().await?;
    let page = format!("/admin/requests/{id}");
    let invalid = |field: &str, message: &str| {
        crate::server::refuse_form(AppError::refused_with(ErrorCode::ValidationError, Detail::Field { field: field.into(), message: message.into() }), &page)
    };
    let limit = |field: &str, value: Option<String>| -> Result<Option<u32>, AppError> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v.parse::<u32>().map(Some).map_err(|_| invalid(field, "a whole number from 1 to 10000000")),
        }
    };
    let overrides = domain::policy::Overrides {
        max_prefixes_v4: limit("max_prefixes_v4", max_prefixes_v4)?,
        max_prefixes_v6: limit("max_prefixes_v6", max_prefixes_v6)?,
        irr_as_set: irr_as_set.filter(|s| !s.trim().is_empty()),
    };
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused(ErrorCode::RequestNotFound))?;
    let services = crate::server::services()?;
    domain::policy::set_overrides(&services, domain::audit::Actor::User(admin.user.id), id, overrides).await.map_err(|e| match e {
        domain::policy::OverrideError::Invalid(message) => invalid("route_policy", message),
        domain::policy::OverrideError::NotFound => AppError::refused(ErrorCode::RequestNotFound),
        domain::policy::OverrideError::Database(e) => AppError::internal(e),
    })
}
