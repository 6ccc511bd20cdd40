//! Server-side helpers for server functions (compiled only with `ssr`): the services,
//! the caller's session, cookies on the response, and the web session adapter the
//! server crate's page guard and JSON API use as well.

pub mod web;

use domain::identity::CurrentSession;
use domain::Services;
use http::header::SET_COOKIE;
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::error::AppError;
use web::Cookies;

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

/// The portal's cookies for this deployment.
pub fn cookies() -> Result<Cookies, AppError> {
    Ok(Cookies::new(&services()?.identity))
}

/// The session cookie's token, if the request carries one.
pub fn session_token() -> Option<String> {
    cookies().ok()?.session_token(&use_context::<Parts>()?.headers)
}

/// The PeeringDB login state bound to this browser, if any.
pub fn login_state() -> Option<String> {
    cookies().ok()?.login_state(&use_context::<Parts>()?.headers)
}

/// The two-factor challenge of a login waiting for its code step, if any.
pub fn login_challenge() -> Option<String> {
    cookies()
        .ok()?
        .login_challenge(&use_context::<Parts>()?.headers)
}

/// The client's address (login throttling, audit trail), as the web tier decided it.
pub fn client_addr() -> String {
    parts().map_or_else(|_| "unknown".to_owned(), |p| web::client_addr(&p.extensions))
}

/// The caller's live session, if any (resolved once per page request).
pub async fn session() -> Result<Option<CurrentSession>, AppError> {
    let services = services()?;
    let parts = parts()?;
    web::session(&services, &parts.headers, &parts.extensions).await.map_err(AppError::internal)
}

/// The caller's session, or `Unauthenticated`.
pub async fn require_session() -> Result<CurrentSession, AppError> {
    session().await?.ok_or(AppError::Unauthenticated)
}

/// The caller's session if they are an admin; `Forbidden` for operators, and a refusal
/// naming the account page for an admin who must first turn on two-factor login.
pub async fn require_admin() -> Result<CurrentSession, AppError> {
    let session = require_session().await?;
    if !session.user.is_admin {
        return Err(AppError::Forbidden);
    }
    let services = services()?;
    if domain::identity::second_factor::enrolment_required(
        &services.db,
        &services.identity,
        &session.user,
    )
    .await
    .map_err(AppError::internal)?
    {
        return Err(AppError::refused(
            contract::ErrorCode::SecondFactorEnrolmentRequired,
        ));
    }
    Ok(session)
}

/// A refusal of a plain HTML form post (the browser has no JavaScript, or has not
/// hydrated yet) goes back to `page` with `?error=<code>`, which the page shows; a call
/// from the interface gets the error as usual.
pub fn refuse_form(error: AppError, page: &str) -> AppError {
    let plain_form = use_context::<Parts>().is_some_and(|p| {
        p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
    });
    if plain_form {
        let joiner = if page.contains('?') { '&' } else { '?' };
        leptos_axum::redirect(&format!("{page}{joiner}error={}", error.code()));
    }
    error
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or_else(|| AppError::internal("response options missing"))?;
    let value = HeaderValue::from_str(value).map_err(AppError::internal)?;
    response.append_header(SET_COOKIE, value);
    Ok(())
}
