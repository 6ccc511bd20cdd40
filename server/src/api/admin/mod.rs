//! `/api/v1/admin/requests`: the exchange admins' queue and decisions.

pub mod audit;
pub mod decide;
pub mod lifecycle;
pub mod list;
pub mod policy;
pub mod show;
pub mod turn_up;
pub mod users;
