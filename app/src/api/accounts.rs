//! The account screens' server functions: the person's two-factor login, setting a
//! password with a link, and the admins' account management. Each calls the same
//! `domain` code as the JSON API and `zt-ix users …`. Refused plain form posts come back
//! to their page with `?error=<code>`.

use leptos::prelude::*;

pub use contract::view::{Account, CreatedAccount, PasswordLinkView, TwoFactorSetup, TwoFactorStatus};

use crate::error::AppError;

#[cfg(feature = "ssr")]
fn account_error(error: domain::identity::accounts::AccountError, page: &str) -> AppError {
    use domain::identity::accounts::AccountError;
    let error = match error {
        AccountError::Database(e) => AppError::internal(e),
        other => match other.code() {
            (code, Some(field)) => AppError::refused_with(code, crate::error::Detail::Field { field: field.into(), message: other.to_string() }),
            (code, None) => AppError::refused(code),
        },
    };
    crate::server::refuse_form(error, page)
}

#[cfg(feature = "ssr")]
fn second_factor_error(error: domain::identity::second_factor::SecondFactorError) -> AppError {
    use domain::identity::second_factor::SecondFactorError;
    let error = match error {
        SecondFactorError::Database(e) => AppError::internal(e),
        SecondFactorError::RateLimited(seconds) => AppError::Refused { code: contract::ErrorCode::RateLimited, retry_after: Some(seconds), detail: None },
        other => AppError::refused(other.code()),
    };
    crate::server::refuse_form(error, "/account")
}

/// `12, AS13 14` → ASNs; anything else is refused on the `asns` field.
#[cfg(feature = "ssr")]
fn parse_asns(raw: &str, page: &str) -> Result<Vec<domain::types::Asn>, AppError> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let digits = p.trim_start_matches(['A', 'S', 'a', 's']);
            digits.parse::<i64>().ok().and_then(|n| domain::types::Asn::parse(n).ok()).ok_or_else(|| {
                let detail = crate::error::Detail::Field { field: "asns".into(), message: format!("'{p}' is not an ASN") };
                crate::server::refuse_form(AppError::refused_with(contract::ErrorCode::ValidationError, detail), page)
            })
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn words(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

#[cfg(feature = "ssr")]
fn user_page(id: &str) -> String {
    format!("/admin/users/{}", uuid::Uuid::parse_str(id).map(|u| u.to_string()).unwrap_or_default())
}

#[cfg(feature = "ssr")]
async fn admin() -> Result<(domain::Services, domain::audit::Actor), AppError> {
    let session = crate::server::require_admin().await?;
    Ok((crate::server::services()?, domain::audit::Actor::User(session.user.id)))
}

#[cfg(feature = "ssr")]
fn user_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

#[server(prefix = "/api/ui", endpoint = "two-factor")]
pub async fn my_two_factor() -> Result<TwoFactorStatus, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    domain::identity::second_factor::view(&services.db, &services.identity, &services.settings.exchange.shortname, &session.user).await.map_err(AppError::internal)
}

/// Starts the set-up: a new secret and its QR code.
#[server(prefix = "/api/ui", endpoint = "two-factor-begin")]
pub async fn begin_two_factor() -> Result<TwoFactorSetup, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let setup =
        domain::identity::second_factor::begin(&services.db, &services.settings.exchange.shortname, &session.user).await.map_err(second_factor_error)?;
    Ok(setup.view())
}

/// Confirms the set-up with a first code; the answer is the recovery codes, shown once.
#[server(prefix = "/api/ui", endpoint = "two-factor-confirm")]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    domain::identity::second_factor::confirm(&services.db, &services.identity, &session.user, &code, chrono::Utc::now()).await.map_err(second_factor_error)
}

#[server(prefix = "/api/ui", endpoint = "two-factor-disable")]
pub async fn disable_two_factor(code: String) -> Result<(), AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let client = crate::server::client_addr();
    domain::identity::second_factor::turn_off(&services.db, &services.identity, &services.settings.auth, &session.user, &code, &client, chrono::Utc::now())
        .await
        .map_err(second_factor_error)
}

/// Sets a password with an admin's link, then goes to the login page.
#[server(prefix = "/api/ui", endpoint = "set-password")]
pub async fn set_password(token: String, password: String) -> Result<(), AppError> {
    let services = crate::server::services()?;
    let password = secrecy::SecretString::from(password);
    let page = format!("/set-password?token={}", crate::components::urlencode(&token));
    domain::identity::accounts::set_password_with_link(&services.db, &services.settings.auth, &token, &password).await.map_err(|e| account_error(e, &page))?;
    leptos_axum::redirect("/login?password_set=1");
    Ok(())
}

/// Every account, narrowed by `q`.
#[server(prefix = "/api/ui", endpoint = "admin-users")]
pub async fn admin_users(q: Option<String>) -> Result<Vec<Account>, AppError> {
    let (services, _) = admin().await?;
    let list = domain::identity::accounts::list(&services.db, q.as_deref()).await.map_err(AppError::internal)?;
    Ok(list.iter().map(|a| a.view()).collect())
}

