//! One module per page.
//!
//! The pages a member or an admin opens after logging in are split out of the browser
//! bundle: each one's code is fetched when the page is opened (before it hydrates, or
//! before an in-app navigation completes), and the login page does not carry it.

pub mod admin;
mod auth_callback;
mod dashboard;
mod login;
mod not_found;
mod onboarding;
pub mod request_detail;
mod root;

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

pub use auth_callback::AuthCallbackPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use root::RootPage;

/// `/onboarding`, loaded with the page.
pub struct Onboarding;

#[lazy_route]
impl LazyRoute for Onboarding {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <onboarding::OnboardingPage/> }.into_any()
    }
}

/// `/dashboard`, loaded with the page.
pub struct Dashboard;

#[lazy_route]
impl LazyRoute for Dashboard {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <dashboard::DashboardPage/> }.into_any()
    }
}

/// `/requests/:id`, loaded with the page.
pub struct RequestDetail;

#[lazy_route]
impl LazyRoute for RequestDetail {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <request_detail::RequestDetailPage/> }.into_any()
    }
}

/// `/admin/requests`, loaded with the page.
pub struct AdminQueue;

#[lazy_route]
impl LazyRoute for AdminQueue {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <admin::AdminQueuePage/> }.into_any()
    }
}

/// `/admin/requests/:id`, loaded with the page.
pub struct AdminRequest;

#[lazy_route]
impl LazyRoute for AdminRequest {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <admin::AdminRequestPage/> }.into_any()
    }
}
