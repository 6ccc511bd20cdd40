//! The person's own two-factor login (`/api/v1/me/two-factor…`) and setting a password
//! with an admin's link (`POST /api/v1/auth/password-link`).

use axum::extract::State;
use contract::view::{TwoFactorSetup, TwoFactorStatus};
use domain::identity::accounts::{self, AccountError};
use domain::identity::second_factor::{self, SecondFactorError};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::json::{ApiJson, Data};
use super::session::{client_addr, Authenticated};
use axum::http::request::Parts;
use crate::http::AppState;

impl From<SecondFactorError> for ApiError {
    fn from(error: SecondFactorError) -> Self {
        match error {
            SecondFactorError::Database(e) => e.into(),
            SecondFactorError::RateLimited(seconds) => ApiError::rate_limited(seconds),
            other => ApiError::new(other.code(), other.to_string()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The authenticator app's current code (turning off also takes a recovery code).
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesBody {
    /// Single-use codes for when the authenticator is lost; shown this once.
    pub recovery_codes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OffBody {
    pub enabled: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordBody {
    /// The `token` of the set-password link.
    token: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordSetBody {
    pub username: String,
}

/// Browser sessions only: an API token cannot change how its owner logs in.
fn session_only(auth: &Authenticated) -> Result<(), ApiError> {
    match auth.scope {
        Some(_) => Err(ApiError::forbidden().with_message("Two-factor login is managed from a browser session, not with an API token.")),
        None => Ok(()),
    }
}

/// Where the caller's two-factor login stands.
#[utoipa::path(get, path = "/api/v1/me/two-factor", tag = "identity",
    responses((status = 200, body = Data<Object>), (status = 401, body = ErrorEnvelope)))]
pub async fn status(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<TwoFactorStatus>> {
    let services = &state.services;
    let mut status = second_factor::view(&services.db, &services.identity, &services.settings.exchange.shortname, &auth.session.user).await?;
    if auth.scope.is_some() {
        // A pending secret is for the browser that is setting it up.
        status.pending = None;
    }
    Ok(Data::new(status))
}

/// Starts the set-up: a new secret with its `otpauth://` URI and QR code (SVG). Nothing
/// changes at login until a code confirms it.
#[utoipa::path(post, path = "/api/v1/me/two-factor", tag = "identity",
    responses((status = 200, body = Data<Object>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn begin(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<TwoFactorSetup>> {
    session_only(&auth)?;
    let setup = second_factor::begin(&state.services.db, &state.services.settings.exchange.shortname, &auth.session.user).await?;
    Ok(Data::new(setup.view()))
}

/// Confirms the set-up with a first code: two-factor login is on, and the answer carries
/// the recovery codes (shown once).
#[utoipa::path(post, path = "/api/v1/me/two-factor/confirm", tag = "identity", request_body = CodeBody,
    responses((status = 200, body = Data<RecoveryCodesBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn confirm(State(state): State<AppState>, auth: Authenticated, ApiJson(body): ApiJson<CodeBody>) -> ApiResult<Data<RecoveryCodesBody>> {
    session_only(&auth)?;
    let services = &state.services;
    let codes = second_factor::confirm(&services.db, &services.identity, &auth.session.user, &body.code, chrono::Utc::now()).await?;
    Ok(Data::new(RecoveryCodesBody { recovery_codes: codes }))
}

/// Turns two-factor login off; takes a current code or a recovery code. Wrong codes count
/// towards the login limits; the caller's admin-scope tokens are revoked.
#[utoipa::path(post, path = "/api/v1/me/two-factor/disable", tag = "identity", request_body = CodeBody,
    responses((status = 200, body = Data<OffBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn disable(State(state): State<AppState>, auth: Authenticated, parts: Parts, ApiJson(body): ApiJson<CodeBody>) -> ApiResult<Data<OffBody>> {
    session_only(&auth)?;
    let services = &state.services;
    let client = client_addr(&parts);
    second_factor::turn_off(&services.db, &services.identity, &services.settings.auth, &auth.session.user, &body.code, &client, chrono::Utc::now()).await?;
    Ok(Data::new(OffBody { enabled: false }))
}

/// Sets the password of a local account with the link an admin issued (once, within 72
/// hours); the account's sessions end.
#[utoipa::path(post, path = "/api/v1/auth/password-link", tag = "auth", request_body = SetPasswordBody,
    responses((status = 200, body = Data<PasswordSetBody>), (status = 400, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn set_password(State(state): State<AppState>, ApiJson(body): ApiJson<SetPasswordBody>) -> ApiResult<Data<PasswordSetBody>> {
    let password = SecretString::from(body.password);
    let user = accounts::set_password_with_link(&state.services.db, &state.services.settings.auth, &body.token, &password)
        .await
        .map_err(|e: AccountError| ApiError::from(e))?;
    Ok(Data::new(PasswordSetBody { username: user.username }))
}
