//! The join-request status machine (SPEC §3).

mod lifecycle;
mod transitions;

pub use contract::{DecisionSource, RequestStatus};
pub use transitions::{activate, approve, fail, reject, retry, start_provisioning, RejectReason, TransitionError};
pub use lifecycle::{converge_now, offboard, removed, replace_node, resume, suspend, withdraw, ReplaceError};
