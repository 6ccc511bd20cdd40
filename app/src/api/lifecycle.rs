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

/// Who may make a change, and which page a refused plain form post goes back to.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
enum By {
    /// The member, on their own request (`/requests/{id}`).
    Member,
    /// An admin (`/admin/requests/{id}`).
    Admin,
}

/// Runs `change` on request `id` for the logged-in member or admin.
#[cfg(feature = "ssr")]
async fn change_as<F, Fut>(by: By, id: &str, change: F) -> Result<(), AppError>
where
    F: FnOnce(domain::Services, uuid::Uuid, uuid::Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<domain::requests::RequestRecord, domain::requests::RequestError>>,
{
    let (user, page) = match by {
        By::Member => (crate::server::require_session().await?.user.id, format!("/requests/{id}")),
        By::Admin => (crate::server::require_admin().await?.user.id, format!("/admin/requests/{id}")),
    };
    let services = crate::server::services()?;
    change(services, user, parse_id(id)?)
        .await
        .map(|_| ())
        .map_err(|e| crate::server::refuse_form(AppError::from_request_error(e), &page))
}

#[server(prefix = "/api/ui", endpoint = "withdraw-request")]
pub async fn withdraw_request(id: String) -> Result<(), AppError> {
    change_as(By::Member, &id, |services, user, id| async move { domain::requests::withdraw(&services, user, id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "leave-exchange")]
pub async fn leave_exchange(id: String, note: Option<String>) -> Result<(), AppError> {
    change_as(By::Member, &id, |services, user, id| async move { domain::requests::leave(&services, user, id, note.as_deref()).await }).await
}

#[server(prefix = "/api/ui", endpoint = "replace-node")]
pub async fn replace_node(id: String, node_id: String) -> Result<(), AppError> {
    change_as(By::Member, &id, |services, user, id| async move { domain::requests::replace_node(&services, user, id, &node_id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "offboard-member")]
pub async fn offboard_member(id: String, reason: String) -> Result<(), AppError> {
    change_as(By::Admin, &id, |services, admin, id| async move { domain::requests::offboard(&services, admin, id, Some(&reason)).await }).await
}

#[server(prefix = "/api/ui", endpoint = "suspend-member")]
pub async fn suspend_member(id: String, reason: String) -> Result<(), AppError> {
    change_as(By::Admin, &id, |services, admin, id| async move { domain::requests::suspend(&services, admin, id, Some(&reason)).await }).await
}

#[server(prefix = "/api/ui", endpoint = "resume-member")]
pub async fn resume_member(id: String) -> Result<(), AppError> {
    change_as(By::Admin, &id, |services, admin, id| async move { domain::requests::resume(&services, admin, id).await }).await
}

#[server(prefix = "/api/ui", endpoint = "keep-member")]
pub async fn keep_member(id: String) -> Result<(), AppError> {
    change_as(By::Admin, &id, |services, admin, id| async move { domain::requests::keep(&services, admin, id).await }).await
}
