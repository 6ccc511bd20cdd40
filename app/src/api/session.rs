//! Who is using the portal: login, logout and the current viewer.

use leptos::prelude::*;

pub use contract::view::{LoginOptions, Viewer};

use crate::error::AppError;

#[server(prefix = "/api/ui", endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    Ok(crate::server::session().await?.as_ref().map(domain::views::viewer))
}

#[server(prefix = "/api/ui", endpoint = "login-options")]
pub async fn get_login_options() -> Result<LoginOptions, AppError> {
    let services = crate::server::services()?;
    Ok(LoginOptions { local: services.identity.local_auth_enabled, peeringdb: services.identity.peeringdb.is_some() })
}

#[cfg(feature = "ssr")]
fn start_session(services: &domain::Services, login: &domain::identity::local::LoggedIn) -> Result<(), AppError> {
    let lifetime = i64::from(services.settings.auth.session_lifetime_seconds);
    crate::server::set_cookie(&crate::server::cookies()?.set_session(login.token.expose(), lifetime))?;
    leptos_axum::redirect("/onboarding");
    Ok(())
}

#[cfg(feature = "ssr")]
fn login_refusal(error: domain::identity::local::LoginError, page: &str) -> AppError {
    use domain::identity::local::LoginError;
    let error = match error {
        LoginError::Database(e) => AppError::internal(e),
        other => AppError::Refused {
            code: other.code(),
            retry_after: other.retry_after(),
            detail: None,
        },
    };
    crate::server::refuse_form(error, page)
}

/// Logs in with a local account; on success the session cookie is set and the browser
/// goes to `/onboarding`. An account with two-factor login goes on to `/login/code`,
/// carrying the password step's challenge in a short-lived cookie.
#[server(prefix = "/api/ui", endpoint = "login")]
pub async fn local_login(username: String, password: String) -> Result<(), AppError> {
    use domain::identity::local::{self, LoginAttempt, LoginStep};

    let services = crate::server::services()?;
    let password = secrecy::SecretString::from(password);
    let previous = crate::server::session_token();
    let attempt = LoginAttempt {
        username: &username,
        password: &password,
        client_addr: &crate::server::client_addr(),
        previous_token: previous.as_deref(),
    };
    match local::login(&services, attempt)
        .await
        .map_err(|e| login_refusal(e, "/login"))?
    {
        LoginStep::Done(login) => start_session(&services, &login),
        LoginStep::SecondFactor { challenge } => {
            let cookie = crate::server::cookies()?
                .set_login_challenge(&challenge, domain::identity::totp::CHALLENGE_SECONDS);
            crate::server::set_cookie(&cookie)?;
            leptos_axum::redirect("/login/code");
            Ok(())
        }
    }
}

/// The code step of a login with two-factor login: a TOTP code or a recovery code.
#[server(prefix = "/api/ui", endpoint = "login-code")]
pub async fn login_code(code: String) -> Result<(), AppError> {
    use domain::identity::local::{self, CodeAttempt};

    let services = crate::server::services()?;
    let Some(challenge) = crate::server::login_challenge() else {
        return Err(crate::server::refuse_form(
            AppError::refused(contract::ErrorCode::LoginChallengeExpired),
            "/login",
        ));
    };
    let previous = crate::server::session_token();
    let attempt = CodeAttempt {
        challenge: &challenge,
        code: &code,
        client_addr: &crate::server::client_addr(),
        previous_token: previous.as_deref(),
    };
    let login = local::second_step(&services, attempt).await.map_err(|e| {
        let page = if e.code() == contract::ErrorCode::LoginChallengeExpired {
            "/login"
        } else {
            "/login/code"
        };
        login_refusal(e, page)
    })?;
    crate::server::set_cookie(&crate::server::cookies()?.clear_login_challenge())?;
    start_session(&services, &login)
}

/// Completes a PeeringDB login from the `/auth/callback` query parameters.
#[server(prefix = "/api/ui", endpoint = "peeringdb-callback")]
pub async fn complete_peeringdb_login(
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
) -> Result<(), AppError> {
    use domain::identity::peeringdb::{self, Callback, LoginError};

    let services = crate::server::services()?;
    let callback = Callback {
        code,
        state,
        error,
        client_addr: crate::server::client_addr(),
        previous_token: crate::server::session_token(),
        browser_state: Some(crate::server::login_state()),
    };
    crate::server::set_cookie(&crate::server::cookies()?.clear_login_state())?;
    let login = peeringdb::complete(&services, callback).await.map_err(|e| match e {
        LoginError::Upstream { detail_code, ref message } => {
            tracing::warn!(detail_code, %message, "PeeringDB login failed");
            AppError::refused(e.code())
        }
        LoginError::Database(e) => AppError::internal(e),
        other => AppError::refused(other.code()),
    })?;
    start_session(&services, &login)
}

/// Ends the session and returns to the login page.
#[server(prefix = "/api/ui", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let services = crate::server::services()?;
    if let (Some(session), Some(token)) = (crate::server::session().await?, crate::server::session_token()) {
        domain::identity::logout(&services, &session, &token).await.map_err(AppError::internal)?;
    }
    crate::server::set_cookie(&crate::server::cookies()?.clear_session())?;
    leptos_axum::redirect("/login");
    Ok(())
}
