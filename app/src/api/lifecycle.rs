//! What members and admins do with a request after joining, for the screens: withdraw,
//! leave and replace the node (the member); remove, suspend, resume and keep (admins).
//! Each authenticates, calls one `domain` service, and on a plain form post that is
//! refused goes back to the page with `?error=<code>`.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::refused(contract::ErrorCode::RequestNotFound))
}

/// Runs a member's change on their request `id`.
#[cfg(feature = "ssr")]
async fn as_member<F, Fut>(id: &str, change: F) -> Result<(), AppError>
where
    F: FnOnce(domain::Services, uuid::Uuid, uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<domain::requests::RequestRecord, domain::requests::RequestError>>,
{
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    change(services, session.user.id, parse_id(id)?)
        .await
        .map(|_| ())
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &format!("/requests/{id}")))
}

/// Runs an admin's change on request `id`.
#[cfg(feature = "ssr")]
async fn as_admin<F, Fut>(id: &str, change: F) -> Result<(), AppError>
where
    F: FnOnce(domain::Services, uuid::Uuid, uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<domain::requests::RequestRecord, domain::requests::RequestError>>,
{
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    change(services, admin.user.id, parse_id(id)?)
        .await
        .map(|_| ())
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &format!("/admin/requests/{id}")))
}

#[server(prefix = "/api/ui", endpoint = "withdraw-request")]
pub async fn withdraw_request(id: String) -> Result<(), AppError> {
    as_member(&id, |services, user, id| async move { domain::requests::withdraw(&services, user, id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "leave-exchange")]
pub async fn leave_exchange(id: String, note: Option<String>) -> Result<(), AppError> {
    as_member(&id, |services, user, id| async move { domain::requests::leave(&services, user, id, note.as_deref()).await }).await
}

#[server(prefix = "/api/ui", endpoint = "replace-node")]
pub async fn replace_node(id: String, node_id: String) -> Result<(), AppError> {
    as_member(&id, |services, user, id| async move { domain::requests::replace_node(&services, user, id, &node_id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "offboard-member")]
pub async fn offboard_member(id: String, reason: String) -> Result<(), AppError> {
    as_admin(&id, |services, admin, id| async move { domain::requests::offboard(&services, admin, id, Some(&reason)).await }).await
}

#[server(prefix = "/api/ui", endpoint = "suspend-member")]
pub async fn suspend_member(id: String, reason: String) -> Result<(), AppError> {
    as_admin(&id, |services, admin, id| async move { domain::requests::suspend(&services, admin, id, Some(&reason)).await }).await
}

#[server(prefix = "/api/ui", endpoint = "resume-member")]
pub async fn resume_member(id: String) -> Result<(), AppError> {
    as_admin(&id, |services, admin, id| async move { domain::requests::resume(&services, admin, id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "keep-member")]
pub async fn keep_member(id: String) -> Result<(), AppError> {
    as_admin(&id, |services, admin, id| async move { domain::requests::keep(&services, admin, id).await }).await
}
