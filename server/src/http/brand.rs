//! Small routes of the interface that need no page: the brand logo and the language
//! switch that works without JavaScript.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::http::StatusCode;
use leptos_i18n::Locale as _;
use serde::Deserialize;

use super::AppState;

/// `GET /brand/logo.svg`: the build-time logo (also the favicon).
pub async fn logo() -> Response {
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "public, max-age=86400")],
        app::branding::BRAND.logo_svg,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /locale/{code}?next=/path`: remembers the language in the same cookie the
/// header's switcher writes, then goes back to the page (only ever a local path).
pub async fn switch(State(state): State<AppState>, Path(code): Path<String>, Query(query): Query<Next>) -> Response {
    let Ok(locale) = code.parse::<app::i18n::Locale>() else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let secure = if state.services.identity.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        app::LOCALE_COOKIE,
        locale.as_str()
    );
    let next = query.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".to_owned());
    (AppendHeaders([(SET_COOKIE, cookie)]), Redirect::to(&next)).into_response()
}

/// A path on this site: `/x`, never `//host` or `/\host` (which browsers treat as
/// another origin) and nothing with a scheme.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/admin/requests?status=pending"));
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example", "evil", "", "/\nx"] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