#[server(prefix = "/api/ui", endpoint = "admin-user")]
pub async fn admin_user(id: String) -> Result<Account, AppError> {
    let (services, _) = admin().await?;
    let found = domain::identity::accounts::find(&services.db, user_id(&id)?).await.map_err(AppError::internal)?;
    found.map(|a| a.view()).ok_or(AppError::NotFound)
}

/// Creates a local account without a password; the answer carries its set-password link.
#[server(prefix = "/api/ui", endpoint = "create-user")]
pub async fn create_user(
    username: String,
    full_name: Option<String>,
    email: Option<String>,
    asns: Option<String>,
    networks: Option<String>,
    is_admin: Option<String>,
) -> Result<CreatedAccount, AppError> {
    use domain::identity::accounts::{create, find, NewAccount};

    let (services, actor) = admin().await?;
    let new = NewAccount {
        username,
        password: None,
        is_admin: is_admin.is_some(),
        asns: parse_asns(asns.as_deref().unwrap_or_default(), "/admin/users")?,
        networks: words(networks.as_deref().unwrap_or_default()),
        full_name,
        email,
    };
    let (user, link) = create(&services.db, &services.settings.auth, actor, new).await.map_err(|e| account_error(e, "/admin/users"))?;
    let account = find(&services.db, user.id).await.map_err(AppError::internal)?.ok_or(AppError::NotFound)?;
    Ok(CreatedAccount { account: account.view(), password_link: link.map(|l| l.view(&services.notify.base_url)) })
}

/// Name, e-mail, local ASN grants and network restrictions.
#[server(prefix = "/api/ui", endpoint = "update-user")]
pub async fn update_user(id: String, full_name: String, email: String, asns: String, networks: String) -> Result<(), AppError> {
    use domain::identity::accounts::{update, AccountChanges, Who};

    let (services, actor) = admin().await?;
    let page = user_page(&id);
    let changes = AccountChanges {
        asns: Some(parse_asns(&asns, &page)?),
        networks: Some(words(&networks)),
        full_name: Some(full_name),
        email: Some(email),
        ..AccountChanges::default()
    };
    update(&services.db, &services.settings.auth, actor, Who::Id(user_id(&id)?), changes).await.map_err(|e| account_error(e, &page))?;
    Ok(())
}

/// `admin` is `true` or `false`; taking the last enabled admin's flag away is refused.
#[server(prefix = "/api/ui", endpoint = "set-user-admin")]
pub async fn set_user_admin(id: String, admin: String) -> Result<(), AppError> {
    use domain::identity::accounts::{update, AccountChanges, Who};

    let (services, actor) = self::admin().await?;
    let changes = AccountChanges { is_admin: Some(admin == "true"), ..AccountChanges::default() };
    update(&services.db, &services.settings.auth, actor, Who::Id(user_id(&id)?), changes).await.map_err(|e| account_error(e, &user_page(&id)))?;
    Ok(())
}

/// `enabled` is `true` or `false`; disabling ends the account's sessions.
#[server(prefix = "/api/ui", endpoint = "set-user-enabled")]
pub async fn set_user_enabled(id: String, enabled: String) -> Result<(), AppError> {
    use domain::identity::accounts::{set_enabled, Who};

    let (services, actor) = admin().await?;
    set_enabled(&services.db, actor, Who::Id(user_id(&id)?), enabled == "true").await.map_err(|e| account_error(e, &user_page(&id)))
}

#[server(prefix = "/api/ui", endpoint = "end-user-sessions")]
pub async fn end_user_sessions(id: String) -> Result<u64, AppError> {
    use domain::identity::accounts::{end_sessions, Who};

    let (services, actor) = admin().await?;
    end_sessions(&services.db, actor, Who::Id(user_id(&id)?)).await.map_err(|e| account_error(e, &user_page(&id)))
}

/// A new set-password link (earlier ones stop working), shown once.
#[server(prefix = "/api/ui", endpoint = "user-password-link")]
pub async fn user_password_link(id: String) -> Result<PasswordLinkView, AppError> {
    use domain::identity::accounts::{issue_password_link, Who};

    let (services, actor) = admin().await?;
    let link = issue_password_link(&services.db, actor, Who::Id(user_id(&id)?)).await.map_err(|e| account_error(e, &user_page(&id)))?;
    Ok(link.view(&services.notify.base_url))
}

#[server(prefix = "/api/ui", endpoint = "reset-user-two-factor")]
pub async fn reset_user_two_factor(id: String) -> Result<(), AppError> {
    let (services, actor) = admin().await?;
    let id = user_id(&id)?;
    let txn = domain::db::begin_write(&services.db).await.map_err(AppError::internal)?;
    domain::identity::second_factor::reset(&txn, actor, id).await.map_err(second_factor_error)?;
    txn.commit().await.map_err(AppError::internal)
}
