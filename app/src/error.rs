//! The one error type server functions return. Its variants are what a person can act
//! on; internal details are logged on the server and never sent to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", content = "message", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Validation(String),
    /// Something failed on the server; it has been logged.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Unavailable,
    /// The request did not reach the server or its answer could not be read.
    #[error("The portal could not be reached. Check your connection and try again.")]
    Transport,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => Self::Validation(message),
            _ => Self::Transport,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs `error` with its cause chain and returns the opaque variant.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "server function failed");
        Self::Unavailable
    }
}
