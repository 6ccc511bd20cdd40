//! The exchange admins' screens.

mod queue;
mod request;

pub use queue::AdminQueuePage;
pub use request::AdminRequestPage;
