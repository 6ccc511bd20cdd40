//! `GET /auth/peeringdb/login`: the browser's way into the PeeringDB login. The state
//! is also put in a short-lived cookie, so only this browser can complete the login.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use app::server::web::Cookies;
use domain::identity::peeringdb::{self, LoginError};

use super::AppState;

pub async fn login(State(state): State<AppState>) -> Response {
    match peeringdb::start(&state.services).await {
        Ok(started) => {
            let services = &state.services;
            let ttl = i64::from(services.settings.auth.oauth_state_ttl_seconds);
            let bind = Cookies::new(&services.identity).set_login_state(&started.state, ttl);
            (AppendHeaders([(SET_COOKIE, bind)]), Redirect::to(&started.authorization_url)).into_response()
        }
        Err(LoginError::Unavailable) => Redirect::to("/login?error=auth_provider_unavailable").into_response(),
        Err(LoginError::TooManyPending) => Redirect::to("/login?error=rate_limited").into_response(),
        Err(error) => {
            tracing::error!(%error, "could not start a PeeringDB login");
            Redirect::to("/login?error=auth_provider_unavailable").into_response()
        }
    }
}
