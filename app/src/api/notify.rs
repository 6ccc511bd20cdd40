//! Notifications: a person's e-mail choices, and the admins' webhook endpoints and
//! outbox. Checkbox forms send `on[<kind>]=on` (a kind's dots written as `_`), so the
//! forms work before hydration.

use std::collections::HashMap;

use leptos::prelude::*;

pub use contract::view::{CreatedWebhook, NotificationChoices, NotificationsAdmin};
use contract::NotificationKind;

use crate::error::AppError;

/// The form name of a kind's checkbox key.
pub fn form_key(kind: NotificationKind) -> String {
    kind.as_str().replace('.', "_")
}

/// The kinds whose boxes were checked.
pub fn checked(on: Option<HashMap<String, String>>) -> Vec<NotificationKind> {
    let on = on.unwrap_or_default();
    NotificationKind::ALL.iter().copied().filter(|k| on.contains_key(&form_key(*k))).collect()
}

#[cfg(feature = "ssr")]
fn actor(session: &domain::identity::CurrentSession) -> domain::audit::Actor {
    domain::audit::Actor::User(session.user.id)
}

#[cfg(feature = "ssr")]
fn endpoint_error(error: domain::notify::endpoints::EndpointError) -> AppError {
    use contract::ErrorCode;
    use domain::notify::endpoints::EndpointError as E;

    let field = |field: &str, message: String| AppError::refused_with(ErrorCode::ValidationError, crate::error::Detail::Field { field: field.into(), message });
    match error {
        E::Url(e) => field("url", e.to_string()),
        E::NoEvents => field("events", E::NoEvents.to_string()),
        E::Secret => field("secret", E::Secret.to_string()),
        E::TooMany => AppError::Validation { message: E::TooMany.to_string() },
        E::NotFound => AppError::NotFound,
        E::Database(e) => AppError::internal(e),
    }
}

/// A refused plain form post of the admin screen goes back to it with the code.
#[cfg(feature = "ssr")]
fn refused(error: AppError) -> AppError {
    crate::server::refuse_form(error, "/admin/notifications")
}

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

/// What the viewer gets by e-mail.
#[server(prefix = "/api/ui", endpoint = "my-notifications")]
pub async fn my_notifications() -> Result<NotificationChoices, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    Ok(domain::notify::choices::of(&session.user, services.notify.mailer.is_some()))
}

/// Keeps the kinds whose boxes are checked, turns the others off.
#[server(prefix = "/api/ui", endpoint = "choose-notifications")]
pub async fn choose_notifications(on: Option<HashMap<String, String>>) -> Result<(), AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let chosen = checked(on);
    let off: Vec<NotificationKind> = NotificationKind::for_recipient(session.user.is_admin).filter(|k| !chosen.contains(k)).collect();
    domain::notify::choices::set(&services.db, session.user.id, &off)
        .await
        .map_err(|e| crate::server::refuse_form(AppError::internal(e), "/dashboard"))?;
    Ok(())
}

/// The endpoints and the outbox (admins); `status` and `endpoint` narrow the log.
#[server(prefix = "/api/ui", endpoint = "admin-notifications")]
pub async fn admin_notifications(status: Option<String>, endpoint: Option<String>) -> Result<NotificationsAdmin, AppError> {
    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let status = status.as_deref().and_then(contract::DeliveryStatus::parse);
    let endpoint = endpoint.as_deref().and_then(|e| uuid::Uuid::parse_str(e).ok());
    let webhooks = domain::notify::endpoints::list(&services.db).await.map_err(AppError::internal)?;
    let outbox = domain::notify::endpoints::outbox(&services.db, status, endpoint, 50).await.map_err(AppError::internal)?;
    Ok(NotificationsAdmin { email_enabled: services.notify.mailer.is_some(), webhooks, outbox })
}

/// Adds a webhook endpoint; the answer carries its secret, shown once.
#[server(prefix = "/api/ui", endpoint = "add-webhook")]
pub async fn add_webhook(url: String, on: Option<HashMap<String, String>>, secret: Option<String>) -> Result<CreatedWebhook, AppError> {
    let session = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let new = domain::notify::endpoints::NewEndpoint { url, events: checked(on), secret };
    domain::notify::endpoints::create(&services.db, &services.notify.guard, actor(&session), new).await.map_err(|e| refused(endpoint_error(e)))
}

/// Turns an endpoint on (`enabled` = `true`) or off.
#[server(prefix = "/api/ui", endpoint = "toggle-webhook")]
pub async fn toggle_webhook(id: String, enabled: String) -> Result<(), AppError> {
    let session = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::notify::endpoints::update(&services.db, actor(&session), parse_id(&id)?, Some(enabled == "true"), None).await.map_err(|e| refused(endpoint_error(e)))?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "remove-webhook")]
pub async fn remove_webhook(id: String) -> Result<(), AppError> {
    let session = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::notify::endpoints::delete(&services.db, actor(&session), parse_id(&id)?).await.map_err(|e| refused(endpoint_error(e)))
}

/// Queues a signed test delivery to the endpoint.
#[server(prefix = "/api/ui", endpoint = "test-webhook")]
pub async fn send_test_delivery(id: String) -> Result<(), AppError> {
    let session = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::notify::endpoints::test(&services.db, actor(&session), parse_id(&id)?).await.map_err(|e| refused(endpoint_error(e)))?;
    Ok(())
}

/// Sends a dead letter again.
#[server(prefix = "/api/ui", endpoint = "retry-delivery")]
pub async fn retry_delivery(id: String) -> Result<(), AppError> {
    let session = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    match domain::notify::endpoints::retry(&services.db, actor(&session), parse_id(&id)?).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(refused(AppError::refused(contract::ErrorCode::InvalidStatusTransition))),
        Err(e) => Err(AppError::internal(e)),
    }
}
