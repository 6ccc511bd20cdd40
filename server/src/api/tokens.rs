//! Personal API tokens: `POST | GET /api/v1/me/tokens`, `DELETE /api/v1/me/tokens/{id}`.
//! The secret is in the creation's answer only.

use axum::extract::{Path, State};
use contract::view::{ApiToken, CreatedToken};
use contract::ErrorCode;
use domain::identity::tokens::{self, NewToken, TokenError, TokenScope};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorEnvelope};
use super::json::{ApiJson, Data, DataWithStatus};
use super::session::Authenticated;
use crate::http::AppState;

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Name => {
                ApiError::validation(TokenError::Name.to_string()).detail("field", "name")
            }
            TokenError::Expiry(max) => ApiError::validation(TokenError::Expiry(max).to_string())
                .detail("field", "expires_in_days"),
            TokenError::AdminScope => {
                ApiError::new(ErrorCode::Forbidden, TokenError::AdminScope.to_string())
                    .detail("field", "scope")
            }
            TokenError::EnrolmentRequired => ApiError::new(
                ErrorCode::SecondFactorEnrolmentRequired,
                TokenError::EnrolmentRequired.to_string(),
            ),
            TokenError::TooMany => ApiError::validation(TokenError::TooMany.to_string()),
            TokenError::NotFound => ApiError::new(ErrorCode::NotFound, "There is no such token."),
            TokenError::Database(e) => e.into(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What the token is for (1 to 100 characters).
    name: String,
    /// `read` (GET only), `read-write` or `admin` (admins only).
    #[schema(value_type = String)]
    scope: TokenScope,
    /// Default 90 days (`auth.token_default_days`), at most `auth.token_max_days`.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenBody {
    #[schema(value_type = Object)]
    pub token: ApiToken,
    /// `ztix_…`: send it as `Authorization: Bearer <secret>`. Shown this once.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokensBody {
    #[schema(value_type = Vec<Object>)]
    pub tokens: Vec<ApiToken>,
}

#[derive(Serialize, ToSchema)]
pub struct RevokedBody {
    pub revoked: String,
}

fn rank(scope: TokenScope) -> u8 {
    match scope {
        TokenScope::Read => 0,
        TokenScope::ReadWrite => 1,
        TokenScope::Admin => 2,
    }
}

/// Creates a token (audited, without the secret). A token may create tokens of its own
/// scope or narrower.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "identity", request_body = NewTokenBody,
    responses((status = 201, body = Data<CreatedTokenBody>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
pub async fn create(State(state): State<AppState>, auth: Authenticated, ApiJson(body): ApiJson<NewTokenBody>) -> ApiResult<DataWithStatus<CreatedTokenBody>> {
    if auth.scope.is_some_and(|own| rank(body.scope) > rank(own)) {
        return Err(ApiError::forbidden().with_message("A token cannot create a token with a wider scope than its own.").detail("field", "scope"));
    }
    let new = NewToken { name: body.name, scope: body.scope, expires_in_days: body.expires_in_days };
    let CreatedToken { token, secret } =
        tokens::create(&state.services.db, &state.services.identity, &state.services.settings.auth, &auth.session.user, new).await?;
    Ok(DataWithStatus(StatusCode::CREATED, CreatedTokenBody { token, secret }))
}

/// The caller's live tokens, never their secrets.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "identity",
    responses((status = 200, body = Data<TokensBody>), (status = 401, body = ErrorEnvelope)))]
pub async fn list(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Data<TokensBody>> {
    Ok(Data::new(TokensBody { tokens: tokens::list(&state.services.db, auth.session.user.id).await? }))
}

/// Revokes one of the caller's tokens (audited); it stops working at once.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "identity", params(("id" = String, Path)),
    responses((status = 200, body = Data<RevokedBody>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn revoke(State(state): State<AppState>, auth: Authenticated, Path(text): Path<String>) -> ApiResult<Data<RevokedBody>> {
    let id = uuid::Uuid::parse_str(&text).map_err(|_| ApiError::from(TokenError::NotFound))?;
    tokens::revoke(&state.services.db, auth.session.user.id, id).await?;
    Ok(Data::new(RevokedBody { revoked: id.to_string() }))
}
