//! Where a page request belongs, decided before anything renders: visitors without a
//! session go to `/login` from pages that need one, `/` sends everyone to their start
//! page, and people already logged in skip `/login`. Answering these with a plain
//! redirect here is deterministic; the pages repeat the same rules in the browser after
//! logins and logouts. Which page needs what is listed beside the route table
//! (`app::page_access`).
//!
//! The session resolved here is left in the request's extensions, so the page's own
//! server functions do not look it up again.

use app::server::web::{self, ResolvedSession};
use app::{page_access, PageAccess};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::identity::CurrentSession;
use http::header::LOCATION;
use http::{Method, StatusCode};

use super::AppState;

fn redirect(to: &'static str) -> Response {
    (StatusCode::FOUND, [(LOCATION, to)]).into_response()
}

/// Where a page request with this access rule and this viewer is sent instead, if anywhere.
fn destination(access: PageAccess, viewer: Option<&CurrentSession>) -> Option<&'static str> {
    match (access, viewer) {
        (PageAccess::Start, None) | (PageAccess::Session, None) => Some("/login"),
        (PageAccess::Start, Some(session)) if session.user.is_admin => Some("/admin/requests"),
        (PageAccess::Start, Some(_)) => Some("/dashboard"),
        (PageAccess::Login, Some(_)) => Some("/onboarding"),
        _ => None,
    }
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let access = page_access(request.uri().path());
    if access == PageAccess::Open || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let viewer = match web::session(&state.services, request.headers(), request.extensions()).await {
        Ok(viewer) => viewer,
        // The page itself shows the failure with its usual error notice.
        Err(_) => return next.run(request).await,
    };
    match destination(access, viewer.as_ref()) {
        Some(to) => redirect(to),
        None => {
            if let Some(session) = &viewer {
                remember_locale(&state, session, request.headers());
            }
            request.extensions_mut().insert(ResolvedSession(viewer));
            next.run(request).await
        }
    }
}

/// The language a page is shown in: the remembered choice, else the browser's first.
fn page_locale(headers: &http::HeaderMap) -> Option<&'static str> {
    let chosen = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == app::LOCALE_COOKIE)
        .and_then(|(_, value)| value.parse::<app::i18n::Locale>().ok());
    if let Some(locale) = chosen {
        return Some(domain::notify::Catalog::locale(Some(leptos_i18n::Locale::as_str(locale))));
    }
    let first = headers.get(http::header::ACCEPT_LANGUAGE)?.to_str().ok()?.split(',').next()?.split(';').next()?.trim();
    (!first.is_empty()).then(|| domain::notify::Catalog::locale(Some(first)))
}

/// Keeps the language a person last used, for their e-mail (written only when it
/// changed, off the request's path).
fn remember_locale(state: &AppState, session: &CurrentSession, headers: &http::HeaderMap) {
    let Some(locale) = page_locale(headers) else { return };
    if session.user.locale.as_deref() == Some(locale) {
        return;
    }
    let (db, user_id) = (state.services.db.clone(), session.user.id);
    tokio::spawn(async move {
        if let Err(e) = domain::notify::choices::remember_locale(&db, user_id, locale).await {
            tracing::warn!(error = %e, "remembering the language failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use domain::identity::AuthMethod;

    use super::*;

    fn viewer(is_admin: bool) -> CurrentSession {
        let now = chrono::Utc::now();
        CurrentSession {
            session_id: "s".into(),
            auth_method: AuthMethod::Local,
            user: domain::entities::app_user::Model {
                id: uuid::Uuid::nil(),
                peeringdb_user_id: None,
                username: "u".into(),
                full_name: None,
                email: None,
                is_admin,
                locale: None,
                notifications_off: "[]".into(),
                created_at: now,
                updated_at: now,
            },
            expires_at: now,
        }
    }

    /// The guard on its own, whatever the pages check after it.
    #[test]
    fn visitors_are_sent_to_login_and_everyone_to_their_start() {
        let (operator, admin) = (viewer(false), viewer(true));
        assert_eq!(destination(PageAccess::Session, None), Some("/login"));
        assert_eq!(destination(PageAccess::Start, None), Some("/login"));
        assert_eq!(destination(PageAccess::Start, Some(&operator)), Some("/dashboard"));
        assert_eq!(destination(PageAccess::Start, Some(&admin)), Some("/admin/requests"));
        assert_eq!(destination(PageAccess::Login, Some(&operator)), Some("/onboarding"));
        assert_eq!(destination(PageAccess::Login, None), None);
        assert_eq!(destination(PageAccess::Session, Some(&operator)), None);
        assert_eq!(destination(PageAccess::Open, None), None);
    }
}
