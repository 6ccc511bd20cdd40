//! The ZT-IX web interface: pages, layout and server functions.
//!
//! Rendered on the server (feature `ssr`) and hydrated in the browser (feature
//! `hydrate`). Server functions are thin adapters over the `domain` crate, which is only
//! linked under `ssr`.

// First, so its `tr!` macro is in scope in every module below.
#[macro_use]
mod text;
pub mod api;
pub mod branding;
mod components;
pub mod error;
mod layout;
mod page_data;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;
mod viewer;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::branding::BRAND;
use crate::i18n::Locale;
use leptos_i18n::context::I18nContextOptions;
use leptos_i18n::Locale as _;
use crate::layout::Shell;
use crate::pages::{Account, AdminAudit, AdminFilteredRoutes, AdminNotifications, AdminPeeringDb, AdminQueue, AdminUser, AdminUsers, Members, AdminRequest, AuthCallbackPage, Dashboard, LoginCode, LoginPage, MemberFilteredRoutes, NotFound, Onboarding, RequestDetail, RootPage, SetPassword};
use crate::viewer::ViewerState;

/// The cookie that remembers the language a person picked in the header.
pub const LOCALE_COOKIE: &str = "ztix_locale";

/// A year, in the milliseconds the cookie options take.
const LOCALE_COOKIE_MAX_AGE_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// Set by the server when the portal runs as a demo against a simulated controller
/// (`ZTIX_DEMO`, refused in production). Every page then says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoMode(pub bool);

/// Whether this page belongs to a demo: from the server's context while rendering, from
/// the marker the server put in the document's head while hydrating.
fn is_demo() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<DemoMode>().unwrap_or_default().0;
    #[cfg(not(feature = "ssr"))]
    return document().query_selector("meta[name='ztix-demo']").ok().flatten().is_some();
}

/// The HTML document around the app (server side only renders this).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        // `lang` and `dir` follow the reader's language (set by the i18n provider).
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <meta name="application-name" content=BRAND.short_name/>
                <meta name="apple-mobile-web-app-title" content=BRAND.short_name/>
                <meta name="theme-color" content="#f7fafa"/>
                <link rel="icon" href="/brand/logo.svg" type="image/svg+xml"/>
                {is_demo().then(|| view! { <meta name="ztix-demo" content="simulated controller"/> })}
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: meta context, router and the application shell.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ViewerState::provide();
    mark_hydrated();

    let cookie_options = leptos_use::UseCookieOptions::default()
        .path("/")
        .same_site(leptos_use::SameSite::Lax)
        .max_age(LOCALE_COOKIE_MAX_AGE_MS)
        // The server only reads the cookie; the header's switcher writes it.
        .ssr_set_cookie(|_: &cookie::Cookie| ());

    // Not the generated `<I18nContextProvider>`: it renders an empty inline `<script>`
    // (a slot for translations loaded at run time, which this app does not use), and the
    // page's Content-Security-Policy refuses every inline script without the nonce, one
    // violation report per page view. The context it would provide is provided here.
    #[allow(deprecated)]
    let i18n = leptos_i18n::context::provide_i18n_context_with_options::<Locale>(
        I18nContextOptions::<Locale>::default().cookie_name(LOCALE_COOKIE).cookie_options(cookie_options),
    );
    let lang = move || i18n.get_locale().as_str();
    let dir = move || i18n.get_locale().direction().as_str();

    view! {
        <Stylesheet id="leptos" href="/pkg/zt-ix.css"/>
        <Title formatter=|page: String| if page.is_empty() { BRAND.name.to_owned() } else { format!("{page} · {}", BRAND.name) }/>
        <Router>
            <Shell>
                <Routes fallback=NotFound>
                    // Keep in step with `page_access` below. Every page is rendered in full
                    // before it is sent (its data is a few quick queries), so it reads and
                    // its forms work before hydration and without JavaScript; streaming
                    // out of order would hide the body until a script moved it into place.
                    // Completing a PeeringDB login also sets a cookie and redirects.
                    <Route path=path!("/") view=RootPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/auth/callback") view=AuthCallbackPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboarding") view={Lazy::<Onboarding>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view={Lazy::<Dashboard>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<Account>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:id") view={Lazy::<RequestDetail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/requests") view={Lazy::<AdminQueue>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/requests/:id") view={Lazy::<AdminRequest>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:id/filtered-routes") view={Lazy::<MemberFilteredRoutes>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/members") view={Lazy::<Members>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/peeringdb") view={Lazy::<AdminPeeringDb>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/notifications") view={Lazy::<AdminNotifications>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<AdminAudit>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<AdminUsers>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id") view={Lazy::<AdminUser>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login/code") view={Lazy::<LoginCode>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/set-password") view={Lazy::<SetPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/requests/:id/filtered-routes") view={Lazy::<AdminFilteredRoutes>::new()} ssr=SsrMode::Async/>
                </Routes>
            </Shell>
        </Router>

        // After the pages, so a page that changes the language is reflected here.
        <Html attr:lang=lang attr:dir=dir/>
    }
}

/// Who may open a page, decided by the server before it renders (the page guard in the
/// server crate); the pages check again in the browser after logins and logouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    /// `/`: everyone is sent on to their start page.
    Start,
    /// `/login`: people already logged in go on to onboarding.
    Login,
    /// Needs a session; admin pages also need an admin, which they say themselves.
    Session,
    /// Anything else, rendered or served as it is.
    Open,
}

/// The access rule of the page at `path` (the routes of [`App`]).
pub fn page_access(path: &str) -> PageAccess {
    match path {
        "/" => PageAccess::Start,
        "/login" => PageAccess::Login,
        "/onboarding" | "/dashboard" | "/account" | "/admin/requests" | "/admin/peeringdb" | "/admin/notifications" | "/admin/audit" => PageAccess::Session,
        _ if path.starts_with("/requests/") || path.starts_with("/admin/requests/") => PageAccess::Session,
        _ => PageAccess::Open,
    }
}

/// Sets `data-hydrated` on `<body>` once the browser bundle has taken over, so tests and
/// styles can tell a live page from server-rendered HTML.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{page_access, PageAccess};

    #[test]
    fn pages_are_classified_by_path() {
        assert_eq!(page_access("/"), PageAccess::Start);
        assert_eq!(page_access("/login"), PageAccess::Login);
        for protected in ["/onboarding", "/dashboard", "/account", "/requests/abc", "/admin/requests", "/admin/requests/abc", "/admin/peeringdb", "/admin/notifications", "/admin/audit"] {
            assert_eq!(page_access(protected), PageAccess::Session, "{protected}");
        }
        for other in ["/auth/callback", "/healthz", "/pkg/zt-ix.js", "/api/v1/me", "/nope", "/loginx"] {
            assert_eq!(page_access(other), PageAccess::Open, "{other}");
        }
    }
}
