//! Who is calling: the session behind the cookie, or a personal API token
//! (`Authorization: Bearer ztix_…`), and the client's address.

use app::server::web::{self, Cookies};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::identity::tokens::{self, TokenScope};
use domain::identity::CurrentSession;
use http::header::AUTHORIZATION;
use http::Method;

use super::error::ApiError;
use crate::http::AppState;

/// The session cookie's token, if the request carries one.
pub fn session_token(parts: &Parts, state: &AppState) -> Option<String> {
    Cookies::new(&state.services.identity).session_token(&parts.headers)
}

/// The bearer token of `Authorization`, if any.
pub fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The client's address (login throttling, the audit trail), as `http::client_addr` decided it.
pub fn client_addr(parts: &Parts) -> String {
    web::client_addr(&parts.extensions)
}

/// A request with a live session or API token; anything else is `401 unauthenticated`.
pub struct Authenticated {
    pub session: CurrentSession,
    /// The cookie's session token (empty for an API token).
    pub token: String,
    /// The API token's scope; `None` for a browser session.
    pub scope: Option<TokenScope>,
}

impl Authenticated {
    /// May this caller use the admin routes: an admin, by browser session or by a token
    /// created with the `admin` scope.
    pub fn is_admin(&self) -> bool {
        self.session.user.is_admin && self.scope.is_none_or(|s| s == TokenScope::Admin)
    }

    /// [`Self::is_admin`], and not held back by the two-factor enrolment an admin owes
    /// (`auth.require_totp_for_admins`): for routes where admins see more than members.
    pub async fn acts_as_admin(&self, state: &AppState) -> Result<bool, sea_orm::DbErr> {
        let services = &state.services;
        Ok(self.is_admin() && domain::identity::second_factor::acts_as_admin(&services.db, &services.identity, &self.session.user).await?)
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(secret) = bearer(&parts.headers) {
            let found = tokens::resolve(&state.services.db, &state.services.identity, secret).await?;
            let Some(found) = found else {
                return Err(ApiError::unauthenticated().with_message("The API token is unknown, revoked or expired."));
            };
            if let Err(seconds) = state.services.token_limit.check(&found.token_id) {
                return Err(ApiError::rate_limited(seconds).with_message("Too many requests with this API token. Try again later."));
            }
            if found.scope == TokenScope::Read && !matches!(parts.method, Method::GET | Method::HEAD) {
                return Err(ApiError::forbidden().with_message("This API token may only read.").detail("scope", found.scope.as_str()));
            }
            return Ok(Self { session: found.session, token: String::new(), scope: Some(found.scope) });
        }
        let token = session_token(parts, state).ok_or_else(ApiError::unauthenticated)?;
        let session = web::session(&state.services, &parts.headers, &parts.extensions).await?.ok_or_else(ApiError::unauthenticated)?;
        Ok(Self { session, token, scope: None })
    }
}

/// An authenticated admin; an operator (or a token without the admin scope) gets
/// `403 forbidden`, and an admin who must first turn on two-factor login
/// (`auth.require_totp_for_admins`) `403 second_factor_enrolment_required`.
pub struct Admin(pub Authenticated);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        if !auth.is_admin() {
            return Err(ApiError::forbidden());
        }
        let services = &state.services;
        if domain::identity::second_factor::enrolment_required(&services.db, &services.identity, &auth.session.user).await? {
            return Err(ApiError::new(
                contract::ErrorCode::SecondFactorEnrolmentRequired,
                "Turn on two-factor login on your account page before using the admin routes.",
            ));
        }
        Ok(Self(auth))
    }
}
