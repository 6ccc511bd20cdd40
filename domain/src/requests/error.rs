use uuid::Uuid;

use crate::workflow::{RequestStatus, TransitionError};

/// Why a request operation was refused. `code()` is the public error code (SPEC §5).
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{message}")]
    Validation { field: &'static str, message: String },
    #[error("you may not represent AS{0}")]
    AsnNotAuthorized(i64),
    #[error("your account may not request network {0}")]
    NetworkNotAuthorized(String),
    #[error("network {0} is not an exchange network open for requests")]
    InvalidNetwork(String),
    #[error("a live request for this ASN, network and node already exists")]
    Duplicate { existing_request_id: Uuid },
    /// The node is held by another live request or membership on the network. Only the
    /// caller's own request is named.
    #[error("this ZeroTier node is already in use on this exchange network")]
    NodeInUse { own_request_id: Option<Uuid> },
    /// The person who filed the request no longer holds its ASN or may no longer use its
    /// network (PeeringDB changed, an admin changed their account).
    #[error("{}", .0.message())]
    RequesterNotEligible(Ineligible),
    #[error("join request not found")]
    NotFound,
    #[error("a reason is required to reject a request")]
    RejectReasonRequired,
    #[error("the request is {current}; it cannot become {to}")]
    InvalidTransition { current: RequestStatus, to: RequestStatus },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl RequestError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validation_error",
            Self::AsnNotAuthorized(_) => "asn_not_authorized",
            Self::NetworkNotAuthorized(_) => "network_not_authorized",
            Self::InvalidNetwork(_) => "invalid_network",
            Self::Duplicate { .. } => "duplicate_active_request",
            Self::NodeInUse { .. } => "node_in_use",
            Self::RequesterNotEligible(_) => "requester_not_eligible",
            Self::NotFound => "request_not_found",
            Self::RejectReasonRequired => "reject_reason_required",
            Self::InvalidTransition { .. } => "invalid_status_transition",
            Self::Database(_) => "internal_error",
        }
    }

    pub(crate) fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
    }
}

/// Why the requester may no longer have their request approved or retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// They no longer hold the request's ASN.
    AsnNotHeld,
    /// Their account may no longer request this network.
    NetworkNotAllowed,
    /// The network is no longer open for requests.
    NetworkInactive,
}

impl Ineligible {
    /// `details.reason` in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AsnNotHeld => "asn_not_held",
            Self::NetworkNotAllowed => "network_not_allowed",
            Self::NetworkInactive => "network_inactive",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::AsnNotHeld => "the requester no longer holds this request's ASN; nothing was changed",
            Self::NetworkNotAllowed => "the requester may no longer request this network; nothing was changed",
            Self::NetworkInactive => "the network is no longer open for requests; nothing was changed",
        }
    }
}

impl From<TransitionError> for RequestError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::NotFound => Self::NotFound,
            TransitionError::Conflict { current, to } => Self::InvalidTransition { current, to },
            // Admin actions never hold leases; a lease conflict reads as "still provisioning".
            TransitionError::LeaseLost => {
                Self::InvalidTransition { current: RequestStatus::Provisioning, to: RequestStatus::Provisioning }
            }
            TransitionError::Database(e) => Self::Database(e),
        }
    }
}
