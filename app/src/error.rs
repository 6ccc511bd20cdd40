//! The one error type server functions return. Its variants are what a person can act
//! on; internal details are logged on the server and never sent to the browser.

use contract::ErrorCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, Encodes};
use serde::{Deserialize, Serialize};

/// `Display` is for logs; people see the localized sentence for [`AppError::code`]
/// (see `text::code_message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {message}")]
    Validation { message: String },
    /// A refusal with one of the public error codes of SPEC §5.
    #[error("refused: {code}")]
    Refused {
        code: ErrorCode,
        retry_after: Option<u64>,
        /// What the refusal is about, for the notice that explains it.
        detail: Option<Detail>,
    },
    /// Something failed on the server; it has been logged.
    #[error("server failure")]
    Unavailable,
    /// The request did not reach the server or its answer could not be read.
    #[error("transport failure")]
    Transport,
}

/// What a refusal points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Detail {
    /// The caller's own request that is in the way (a duplicate, a node in use).
    ExistingRequest(String),
    /// The status the request has now.
    CurrentStatus(contract::RequestStatus),
    /// Why the requester is no longer eligible.
    Ineligible(contract::Ineligible),
    /// The input field at fault and what is wrong with it (as the server said it).
    Field { field: String, message: String },
}

impl AppError {
    pub fn refused(code: ErrorCode) -> Self {
        Self::Refused { code, retry_after: None, detail: None }
    }

    pub fn refused_with(code: ErrorCode, detail: Detail) -> Self {
        Self::Refused { code, retry_after: None, detail: Some(detail) }
    }

    /// The short code shown next to messages, for support requests.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::NotFound => ErrorCode::NotFound,
            Self::Validation { .. } => ErrorCode::ValidationError,
            Self::Refused { code, .. } => *code,
            Self::Unavailable => ErrorCode::InternalError,
            Self::Transport => ErrorCode::NetworkError,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => Self::Validation { message },
            _ => Self::Transport,
        }
    }

    /// Serialises the error for the browser; on the server it also gives the response
    /// the matching status (a refused login is a 4xx, not a server failure).
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            // A refused plain form post is sent back to its page (`server::refuse_form`):
            // that redirect's status stays.
            let redirecting = response.0.read().is_ok_and(|parts| parts.status.is_some_and(|s| s.is_redirection()));
            if let (false, Ok(status)) = (redirecting, http::StatusCode::from_u16(self.code().status())) {
                response.set_status(status);
            }
        }
        <JsonEncoding as Encodes<Self>>::encode(self).unwrap_or_else(|_| Bytes::from_static(br#"{"kind":"unavailable"}"#))
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A refused request operation, with its public code and detail.
    pub fn from_request_error(error: domain::requests::RequestError) -> Self {
        use domain::requests::RequestError as E;
        let code = error.code();
        match error {
            E::Validation { field, message } => Self::refused_with(code, Detail::Field { field: field.to_owned(), message }),
            E::Duplicate { existing_request_id } | E::NodeInUse { own_request_id: Some(existing_request_id) } => {
                Self::refused_with(code, Detail::ExistingRequest(existing_request_id.to_string()))
            }
            E::InvalidTransition { current, .. } => Self::refused_with(code, Detail::CurrentStatus(current)),
            E::RequesterNotEligible(why) => Self::refused_with(code, Detail::Ineligible(why)),
            E::Database(e) => Self::internal(e),
            other => Self::refused(other.code()),
        }
    }

    /// Logs `error` and returns the opaque variant.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "server function failed");
        Self::Unavailable
    }
}
