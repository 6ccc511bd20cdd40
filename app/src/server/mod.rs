//! Server-side helpers for server functions (compiled only with `ssr`): the services,
//! the caller's session and address, cookies on the response, and view mapping.

mod views;

pub use views::{admin_detail, admin_filters, detail, network_names, operator_names, summary, Audience, ADMIN_PAGE_SIZE};

use domain::identity::{cookie, sessions, ClientAddr, CurrentSession};
use domain::Services;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

/// The services of the request being handled. They are missing only when the response
/// was already sent (a redirect ended rendering while this call was still pending).
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| {
        tracing::debug!("server function called after its response was sent");
        AppError::Unavailable
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| AppError::internal("request parts missing from context"))
}

/// The session cookie's token, if the request carries one.
pub fn session_token() -> Option<String> {
    let parts = use_context::<Parts>()?;
    let secure = use_context::<Services>()?.identity.secure_cookies;
    cookie::token_from(parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()), secure)
}

/// The PeeringDB login state bound to this browser, if any.
pub fn login_state() -> Option<String> {
    let parts = use_context::<Parts>()?;
    let secure = use_context::<Services>()?.identity.secure_cookies;
    cookie::login_state_from(parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()), secure)
}

/// The client's address (login throttling, audit trail), as the web tier decided it
/// (trusted proxies included).
pub fn client_addr() -> String {
    parts().ok().and_then(|p| p.extensions.get::<ClientAddr>().copied()).map_or_else(|| "unknown".to_owned(), |c| c.to_string())
}

/// The caller's live session, if any.
pub async fn session() -> Result<Option<CurrentSession>, AppError> {
    let Some(token) = session_token() else { return Ok(None) };
    let services = services()?;
    sessions::resolve(&services.db, &services.identity, &services.settings.auth, &token)
        .await
        .map_err(AppError::internal)
}

/// The caller's session, or `Unauthenticated`.
pub async fn require_session() -> Result<CurrentSession, AppError> {
    session().await?.ok_or(AppError::Unauthenticated)
}

/// The caller's session if they are an admin; `Forbidden` for operators.
pub async fn require_admin() -> Result<CurrentSession, AppError> {
    let session = require_session().await?;
    if !session.user.is_admin {
        return Err(AppError::Forbidden);
    }
    Ok(session)
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or_else(|| AppError::internal("response options missing"))?;
    let value = HeaderValue::from_str(value).map_err(AppError::internal)?;
    response.append_header(SET_COOKIE, value);
    Ok(())
}
