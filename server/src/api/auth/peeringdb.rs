//! `POST /api/v1/auth/peeringdb/start` and `POST /api/v1/auth/peeringdb/callback`

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use domain::identity::peeringdb::{self, Callback, LoginError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{logged_in_response, LoggedInBody};
use crate::api::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::api::json::{ApiJson, Data, NoFields};
use crate::api::session::{client_addr, session_token};
use crate::http::AppState;

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        let code = error.code();
        let bad = |message: &str| ApiError::new(code, message);
        match error {
            LoginError::Unavailable => {
                ApiError::new(code, "PeeringDB login is not available on this exchange.")
            }
            LoginError::TooManyPending => ApiError::rate_limited(60).with_message("Too many PeeringDB logins are in progress. Try again in a minute."),
            LoginError::MissingCodeOrState => bad("The callback needs both code and state."),
            LoginError::Provider(error) => bad("PeeringDB did not complete the login.").detail("error", error),
            LoginError::InvalidState => bad("This login link is unknown or was already used. Start again."),
            LoginError::ExpiredState => bad("This login took too long. Start again."),
            LoginError::InvalidNonce => bad("The login response does not belong to this login. Start again."),
            LoginError::Upstream { detail_code, message } => {
                tracing::warn!(detail_code, %message, "PeeringDB login failed");
                bad("PeeringDB login could not be verified.").detail("detail_code", detail_code)
            }
            LoginError::UnverifiedAccount => {
                ApiError::new(code, "Your PeeringDB account (or its e-mail address) is not verified yet.")
            }
            LoginError::Database(e) => ApiError::internal(e),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StartedBody {
    pub authorization_url: String,
    pub state: String,
    pub expires_at: String,
    pub redirect_uri: String,
    pub scope: String,
}

/// Begin a PeeringDB login: where to send the user, and the state to expect back.
#[utoipa::path(post, path = "/api/v1/auth/peeringdb/start", tag = "auth",
    responses((status = 200, body = Data<StartedBody>), (status = 400, body = ErrorEnvelope),
        (status = 429, description = "too many starts from this address, or too many logins in progress", body = ErrorEnvelope),
        (status = 503, body = ErrorEnvelope)))]
pub async fn start(State(state): State<AppState>, ApiJson(_): ApiJson<NoFields>) -> ApiResult<Data<StartedBody>> {
    let started = peeringdb::start(&state.services).await?;
    Ok(Data::new(StartedBody {
        authorization_url: started.authorization_url,
        state: started.state,
        expires_at: domain::clock::rfc3339(started.expires_at),
        redirect_uri: started.redirect_uri,
        scope: started.scope,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Complete a PeeringDB login with what the provider sent back; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/peeringdb/callback", tag = "auth", request_body = CallbackBody,
    responses((status = 200, body = Data<LoggedInBody>), (status = 400, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 429, description = "too many callbacks from this address", body = ErrorEnvelope),
        (status = 503, body = ErrorEnvelope)))]
pub async fn callback(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<CallbackBody>,
) -> ApiResult<Response> {
    let _ = body.error_description;
    let logged_in = peeringdb::complete(
        &state.services,
        Callback {
            code: body.code,
            state: body.state,
            error: body.error,
            client_addr: client_addr(&parts),
            previous_token: session_token(&parts, &state),
            browser_state: None,
        },
    )
    .await?;
    Ok(logged_in_response(&state, &logged_in))
}
