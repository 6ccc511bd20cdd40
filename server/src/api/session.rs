//! Who is calling: the session behind the cookie, and the client's address.

use app::server::web::{self, Cookies};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::identity::CurrentSession;

use super::error::ApiError;
use crate::http::AppState;

/// The session cookie's token, if the request carries one.
pub fn session_token(parts: &Parts, state: &AppState) -> Option<String> {
    Cookies::new(&state.services.identity).session_token(&parts.headers)
}

/// The client's address (login throttling, the audit trail), as `http::client_addr` decided it.
pub fn client_addr(parts: &Parts) -> String {
    web::client_addr(&parts.extensions)
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
        let session = web::session(&state.services, &parts.headers, &parts.extensions).await?.ok_or_else(ApiError::unauthenticated)?;
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
