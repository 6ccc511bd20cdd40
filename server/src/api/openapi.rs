//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the JSON API, generated
//! from the handlers and types themselves.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, auth, exchange, me, notify, onboarding, requests, tokens, two_factor};

/// The two ways to authenticate: the browser session's cookie and a personal API token.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(domain::identity::COOKIE_NAME))));
        let token = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("ztix_…").description(Some(
            "A personal API token (POST /api/v1/me/tokens): the user's own permissions, narrowed by its scope (read: GET only; read-write; admin).",
        ));
        components.add_security_scheme("token", SecurityScheme::Http(token.build()));
    }
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&Authentication),
    info(
        title = "ZT-IX API",
        description = "Self-service portal of a ZeroTier-based Internet Exchange. Successes are `{\"data\": …}`, \
                       errors `{\"error\": {\"code\", \"message\", \"details\"}}`. Authentication is the \
                       `zt_ix_session` cookie set by the login endpoints, or a personal API token \
                       (`Authorization: Bearer ztix_…`, created at `POST /api/v1/me/tokens`) with its \
                       user's permissions narrowed by its scope.",
    ),
    paths(
        auth::peeringdb::start,
        auth::peeringdb::callback,
        auth::local::login,
        auth::local::second_factor,
        two_factor::set_password,
        two_factor::status,
        two_factor::begin,
        two_factor::confirm,
        two_factor::disable,
        admin::users::list,
        admin::users::show,
        admin::users::create,
        admin::users::update,
        admin::users::disable,
        admin::users::enable,
        admin::users::end_sessions,
        admin::users::password_link,
        admin::users::reset_two_factor,
        auth::logout::logout,
        me::me,
        me::asns,
        onboarding::context,
        requests::create::create,
        requests::list::list,
        requests::show::show,
        requests::show::events,
        requests::lifecycle::withdraw,
        requests::lifecycle::leave,
        requests::lifecycle::replace_node,
        admin::audit::search,
        admin::list::list,
        admin::show::show,
        admin::decide::approve,
        admin::decide::reject,
        admin::decide::retry,
        admin::lifecycle::offboard,
        admin::lifecycle::suspend,
        admin::lifecycle::resume,
        admin::lifecycle::keep,
        admin::policy::member,
        admin::policy::show,
        admin::policy::set,
        admin::turn_up::member,
        admin::turn_up::show,
        admin::turn_up::member_filtered,
        admin::turn_up::admin_filtered,
        exchange::member_export,
        exchange::show_listing,
        exchange::set_listing,
        exchange::netixlan,
        tokens::create,
        tokens::list,
        tokens::revoke,
        notify::my_choices,
        notify::set_my_choices,
        notify::list_webhooks,
        notify::create_webhook,
        notify::update_webhook,
        notify::delete_webhook,
        notify::test_webhook,
        notify::outbox,
        notify::retry,
        crate::http::health::live,
        crate::http::health::ready,
    ),
    tags(
        (name = "auth", description = "Logging in and out"),
        (name = "identity", description = "The logged-in user"),
        (name = "requests", description = "An operator's join requests"),
        (name = "admin", description = "The exchange admins' queue"),
        (name = "exchange", description = "What the exchange publishes (IX-F member export)"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
