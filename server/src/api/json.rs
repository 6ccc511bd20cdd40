//! Request and response bodies of `/api/v1`.
//!
//! Bodies are parsed strictly (unknown fields refused) and every parse failure is a
//! `400 validation_error` in the envelope. An empty body counts as `{}`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::ApiError;

/// Largest request body accepted by `/api/v1`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body of type `T`; declare `T` with `#[serde(deny_unknown_fields)]`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(contract::ErrorCode::PayloadTooLarge, format!("Request bodies are limited to {MAX_BODY_BYTES} bytes."))
            } else {
                ApiError::validation("The request body could not be read.")
            }
        })?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let mut error = ApiError::validation(format!("Invalid request body: {inner}"));
            if path != "." {
                error = error.detail("field", path);
            }
            error
        })?;
        deserializer.end().map_err(|e| ApiError::validation(format!("Invalid request body: {e}")))?;
        Ok(Self(value))
    }
}

/// `{}` or nothing: for POST routes that take no fields.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// A success: `{"data": …}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Data<T> {
    pub data: T,
}

impl<T> Data<T> {
    pub fn new(data: T) -> Self {
        Self { data }
    }
}

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        Json(self).into_response()
    }
}

/// A success with a status other than 200 (such as 201 Created).
pub struct DataWithStatus<T>(pub StatusCode, pub T);

impl<T: Serialize> IntoResponse for DataWithStatus<T> {
    fn into_response(self) -> Response {
        (self.0, Data::new(self.1)).into_response()
    }
}
