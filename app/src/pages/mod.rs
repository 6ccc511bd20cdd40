//! One module per page.

mod auth_callback;
mod login;
mod not_found;
mod onboarding;
mod root;

pub use auth_callback::AuthCallbackPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use onboarding::OnboardingPage;
pub use root::RootPage;
