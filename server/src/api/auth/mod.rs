//! `/api/v1/auth/*`: PeeringDB and local login, logout.

pub mod local;
pub mod logout;
pub mod peeringdb;

use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Response};
use app::server::web::Cookies;
use domain::identity::local::LoggedIn;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::Data;
use super::views::UserView;
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct AuthInfo {
    /// `local` or `peeringdb`.
    pub mode: String,
    pub authorized_asn_count: usize,
    pub has_eligible_asn: bool,
}

/// What a successful login answers (with the session cookie).
#[derive(Serialize, ToSchema)]
pub struct LoggedInBody {
    pub auth: AuthInfo,
    pub user: UserView,
}

/// The answer to a successful login: the new session cookie and who logged in.
pub fn logged_in_response(state: &AppState, login: &LoggedIn) -> Response {
    let identity = &state.services.identity;
    let lifetime = i64::from(state.services.settings.auth.session_lifetime_seconds);
    let set_cookie = Cookies::new(identity).set_session(login.token.expose(), lifetime);
    let body = LoggedInBody {
        auth: AuthInfo {
            mode: login.method.as_str().to_owned(),
            authorized_asn_count: login.asns.len(),
            has_eligible_asn: !login.asns.is_empty(),
        },
        user: UserView::from(&login.user),
    };
    (AppendHeaders([(SET_COOKIE, set_cookie)]), Data::new(body)).into_response()
}
