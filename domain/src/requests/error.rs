pub use contract::Ineligible;
use contract::ErrorCode;
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
    #[error("{}", ineligible_message(*.0))]
    RequesterNotEligible(Ineligible),
    #[error("join request not found")]
    NotFound,
    #[error("a reason is required to reject a request")]
    RejectReasonRequired,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the previous node {0} is still being taken off the controller; try again in a minute")]
    ReplacementInProgress(String),
    #[error("the requester of this request has not lost its ASN")]
    NotFlagged,
    #[error("the request is {current}; it cannot become {to}")]
    InvalidTransition { current: RequestStatus, to: RequestStatus },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

fn ineligible_message(why: Ineligible) -> &'static str {
    match why {
        Ineligible::AsnNotHeld => "the requester no longer holds this request's ASN; nothing was changed",
        Ineligible::NetworkNotAllowed => "the requester may no longer request this network; nothing was changed",
        Ineligible::NetworkInactive => "the network is no longer open for requests; nothing was changed",
    }
}

impl RequestError {
    /// The public error code (SPEC §5) of this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::ValidationError,
            Self::AsnNotAuthorized(_) => ErrorCode::AsnNotAuthorized,
            Self::NetworkNotAuthorized(_) => ErrorCode::NetworkNotAuthorized,
            Self::InvalidNetwork(_) => ErrorCode::InvalidNetwork,
            Self::Duplicate { .. } => ErrorCode::DuplicateActiveRequest,
            Self::NodeInUse { .. } => ErrorCode::NodeInUse,
            Self::RequesterNotEligible(_) => ErrorCode::RequesterNotEligible,
            Self::NotFound => ErrorCode::RequestNotFound,
            Self::RejectReasonRequired => ErrorCode::RejectReasonRequired,
            Self::ReasonRequired => ErrorCode::ReasonRequired,
            Self::ReplacementInProgress(_) => ErrorCode::ReplacementInProgress,
            Self::NotFlagged => ErrorCode::AffiliationNotLost,
            Self::InvalidTransition { .. } => ErrorCode::InvalidStatusTransition,
            Self::Database(_) => ErrorCode::InternalError,
        }
    }

    pub(crate) fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
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
