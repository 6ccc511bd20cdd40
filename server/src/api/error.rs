//! The error envelope of `/api/v1`: `{"error": {"code", "message", "details"}}`.
//!
//! Codes are part of the public contract (SPEC §5): `contract::ErrorCode`, whose
//! `status()` decides the HTTP status of every answer. Internal failures are logged with
//! their cause and answered with an opaque 500.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::ErrorCode;
use serde_json::{json, Map, Value};

/// The error envelope, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code such as `validation_error` or `request_not_found`.
    pub code: String,
    pub message: String,
    #[schema(value_type = Object)]
    pub details: Map<String, Value>,
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Map<String, Value>,
    retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: Map::new(), retry_after: None }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Log in to use this endpoint.")
    }

    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "You are not allowed to do this.")
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "There is no such endpoint.")
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(ErrorCode::RateLimited, "Too many failed attempts. Try again later.")
            .detail("retry_after_seconds", retry_after);
        e.retry_after = Some(retry_after);
        e
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Logs `error` with its cause chain; the client sees only that something failed.
    pub fn internal(error: impl std::error::Error) -> Self {
        let mut causes = Vec::new();
        let mut source = error.source();
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        tracing::error!(error = %error, causes = ?causes, "request failed");
        Self::new(ErrorCode::InternalError, "Something went wrong on our side; it has been logged.")
    }
}

impl From<domain::requests::RequestError> for ApiError {
    fn from(error: domain::requests::RequestError) -> Self {
        use domain::requests::RequestError as E;
        let code = error.code();
        let message = error.to_string();
        match error {
            E::Validation { field, message } => Self::validation(message).detail("field", field),
            E::Duplicate { existing_request_id } => Self::new(code, message).detail("existing_request_id", existing_request_id.to_string()),
            E::NodeInUse { own_request_id } => {
                let conflict = Self::new(code, message);
                match own_request_id {
                    Some(id) => conflict.detail("existing_request_id", id.to_string()),
                    None => conflict,
                }
            }
            E::RequesterNotEligible(why) => Self::new(code, message).detail("reason", why.as_str()),
            E::InvalidTransition { current, .. } => Self::new(code, message).detail("current_status", current.as_str()),
            E::Database(e) => Self::internal(e),
            E::ReasonRequired => Self::new(code, message).detail("field", "reason"),
            E::ReplacementInProgress(old) => Self::new(code, message).detail("retiring_node_id", old),
            E::AsnNotAuthorized(_)
            | E::NetworkNotAuthorized(_)
            | E::InvalidNetwork(_)
            | E::NotFound
            | E::RejectReasonRequired
            | E::NotFlagged => Self::new(code, message),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message, "details": self.details}});
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
        }
        response
    }
}
