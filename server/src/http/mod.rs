//! The HTTP surface: the Leptos site (SSR + server functions), health endpoints and the
//! cross-cutting layers (request ids, tracing).

pub mod anonymous_limit;
mod brand;
pub mod client_addr;
pub mod csrf;
pub mod health;
pub mod metrics;
mod page_guard;
mod peeringdb_redirect;
mod request_id;
pub mod security;
pub mod site;

use std::sync::Arc;

use app::{shell, App};
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use domain::Services;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::api;
use crate::config::AppConfig;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub config: Arc<AppConfig>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The pages of the app, listed once per process. Listing them renders the app with a
/// process-wide Leptos flag set that holds back resource loading, so a page rendered in
/// the meantime by another server of the same process (tests start many) would never
/// finish; after the first listing, every router reuses it.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route of the portal, in one place.
pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let services = state.services.clone();
    let demo = app::DemoMode(state.config.demo);
    let context = move || {
        provide_context(services.clone());
        provide_context(demo);
        security::provide_request_nonce();
    };
    let options = state.leptos_options.clone();
    // Installed before the first request, so nothing recorded is lost.
    metrics::handle();

    let public_origin = state.config.http.public_origin.clone();
    let security_headers = security::SecurityHeaders { hsts: state.config.http.hsts };
    let trusted_proxies = client_addr::TrustedProxies::new(state.config.http.trusted_proxies.clone());
    let anonymous = anonymous_limit::AnonymousLimit::per_minute(state.services.settings.auth.anonymous_requests_per_minute);

    let site = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics::render))
        .route("/auth/peeringdb/login", get(peeringdb_redirect::login))
        .route("/brand/logo.svg", get(brand::logo))
        .route("/locale/{code}", get(brand::switch))
        .route("/participants.json", get(api::exchange::member_export))
        .nest("/api/v1", api::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(options.clone()))
        // Timed by route template; files and unknown paths are not routes.
        .route_layer(middleware::from_fn(metrics::track))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn_with_state(state.clone(), page_guard::guard))
        .with_state(state)
        .layer(DefaultBodyLimit::max(security::MAX_BODY_BYTES))
        .layer(middleware::from_fn(security::limit_body))
        .layer(middleware::from_fn_with_state(public_origin, csrf::protect))
        .layer(middleware::from_fn_with_state(anonymous, anonymous_limit::layer))
        .layer(middleware::from_fn(security::timeout))
        // Pages and API answers are compressed on the fly (a middle level: cheap on the
        // CPU, most of the gain); the bundle is served from its precompressed files.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(middleware::from_fn_with_state(security_headers, security::headers))
        .layer(middleware::from_fn_with_state(trusted_proxies, client_addr::layer));

    request_id::layer(site)
}

/// What a worker-only process serves: `/healthz`, `/readyz` and `/metrics`, so it can be
/// probed and scraped like the web tier. Everything else is 404.
pub fn operational_router(state: AppState) -> Router {
    metrics::handle();
    let security_headers = security::SecurityHeaders { hsts: state.config.http.hsts };
    let trusted_proxies = client_addr::TrustedProxies::new(state.config.http.trusted_proxies.clone());
    let operational = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(metrics::render))
        .route_layer(middleware::from_fn(metrics::track))
        .with_state(state)
        .layer(middleware::from_fn(security::timeout))
        .layer(middleware::from_fn_with_state(security_headers, security::headers))
        .layer(middleware::from_fn_with_state(trusted_proxies, client_addr::layer));
    request_id::layer(operational)
}
