//! Where a page request belongs, decided before anything renders: visitors without a
//! session go to `/login` from protected pages, `/` sends everyone to their start page,
//! and people already logged in skip `/login`. Answering these with a plain redirect
//! here is deterministic; the pages repeat the same rules in the browser after logins
//! and logouts.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::identity::{cookie, sessions};
use http::header::{COOKIE, LOCATION};
use http::{Method, StatusCode};

use super::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Root,
    Login,
    /// Needs a session.
    Protected,
    /// Anything else: rendered (or served) as it is.
    Other,
}

fn classify(path: &str) -> Page {
    match path {
        "/" => Page::Root,
        "/login" => Page::Login,
        "/onboarding" | "/dashboard" | "/admin/requests" => Page::Protected,
        _ if path.starts_with("/requests/") || path.starts_with("/admin/requests/") => Page::Protected,
        _ => Page::Other,
    }
}

fn redirect(to: &'static str) -> Response {
    (StatusCode::FOUND, [(LOCATION, to)]).into_response()
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let page = classify(request.uri().path());
    if page == Page::Other || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let token = cookie::token_from(request.headers().get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()), state.services.identity.secure_cookies);
    let viewer = match token {
        None => Ok(None),
        Some(token) => {
            let services = &state.services;
            sessions::resolve(&services.db, &services.identity, &services.settings.auth, &token).await
        }
    };
    let viewer = match viewer {
        Ok(viewer) => viewer,
        // The page itself shows the failure with its usual error notice.
        Err(_) => return next.run(request).await,
    };
    match (page, viewer) {
        (Page::Root, None) | (Page::Protected, None) => redirect("/login"),
        (Page::Root, Some(session)) if session.user.is_admin => redirect("/admin/requests"),
        (Page::Root, Some(_)) => redirect("/dashboard"),
        (Page::Login, Some(_)) => redirect("/onboarding"),
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::{classify, Page};

    #[test]
    fn pages_are_classified_by_path() {
        assert_eq!(classify("/"), Page::Root);
        assert_eq!(classify("/login"), Page::Login);
        for protected in ["/onboarding", "/dashboard", "/requests/abc", "/admin/requests", "/admin/requests/abc"] {
            assert_eq!(classify(protected), Page::Protected, "{protected}");
        }
        for other in ["/auth/callback", "/healthz", "/pkg/zt-ix.js", "/api/v1/me", "/nope", "/loginx"] {
            assert_eq!(classify(other), Page::Other, "{other}");
        }
    }
}
