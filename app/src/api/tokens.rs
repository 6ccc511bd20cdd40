//! Personal API tokens on the account page. The forms work before hydration (a refused
//! plain post comes back to `/account?error=<code>`).

use leptos::prelude::*;

pub use contract::view::{ApiToken, CreatedToken};

use crate::error::AppError;

#[cfg(feature = "ssr")]
fn token_error(error: domain::identity::tokens::TokenError) -> AppError {
    use contract::ErrorCode;
    use domain::identity::tokens::TokenError as E;

    let field = |field: &str, message: String| AppError::refused_with(ErrorCode::ValidationError, crate::error::Detail::Field { field: field.into(), message });
    let error = match error {
        E::Name => field("name", E::Name.to_string()),
        E::Expiry(max) => field("expires_in_days", E::Expiry(max).to_string()),
        E::AdminScope => AppError::Forbidden,
        E::EnrolmentRequired => AppError::refused(ErrorCode::SecondFactorEnrolmentRequired),
        E::TooMany => AppError::Validation {
            message: E::TooMany.to_string(),
        },
        E::NotFound => AppError::NotFound,
        E::Database(e) => AppError::internal(e),
    };
    crate::server::refuse_form(error, "/account")
}

/// The viewer's live tokens.
#[server(prefix = "/api/ui", endpoint = "my-tokens")]
pub async fn my_tokens() -> Result<Vec<ApiToken>, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    domain::identity::tokens::list(&services.db, session.user.id).await.map_err(AppError::internal)
}

/// Creates a token; the answer carries its secret, shown once.
#[server(prefix = "/api/ui", endpoint = "create-token")]
pub async fn create_token(name: String, scope: String, expires_in_days: Option<String>) -> Result<CreatedToken, AppError> {
    use domain::identity::tokens::{create, NewToken, TokenScope};

    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let bad = |field: &str| {
        crate::server::refuse_form(
            AppError::refused_with(contract::ErrorCode::ValidationError, crate::error::Detail::Field { field: field.into(), message: String::new() }),
            "/account",
        )
    };
    let scope = TokenScope::parse(&scope).ok_or_else(|| bad("scope"))?;
    let expires_in_days = match expires_in_days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(days) => Some(days.parse::<u32>().map_err(|_| bad("expires_in_days"))?),
        None => None,
    };
    create(&services.db, &services.identity, &services.settings.auth, &session.user, NewToken { name, scope, expires_in_days })
        .await
        .map_err(token_error)
}

#[server(prefix = "/api/ui", endpoint = "revoke-token")]
pub async fn revoke_token(id: String) -> Result<(), AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    domain::identity::tokens::revoke(&services.db, session.user.id, id).await.map_err(token_error)
}
