//! Join requests for the screens: onboarding, the operator's own requests, and the
//! admin queue. Each server function authenticates, calls one `domain` service and
//! returns its read model.

use leptos::prelude::*;

pub use contract::view::{AdminDetail, AdminPage, AuditActor, AuditLine, AuditNote, Onboarding, RequestDetail, RequestSummary};

use crate::error::AppError;

#[cfg(feature = "ssr")]
fn request_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::refused(contract::ErrorCode::RequestNotFound))
}

#[server(prefix = "/api/ui", endpoint = "onboarding")]
pub async fn get_onboarding() -> Result<Onboarding, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    domain::views::onboarding(&services.db, session.user.id).await.map_err(AppError::internal)
}

/// Files a request; the browser then goes to its page.
#[server(prefix = "/api/ui", endpoint = "create-request")]
pub async fn create_request(
    asn: i64,
    zt_network_id: String,
    node_id: Option<String>,
    notes: Option<String>,
) -> Result<String, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    // The form's empty field means "no node yet".
    let node_id = node_id.filter(|n| !n.trim().is_empty());
    let input = domain::requests::NewRequest { asn, zt_network_id, node_id, notes };
    let created = domain::requests::create(&services, &session.user, input)
        .await
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), "/onboarding"))?;
    let id = created.id.to_string();
    leptos_axum::redirect(&format!("/requests/{id}"));
    Ok(id)
}

#[server(prefix = "/api/ui", endpoint = "my-requests")]
pub async fn my_requests() -> Result<Vec<RequestSummary>, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let mut rows = domain::views::my_requests(&services.db, session.user.id).await.map_err(AppError::internal)?;
    domain::sessions::attach_counts(&services, &mut rows).await.map_err(AppError::internal)?;
    Ok(rows)
}

#[server(prefix = "/api/ui", endpoint = "my-request")]
pub async fn my_request(id: String) -> Result<RequestDetail, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let mut detail = domain::views::my_request(&services.db, session.user.id, request_id(&id)?)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::refused(contract::ErrorCode::RequestNotFound))?;
    domain::policy::attach(&services, &mut detail, false).await.map_err(AppError::internal)?;
    domain::sessions::view::attach(&services, &mut detail, false).await.map_err(AppError::internal)?;
    Ok(detail)
}

#[server(prefix = "/api/ui", endpoint = "admin-requests")]
pub async fn admin_requests(
    status: Option<String>,
    asn: Option<String>,
    zt_network_id: Option<String>,
    min_age_minutes: Option<String>,
    flag: Option<String>,
    no_session_days: Option<String>,
    offset: Option<u64>,
) -> Result<AdminPage, AppError> {
    use crate::error::Detail;
    use domain::requests::{AdminFilters, FilterInput};

    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let input = FilterInput {
        status: status.as_deref(),
        asn: asn.as_deref(),
        zt_network_id: zt_network_id.as_deref(),
        min_age_minutes: min_age_minutes.as_deref(),
        limit: None,
        offset: None,
        flag: flag.as_deref(),
        no_session_days: no_session_days.as_deref(),
    };
    let query = AdminFilters::parse(&input).map_err(|e| {
        AppError::refused_with(contract::ErrorCode::ValidationError, Detail::Field { field: e.field.to_owned(), message: e.message })
    })?;
    let mut page = domain::views::admin_queue(&services.db, &query.filters, offset.unwrap_or(0)).await.map_err(AppError::internal)?;
    domain::sessions::attach_counts(&services, &mut page.rows).await.map_err(AppError::internal)?;
    Ok(page)
}

#[server(prefix = "/api/ui", endpoint = "admin-request")]
pub async fn admin_request(id: String) -> Result<AdminDetail, AppError> {
    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let mut page = domain::views::admin_request(&services.db, request_id(&id)?)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::refused(contract::ErrorCode::RequestNotFound))?;
    domain::policy::attach(&services, &mut page.request, true).await.map_err(AppError::internal)?;
    domain::sessions::view::attach(&services, &mut page.request, true).await.map_err(AppError::internal)?;
    Ok(page)
}

#[server(prefix = "/api/ui", endpoint = "approve-request")]
pub async fn approve_request(id: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::requests::approve(&services, admin.user.id, request_id(&id)?)
        .await
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &format!("/admin/requests/{id}")))?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "reject-request")]
pub async fn reject_request(id: String, reject_reason: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::requests::reject(&services, admin.user.id, request_id(&id)?, Some(&reject_reason))
        .await
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &format!("/admin/requests/{id}")))?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "retry-request")]
pub async fn retry_request(id: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::requests::retry(&services, admin.user.id, request_id(&id)?)
        .await
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &format!("/admin/requests/{id}")))?;
    Ok(())
}
