//! `/api/v1/requests`: an operator's own join requests.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ApiError;
use super::views::RequestView;

pub mod create;
pub mod lifecycle;
pub mod list;
pub mod show;

#[derive(Serialize, ToSchema)]
pub struct RequestBody {
    pub request: RequestView,
}

#[derive(Serialize, ToSchema)]
pub struct RequestsBody {
    pub requests: Vec<RequestView>,
}

/// A request id from the path; anything that is not a UUID names no request.
pub fn request_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| domain::requests::RequestError::NotFound.into())
}
