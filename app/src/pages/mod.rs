//! One module per page.

pub mod admin;
mod auth_callback;
mod dashboard;
mod login;
mod not_found;
mod onboarding;
pub mod request_detail;
mod root;

pub use auth_callback::AuthCallbackPage;
pub use dashboard::DashboardPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use onboarding::OnboardingPage;
pub use request_detail::RequestDetailPage;
pub use root::RootPage;
