//! One module per page.
//!
//! The pages a member or an admin opens after logging in are split out of the browser
//! bundle: each one's code is fetched when the page is opened (before it hydrates, or
//! before an in-app navigation completes), and the login page does not carry it.

mod account;
pub mod admin;
mod auth_callback;
mod dashboard;
mod filtered_routes;
mod listing;
mod login;
mod members;
mod not_found;
pub(crate) mod notifications;
mod onboarding;
mod request_actions;
pub mod request_detail;
mod route_policy;
pub mod turn_up;
pub(crate) mod two_factor;
mod root;

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

pub use auth_callback::AuthCallbackPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use root::RootPage;

/// A page whose code is split out of the bundle: `$route` is what the router loads for
/// `$path`, and it renders `$page`. (Each split function is named after its type, so the
/// routes stay apart.)
macro_rules! split_page {
    ($route:ident, $path:literal, $page:path) => {
        #[doc = concat!("`", $path, "`, loaded when it is opened.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}

split_page!(Onboarding, "/onboarding", onboarding::OnboardingPage);
split_page!(Account, "/account", account::AccountPage);
split_page!(Dashboard, "/dashboard", dashboard::DashboardPage);
split_page!(RequestDetail, "/requests/:id", request_detail::RequestDetailPage);
split_page!(AdminQueue, "/admin/requests", admin::AdminQueuePage);
split_page!(AdminRequest, "/admin/requests/:id", admin::AdminRequestPage);
split_page!(MemberFilteredRoutes, "/requests/:id/filtered-routes", filtered_routes::MemberFilteredRoutesPage);
split_page!(Members, "/members", members::MembersPage);
split_page!(AdminPeeringDb, "/admin/peeringdb", admin::AdminPeeringDbPage);
split_page!(AdminNotifications, "/admin/notifications", admin::AdminNotificationsPage);
split_page!(AdminAudit, "/admin/audit", admin::AdminAuditPage);
split_page!(AdminUsers, "/admin/users", admin::AdminUsersPage);
split_page!(AdminUser, "/admin/users/:id", admin::AdminUserPage);
split_page!(LoginCode, "/login/code", two_factor::LoginCodePage);
split_page!(SetPassword, "/set-password", two_factor::SetPasswordPage);
split_page!(
    AdminFilteredRoutes,
    "/admin/requests/:id/filtered-routes",
    filtered_routes::AdminFilteredRoutesPage
);
