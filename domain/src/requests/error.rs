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
