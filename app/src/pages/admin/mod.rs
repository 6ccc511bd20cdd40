//! The exchange admins' screens.

mod audit;
mod notifications;
mod outbox;
mod peeringdb;
mod queue;
mod request;
mod user;
mod users;

pub use audit::AdminAuditPage;
pub use notifications::AdminNotificationsPage;
pub use peeringdb::AdminPeeringDbPage;
pub use queue::AdminQueuePage;
pub use request::AdminRequestPage;
pub use user::AdminUserPage;
pub use users::AdminUsersPage;
