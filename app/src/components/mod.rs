//! Small building blocks shared by pages.

mod poll;
mod status;

pub use poll::poll_until_settled;
pub use status::{short_time, StatusBadge};
