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
            request.extensions_mut().insert(ResolvedSession(viewer));
            next.run(request).await
        }
    }
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
