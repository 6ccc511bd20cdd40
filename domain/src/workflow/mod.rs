//! The join-request status machine (SPEC §3).

mod status;
mod transitions;

pub use status::RequestStatus;
pub use transitions::{
    activate, approve, fail, reject, retry, start_provisioning, DecisionSource, RejectReason,
    TransitionError,
};
