//! The public JSON API under `/api/v1` (SPEC §5). Handlers are thin: authenticate,
//! parse into domain types, call one service, map the result.

mod admin;
mod auth;
pub mod exchange;
pub mod error;
pub mod json;
mod me;
mod notify;
mod onboarding;
pub mod openapi;
mod requests;
mod tokens;
mod two_factor;
pub mod session;
pub mod views;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};
use axum::Router;

use self::error::ApiError;
use self::json::MAX_BODY_BYTES;
use crate::http::AppState;

/// Every `/api/v1` route, in one readable list.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/peeringdb/start", post(auth::peeringdb::start))
        .route("/auth/peeringdb/callback", post(auth::peeringdb::callback))
        .route("/auth/local/login", post(auth::local::login))
        .route(
            "/auth/local/second-factor",
            post(auth::local::second_factor),
        )
        .route("/auth/password-link", post(two_factor::set_password))
        .route("/auth/logout", post(auth::logout::logout))
        .route("/me", get(me::me))
        .route("/asns", get(me::asns))
        .route("/asns/{asn}/listing", get(exchange::show_listing).put(exchange::set_listing))
        .route("/ixf/member-export", get(exchange::member_export))
        .route("/admin/peeringdb/netixlan", get(exchange::netixlan))
        .route("/me/tokens", get(tokens::list).post(tokens::create))
        .route("/me/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route(
            "/me/two-factor",
            get(two_factor::status).post(two_factor::begin),
        )
        .route("/me/two-factor/confirm", post(two_factor::confirm))
        .route("/me/two-factor/disable", post(two_factor::disable))
        .route(
            "/admin/users",
            get(admin::users::list).post(admin::users::create),
        )
        .route(
            "/admin/users/{id}",
            get(admin::users::show).patch(admin::users::update),
        )
        .route("/admin/users/{id}/disable", post(admin::users::disable))
        .route("/admin/users/{id}/enable", post(admin::users::enable))
        .route(
            "/admin/users/{id}/end-sessions",
            post(admin::users::end_sessions),
        )
        .route(
            "/admin/users/{id}/password-link",
            post(admin::users::password_link),
        )
        .route(
            "/admin/users/{id}/reset-two-factor",
            post(admin::users::reset_two_factor),
        )
        .route(
            "/me/notifications",
            get(notify::my_choices).put(notify::set_my_choices),
        )
        .route(
            "/admin/webhooks",
            get(notify::list_webhooks).post(notify::create_webhook),
        )
        .route(
            "/admin/webhooks/{id}",
            patch(notify::update_webhook).delete(notify::delete_webhook),
        )
        .route("/admin/webhooks/{id}/test", post(notify::test_webhook))
        .route("/admin/notifications", get(notify::outbox))
        .route("/admin/notifications/{id}/retry", post(notify::retry))
        .route("/onboarding/context", get(onboarding::context))
        .route("/requests", post(requests::create::create).get(requests::list::list))
        .route("/requests/{id}", get(requests::show::show))
        .route("/requests/{id}/events", get(requests::show::events))
        .route(
            "/requests/{id}/withdraw",
            post(requests::lifecycle::withdraw),
        )
        .route("/requests/{id}/leave", post(requests::lifecycle::leave))
        .route("/requests/{id}/replace-node", post(requests::lifecycle::replace_node))
        .route("/admin/audit", get(admin::audit::search))
        .route("/admin/requests", get(admin::list::list))
        .route("/admin/requests/{id}", get(admin::show::show))
        .route("/admin/requests/{id}/approve", post(admin::decide::approve))
        .route("/admin/requests/{id}/reject", post(admin::decide::reject))
        .route("/admin/requests/{id}/retry", post(admin::decide::retry))
        .route("/admin/requests/{id}/offboard", post(admin::lifecycle::offboard))
        .route("/admin/requests/{id}/suspend", post(admin::lifecycle::suspend))
        .route("/admin/requests/{id}/resume", post(admin::lifecycle::resume))
        .route("/admin/requests/{id}/keep", post(admin::lifecycle::keep))
        .route("/admin/requests/{id}/route-policy", get(admin::policy::show).put(admin::policy::set))
        .route("/requests/{id}/route-policy", get(admin::policy::member))
        .route("/requests/{id}/turn-up", get(admin::turn_up::member))
        .route("/requests/{id}/filtered-routes", get(admin::turn_up::member_filtered))
        .route("/admin/requests/{id}/turn-up", get(admin::turn_up::show))
        .route("/admin/requests/{id}/filtered-routes", get(admin::turn_up::admin_filtered))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(contract::ErrorCode::MethodNotAllowed, "This endpoint does not accept that method.")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
