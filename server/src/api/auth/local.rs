//! `POST /api/v1/auth/local/login` and, for accounts with two-factor login,
//! `POST /api/v1/auth/local/second-factor`.

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use domain::identity::local::{self, CodeAttempt, LoginAttempt, LoginError, LoginStep};
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
            LoginError::InvalidSecondFactor => {
                ApiError::new(code, "The code is wrong, expired or already used.")
            }
            LoginError::ChallengeExpired => ApiError::new(
                code,
                "The login challenge is invalid or expired; log in with the password again.",
            ),
            LoginError::CredentialDisabled => {
                ApiError::new(code, "This account is disabled. Contact the exchange.")
            }
            LoginError::RateLimited(retry) => ApiError::rate_limited(retry.0),
            LoginError::Busy => ApiError::rate_limited(1).with_message("Too many logins at once. Try again in a moment."),
            LoginError::Database(e) => ApiError::internal(e),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorBody {
    /// The `challenge` of the password step's `second_factor_required` answer.
    challenge: String,
    /// The authenticator app's current six-digit code, or a recovery code.
    code: String,
}

/// Log in with a local account; sets the session cookie. An account with two-factor
/// login gets `401 second_factor_required` with `details.challenge`, to send with a
/// code to `/api/v1/auth/local/second-factor` within five minutes.
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
    match logged_in {
        LoginStep::Done(logged_in) => Ok(logged_in_response(&state, &logged_in)),
        LoginStep::SecondFactor { challenge } => Err(ApiError::new(
            contract::ErrorCode::SecondFactorRequired,
            "This account has two-factor login: send the challenge with a code to /api/v1/auth/local/second-factor.",
        )
        .detail("challenge", challenge)),
    }
}

/// The code step of a login with two-factor login; sets the session cookie. Wrong
/// codes count towards the same limits as wrong passwords.
#[utoipa::path(post, path = "/api/v1/auth/local/second-factor", tag = "auth", request_body = SecondFactorBody,
    responses((status = 200, body = Data<LoggedInBody>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn second_factor(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<SecondFactorBody>,
) -> ApiResult<Response> {
    let previous = session_token(&parts, &state);
    let attempt = CodeAttempt {
        challenge: &body.challenge,
        code: &body.code,
        client_addr: &client_addr(&parts),
        previous_token: previous.as_deref(),
    };
    let logged_in = local::second_step(&state.services, attempt).await?;
    Ok(logged_in_response(&state, &logged_in))
}
