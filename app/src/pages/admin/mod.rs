//! The exchange admins' screens.

mod notifications;
mod outbox;
mod peeringdb;
mod queue;
mod request;

pub use notifications::AdminNotificationsPage;
pub use peeringdb::AdminPeeringDbPage;
pub use queue::AdminQueuePage;
pub use request::AdminRequestPage;
