//! The join-request status machine (SPEC §3).

mod transitions;

pub use contract::{DecisionSource, RequestStatus};
pub use transitions::{activate, approve, fail, reject, retry, start_provisioning, RejectReason, TransitionError};
