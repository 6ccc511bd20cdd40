//! The exchange admins' screens.

mod peeringdb;
mod queue;
mod request;

pub use peeringdb::AdminPeeringDbPage;
pub use queue::AdminQueuePage;
pub use request::AdminRequestPage;
