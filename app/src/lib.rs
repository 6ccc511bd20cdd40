//! The ZT-IX web interface: pages, layout and server functions.
//!
//! Rendered on the server (feature `ssr`) and hydrated in the browser (feature
//! `hydrate`). Server functions are thin adapters over the `domain` crate, which is only
//! linked under `ssr`.

pub mod api;
mod components;
pub mod error;
mod layout;
mod pages;
#[cfg(feature = "ssr")]
pub mod server;
mod viewer;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::layout::Shell;
use crate::pages::admin::{AdminQueuePage, AdminRequestPage};
use crate::pages::{
    AuthCallbackPage, DashboardPage, LoginPage, NotFound, OnboardingPage, RequestDetailPage, RootPage,
};
use crate::viewer::ViewerState;

/// The product name shown in the header and titles.
pub const APP_NAME: &str = "ZT-IX";

/// Where operators ask the exchange for help.
pub const SUPPORT_URL: &str = "mailto:noc@zt-ix.example.net";

/// The HTML document around the app (server side only renders this).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-US" dir="ltr">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.ico"/>
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

    view! {
        <Stylesheet id="leptos" href="/pkg/zt-ix.css"/>
        <Title formatter=|page: String| if page.is_empty() { APP_NAME.to_owned() } else { format!("{page} · {APP_NAME}") }/>
        <Router>
            <Shell>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=RootPage/>
                    <Route path=path!("/login") view=LoginPage/>
                    // Completing the login sets a cookie and redirects: render it in full first.
                    <Route path=path!("/auth/callback") view=AuthCallbackPage ssr=SsrMode::Async/>
                    <Route path=path!("/onboarding") view=OnboardingPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/requests/:id") view=RequestDetailPage/>
                    <Route path=path!("/admin/requests") view=AdminQueuePage/>
                    <Route path=path!("/admin/requests/:id") view=AdminRequestPage/>
                </Routes>
            </Shell>
        </Router>
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
