//! ZT-IX business rules, free of HTTP and of the UI framework: entities, validated
//! domain types, the join-request status machine, the audit trail and services.
//!
//! The `server` crate (HTTP API, CLI, worker) and the `app` crate's server functions
//! both call into this crate for every rule; the pages read its read models (`views`).

pub mod audit;
pub mod audit_log;
pub mod clock;
pub mod correlation;
pub mod db;
pub mod entities;
pub mod exchange;
pub mod identity;
pub mod metrics;
pub mod networks;
pub mod notify;
pub mod policy;
pub mod provisioning;
pub mod requests;
pub mod routeservers;
pub mod sessions;
pub mod settings;
pub mod turnup;
pub mod types;
pub mod views;
pub mod workflow;

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use sea_orm::DbErr;

/// An error with its causes, `outer: inner: innermost`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}
pub use settings::RuntimeSettings;

/// What every service call needs: the database, the runtime policy and how people log in.
///
/// Cheap to clone; the web tier, the server functions and the worker share one.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: DatabaseConnection,
    pub settings: Arc<RuntimeSettings>,
    pub identity: Arc<identity::IdentityConfig>,
    pub provisioning: Arc<provisioning::preflight::Provisioning>,
    /// `None` when no route servers are configured (the step is skipped).
    pub route_servers: Option<Arc<routeservers::RouteServerSettings>>,
    /// PeeringDB's API for the members' route-server policy; `None`: not fetched.
    pub peeringdb_api: Option<Arc<policy::peeringdb::PeeringDbApi>>,
    /// Reads of members' filtered routes: the per-person limit and recent reads.
    pub filtered_reads: Arc<sessions::filtered::FilteredReads>,
    /// The member list as last built (the public list and the IX-F export).
    pub published: Arc<exchange::Published>,
    /// How notifications go out (e-mail transport, links, webhook address rules).
    pub notify: Arc<notify::SenderConfig>,
    /// Requests per API token and minute.
    pub token_limit: Arc<identity::limit::PerKey<uuid::Uuid>>,
}

impl Services {
    /// Services without a ZeroTier provider (provisioning stays blocked).
    pub fn new(db: DatabaseConnection, settings: RuntimeSettings, identity: identity::IdentityConfig) -> Self {
        let per_minute = settings.route_servers.filtered_routes_per_minute;
        let token_limit = Arc::new(identity::limit::PerKey::per_minute(settings.auth.token_requests_per_minute));
        Self {
            db,
            settings: Arc::new(settings),
            identity: Arc::new(identity),
            provisioning: Arc::new(provisioning::preflight::Provisioning::unconfigured()),
            route_servers: None,
            peeringdb_api: None,
            filtered_reads: Arc::new(sessions::filtered::FilteredReads::per_minute(per_minute)),
            published: Arc::default(),
            notify: Arc::default(),
            token_limit,
        }
    }

    pub fn with_peeringdb_api(mut self, api: Option<policy::peeringdb::PeeringDbApi>) -> Self {
        self.peeringdb_api = api.map(Arc::new);
        self
    }

    pub fn with_route_servers(mut self, route_servers: Option<routeservers::RouteServerSettings>) -> Self {
        self.route_servers = route_servers.map(Arc::new);
        self
    }

    pub fn with_notify(mut self, notify: notify::SenderConfig) -> Self {
        self.notify = Arc::new(notify);
        self
    }

    pub fn with_provisioning(mut self, provisioning: provisioning::preflight::Provisioning) -> Self {
        self.provisioning = Arc::new(provisioning);
        self
    }
}
