//! Who is calling: the session behind the cookie, and the client's address.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use domain::identity::{cookie, sessions, ClientAddr, CurrentSession};

use super::error::ApiError;
use crate::http::AppState;

/// The session cookie's token, if the request carries one.
pub fn session_token(parts: &Parts, state: &AppState) -> Option<String> {
    cookie::token_from(parts.headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()), state.services.identity.secure_cookies)
}

/// The client's address (login throttling, the audit trail), as `http::client_addr` decided it.
pub fn client_addr(parts: &Parts) -> String {
    parts.extensions.get::<ClientAddr>().map_or_else(|| "unknown".to_owned(), ToString::to_string)
}

/// A request with a live session; anything else is `401 unauthenticated`.
pub struct Authenticated {
    pub session: CurrentSession,
    pub token: String,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(parts, state).ok_or_else(ApiError::unauthenticated)?;
        let services = &state.services;
        let session = sessions::resolve(&services.db, &services.identity, &services.settings.auth, &token)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(Self { session, token })
    }
}

/// An authenticated admin; an operator gets `403 forbidden`.
pub struct Admin(pub Authenticated);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        if !auth.session.user.is_admin {
            return Err(ApiError::forbidden());
        }
        Ok(Self(auth))
    }
}
