//! `POST /api/v1/auth/local/login`

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use domain::identity::local::{self, LoginAttempt, LoginError};
use secrecy::SecretString;
use serde::Deserialize;

use super::{logged_in_response, LoggedInBody};
use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::Data;
use crate::api::json::ApiJson;
use crate::api::session::{client_addr, session_token};
use crate::http::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    username: String,
    password: String,
}

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        let code = error.code();
        match error {
            LoginError::LocalAuthDisabled => {
                ApiError::new(code, "Local accounts are turned off; log in with PeeringDB.")
            }
            LoginError::InvalidCredentials => ApiError::new(code, "Wrong username or password."),
            LoginError::CredentialDisabled => {
                ApiError::new(code, "This account is disabled. Contact the exchange.")
            }
            LoginError::RateLimited(retry) => ApiError::rate_limited(retry.0),
            LoginError::Busy => ApiError::rate_limited(1).with_message("Too many logins at once. Try again in a moment."),
            LoginError::Database(e) => ApiError::internal(e),
        }
    }
}

/// Log in with a local account; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/local/login", tag = "auth", request_body = Body,
    responses((status = 200, body = Data<LoggedInBody>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn login(State(state): State<AppState>, parts: Parts, ApiJson(body): ApiJson<Body>) -> ApiResult<Response> {
    let password = SecretString::from(body.password);
    let previous = session_token(&parts, &state);
    let logged_in = local::login(
        &state.services,
        LoginAttempt {
            username: &body.username,
            password: &password,
            client_addr: &client_addr(&parts),
            previous_token: previous.as_deref(),
        },
    )
    .await?;
    Ok(logged_in_response(&state, &logged_in))
}
