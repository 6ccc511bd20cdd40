//! The audit log screen's data.

use leptos::prelude::*;

pub use contract::view::AuditLogPage;

use crate::error::AppError;

/// One page of the audit trail (admins), filtered as on the screen.
#[server(prefix = "/api/ui", endpoint = "audit-log")]
pub async fn audit_log(
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
) -> Result<AuditLogPage, AppError> {
    use domain::audit_log::{parse, QueryInput};

    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let input = QueryInput {
        actor: actor.as_deref(),
        action: action.as_deref(),
        target: target.as_deref(),
        from: from.as_deref(),
        to: to.as_deref(),
        limit: None,
        cursor: cursor.as_deref(),
    };
    let query = parse(&services.db, input)
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::refused_with(contract::ErrorCode::ValidationError, crate::error::Detail::Field { field: e.field.into(), message: e.message }))?;
    domain::views::audit_log(&services.db, &query).await.map_err(AppError::internal)
}
