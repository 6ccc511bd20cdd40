//! The one error type server functions return. Its variants are what a person can act
//! on; internal details are logged on the server and never sent to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, Encodes};
use serde::{Deserialize, Serialize};

/// `Display` is for logs; people see the localized sentence for [`AppError::code`]
/// (see `text::error_message`).
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
    /// A refusal with one of the public error codes of SPEC §5 (`invalid_credentials`,
    /// `rate_limited`, `invalid_state`, …).
    #[error("refused: {code}")]
    Refused {
        code: String,
        retry_after: Option<u64>,
        /// The input field at fault, or the existing request of a duplicate.
        detail: Option<String>,
    },
    /// Something failed on the server; it has been logged.
    #[error("server failure")]
    Unavailable,
    /// The request did not reach the server or its answer could not be read.
    #[error("transport failure")]
    Transport,
}

impl AppError {
    pub fn refused(code: &str) -> Self {
        Self::Refused { code: code.to_owned(), retry_after: None, detail: None }
    }

    pub fn refused_with(code: &str, detail: impl Into<String>) -> Self {
        Self::Refused { code: code.to_owned(), retry_after: None, detail: Some(detail.into()) }
    }

    /// The short code shown next to messages, for support requests.
    pub fn code(&self) -> &str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Validation { .. } => "validation_error",
            Self::Refused { code, .. } => code,
            Self::Unavailable => "internal_error",
            Self::Transport => "network_error",
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
            response.set_status(self.status());
        }
        <JsonEncoding as Encodes<Self>>::encode(self).unwrap_or_else(|_| Bytes::from_static(br#"{"kind":"unavailable"}"#))
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function answers this error with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Validation { .. } => StatusCode::BAD_REQUEST,
            Self::Refused { code, .. } => match code.as_str() {
                "invalid_credentials" => StatusCode::UNAUTHORIZED,
                "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
                "auth_provider_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
                "credential_disabled" | "local_auth_disabled" | "unverified_account" | "asn_not_authorized"
                | "network_not_authorized" => StatusCode::FORBIDDEN,
                "invalid_network" | "request_not_found" => StatusCode::NOT_FOUND,
                "duplicate_active_request" | "invalid_status_transition" | "node_in_use" | "requester_not_eligible" => {
                    StatusCode::CONFLICT
                }
                _ => StatusCode::BAD_REQUEST,
            },
            Self::Unavailable | Self::Transport => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A refused request operation, with its public code and detail.
    pub fn from_request_error(error: domain::requests::RequestError) -> Self {
        use domain::requests::RequestError as E;
        let code = error.code();
        match error {
            E::Validation { field, message } => {
                Self::Refused { code: code.into(), retry_after: None, detail: Some(format!("{field}: {message}")) }
            }
            E::Duplicate { existing_request_id } => Self::refused_with(code, existing_request_id.to_string()),
            E::NodeInUse { own_request_id: Some(id) } => Self::refused_with(code, id.to_string()),
            E::RequesterNotEligible(why) => Self::refused_with(code, why.as_str()),
            E::InvalidTransition { current, .. } => Self::refused_with(code, current.as_str()),
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
