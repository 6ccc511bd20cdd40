//! Bringing the portal up: runtime settings, database, migrations, network sync, router.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use domain::db;
use domain::identity::peeringdb::PeeringDb;
use domain::identity::{IdentityConfig, SessionKey};
use domain::provisioning::preflight::{Provisioning, TokenSource as DomainTokenSource};
use domain::provisioning::{self, lifecycle, ProviderKind as DomainProviderKind, ProviderSettings};
use domain::routeservers::{RouteServer, RouteServerSettings};
use domain::{RuntimeSettings, Services};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::{AppConfig, ProviderKind, TokenSource};
use crate::http::{self, site, AppState};

/// How long in-flight requests may take to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// Reads the runtime policy named by the configuration.
pub fn load_settings(config: &AppConfig) -> anyhow::Result<RuntimeSettings> {
    Ok(RuntimeSettings::load(&config.runtime_config_path, config.runtime_config_optional)?)
}

/// Opens and migrates the database.
pub async fn open_database(config: &AppConfig) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(config.database.url.expose_secret(), &config.database.pool())
        .await
        .context("DATABASE_URL")?;
    db::migrate(&db).await.context("applying database migrations")?;
    Ok(db)
}

/// Puts the configured networks into `zt_network` as far as possible without the
/// controller (networks named by a suffix need its address; see `lifecycle::bring_up`).
pub async fn sync_networks(services: &Services) -> anyhow::Result<()> {
    if lifecycle::sync_offline(services).await?.is_none() {
        tracing::info!("networks named by suffix are synced once the controller preflight has read its address");
    }
    Ok(())
}

/// The ZeroTier provider and its token, from the environment configuration.
pub async fn provisioning(config: &AppConfig, settings: &RuntimeSettings) -> anyhow::Result<Provisioning> {
    let zt = &config.zerotier;
    let (kind, base_url, token) = match zt.provider {
        ProviderKind::SelfHostedController => (
            DomainProviderKind::SelfHostedController,
            zt.controller_base_url.clone(),
            match &zt.controller_token {
                Some(TokenSource::Inline(t)) => DomainTokenSource::Inline(t.clone()),
                Some(TokenSource::File(path)) => DomainTokenSource::File(path.clone()),
                None => DomainTokenSource::Missing,
            },
        ),
        ProviderKind::Central => (
            DomainProviderKind::Central,
            zt.central_base_url.clone(),
            zt.central_token
                .as_ref()
                .map(|t| DomainTokenSource::Inline(t.clone()))
                .unwrap_or(DomainTokenSource::Missing),
        ),
    };
    if matches!(token, DomainTokenSource::Missing) {
        return Ok(Provisioning::new(None, token));
    }
    // A token file that cannot be read is a broken deployment, not an empty token.
    let initial_token = token.read().await.map_err(|e| anyhow::anyhow!("ZT_CONTROLLER_AUTH_TOKEN_FILE: {e}"))?;
    let provider = provisioning::provider(
        kind,
        ProviderSettings {
            base_url,
            token: initial_token,
            timeout: Duration::from_secs(settings.worker.request_timeout_seconds.into()),
            transient_retries: settings.worker.transient_retries,
            backoff: Duration::from_millis(settings.worker.retry_backoff_milliseconds.into()),
        },
    )
    .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(Provisioning::new(Some(provider), token))
}

/// The route servers to configure, if any (`ROUTE_SERVER_HOSTS`).
pub fn route_servers(config: &AppConfig, settings: &RuntimeSettings) -> Option<RouteServerSettings> {
    let rs = &config.route_servers;
    if !rs.is_enabled() {
        return None;
    }
    Some(RouteServerSettings {
        hosts: rs.hosts.iter().map(|h| RouteServer { label: h.label.clone(), host: h.host.clone(), port: h.port }).collect(),
        user: rs.ssh_user.clone(),
        // Presence is checked when the configuration is read.
        private_key: rs.private_key_path.clone().unwrap_or_default(),
        known_hosts: rs.known_hosts_file.clone().unwrap_or_default(),
        connect_timeout: rs.connect_timeout,
        remote_dir: rs.remote_config_dir.clone(),
        local_asn: rs.local_asn?,
        configure_timeout: Duration::from_secs(settings.route_servers.configure_timeout_seconds.into()),
        turns: Default::default(),
    })
}

/// Brings provisioning up and keeps checking the controller: every 10 s while preflight
/// fails, every minute once it passes.
pub fn spawn_controller_watch(services: Services, shutdown: CancellationToken) {
    tokio::spawn(async move {
        let mut was_passing = None;
        loop {
            let passing = match lifecycle::bring_up(&services).await {
                Ok(report) => {
                    if was_passing != Some(true) {
                        tracing::info!(controller = ?report.controller.map(|c| c.to_string()), reconciled = ?report.reconciled, "controller preflight passed; provisioning is on");
                    }
                    true
                }
                Err(error) => {
                    if was_passing != Some(false) {
                        tracing::warn!(%error, "controller preflight failed; provisioning is blocked");
                    }
                    false
                }
            };
            was_passing = Some(passing);
            let pause = if passing { Duration::from_secs(60) } else { Duration::from_secs(10) };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = shutdown.cancelled() => return,
            }
        }
    });
}

/// How people log in, from the environment configuration.
pub fn identity(config: &AppConfig, settings: &RuntimeSettings) -> anyhow::Result<IdentityConfig> {
    let peeringdb = match &config.auth.peeringdb {
        None => None,
        Some(settings) => Some(PeeringDb::new(settings.clone()).context("PeeringDB HTTP client")?),
    };
    Ok(IdentityConfig {
        session_key: SessionKey::new(config.auth.secret_key.clone()),
        local_auth_enabled: config.auth.local_auth_enabled,
        secure_cookies: config.auth.secure_cookies,
        peeringdb,
        require_totp_for_admins: settings
            .auth
            .require_totp_for_admins
            .unwrap_or(config.env.is_production()),
    })
}

/// The client of PeeringDB's REST API for the members' route-server policy and the
/// checks of their `netixlan` entries.
pub fn peeringdb_api(config: &AppConfig, settings: &RuntimeSettings) -> anyhow::Result<Option<domain::policy::peeringdb::PeeringDbApi>> {
    let Some(api) = &config.peeringdb_api else {
        if let Some(ixlan_id) = settings.peeringdb.ixlan_id {
            tracing::warn!(ixlan_id, "peeringdb.ixlan_id is set but PEERINGDB_API_ENABLED is off: the PeeringDB entries are not checked");
        }
        return Ok(None);
    };
    let timeout = Duration::from_secs(settings.peeringdb.api_timeout_seconds.into());
    Ok(Some(domain::policy::peeringdb::PeeringDbApi::new(api.url.clone(), api.key.clone(), timeout).context("PeeringDB API client")?))
}

/// How notifications go out: the mailer (when `SMTP_URL` is set), the links' base and
/// the webhook address rules.
pub fn notifications(config: &AppConfig, settings: &RuntimeSettings) -> anyhow::Result<domain::notify::SenderConfig> {
    let timeout = Duration::from_secs(settings.notifications.timeout_seconds.into());
    let mailer = match &config.mail {
        Some(mail) => {
            let ca = match &mail.ca_file {
                Some(path) => Some(std::fs::read(path).with_context(|| format!("SMTP_CA_FILE: cannot read {}", path.display()))?),
                None => None,
            };
            Some(domain::notify::email::Mailer::new(&mail.url, &mail.from, ca.as_deref(), timeout)?)
        }
        None => None,
    };
    Ok(domain::notify::SenderConfig {
        mailer,
        base_url: config.http.public_base_url.clone(),
        guard: domain::notify::webhook::Guard { allowed: settings.webhooks.allowed_networks.clone() },
        catalog: domain::notify::Catalog::new(),
    })
}

/// Each network's route servers name hosts of `ROUTE_SERVER_HOSTS` and have an ASN.
pub fn check_route_server_peers(config: &AppConfig, settings: &RuntimeSettings) -> anyhow::Result<()> {
    let rs = &config.route_servers;
    for (i, network) in settings.networks.iter().enumerate() {
        for (j, peer) in network.route_servers.iter().enumerate() {
            let at = format!("networks[{i}].route_servers[{j}]");
            if let Some(host) = &peer.host {
                if !rs.hosts.iter().any(|h| &h.label == host) {
                    anyhow::bail!("{at}.host '{host}' is not one of ROUTE_SERVER_HOSTS (write it exactly as there)");
                }
            }
            if peer.asn.is_none() && rs.local_asn.is_none() {
                anyhow::bail!("{at} needs `asn` (ROUTE_SERVER_LOCAL_ASN is not set)");
            }
        }
    }
    Ok(())
}

/// Everything a command needs before it acts: runtime settings, a migrated database,
/// the configured networks synced, and the identity settings.
pub async fn prepare(config: &AppConfig) -> anyhow::Result<Services> {
    let settings = load_settings(config)?;
    check_route_server_peers(config, &settings)?;
    let db = open_database(config).await?;
    let provisioning = provisioning(config, &settings).await?;
    let route_servers = route_servers(config, &settings);
    let peeringdb_api = peeringdb_api(config, &settings)?;
    let notify = notifications(config, &settings)?;
    let identity = identity(config, &settings)?;
    let services = Services::new(db, settings, identity)
        .with_provisioning(provisioning)
        .with_route_servers(route_servers)
        .with_peeringdb_api(peeringdb_api)
        .with_notify(notify);
    sync_networks(&services).await?;
    Ok(services)
}

/// Deletes expired sessions, old login attempts and expired login states every
/// `auth.housekeeping_interval_seconds`.
pub fn spawn_housekeeping(services: Services, shutdown: CancellationToken) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(services.settings.auth.housekeeping_interval_seconds.into()));
        loop {
            tokio::select! {
                _ = every.tick() => {
                    match domain::identity::prune(&services.db, &services.settings.auth).await {
                        Ok(0) => {}
                        Ok(n) => tracing::debug!(rows = n, "housekeeping removed expired rows"),
                        Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                    }
                }
                () = shutdown.cancelled() => break,
            }
        }
    });
}

/// Housekeeping, the controller watch and the provisioning worker; the handle ends when
/// the worker has stopped.
pub fn spawn_background(services: &Services, shutdown: &CancellationToken, worker_name: &str) -> tokio::task::JoinHandle<()> {
    spawn_housekeeping(services.clone(), shutdown.clone());
    spawn_controller_watch(services.clone(), shutdown.clone());
    tokio::spawn(domain::provisioning::worker::Worker::new(services.clone(), worker_name).run(shutdown.clone()))
}

/// A bound, ready-to-run web server.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Everything up to accepting connections; `serve` then runs it.
    pub async fn build(config: AppConfig) -> anyhow::Result<Self> {
        let services = prepare(&config).await?;
        Self::with_services(config, services).await
    }

    /// Binds the listener for already opened services (tests use this with their own database).
    pub async fn with_services(mut config: AppConfig, services: Services) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.http.listen)
            .await
            .with_context(|| format!("LEPTOS_SITE_ADDR: cannot listen on {}", config.http.listen))?;
        config.http.bound_to(listener.local_addr()?);
        let state = AppState {
            leptos_options: site::leptos_options(&config.http),
            services,
            config: Arc::new(config),
        };
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves the portal until `shutdown` is cancelled, then drains in-flight requests for
    /// a bounded time.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let router = http::router(self.state.clone());
        self.serve(router, shutdown).await
    }

    /// Serves only the operational endpoints (a worker-only process).
    pub async fn run_operational(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let router = http::operational_router(self.state.clone());
        self.serve(router, shutdown).await
    }

    async fn serve(self, router: axum::Router, shutdown: CancellationToken) -> anyhow::Result<()> {
        // Keeps histogram memory bounded between scrapes; ends with the server.
        let upkeep = tokio::spawn(http::metrics::upkeep());
        let app = router.into_make_service_with_connect_info::<SocketAddr>();
        let graceful = {
            let shutdown = shutdown.clone();
            async move { shutdown.cancelled().await }
        };
        let server = axum::serve(self.listener, app).with_graceful_shutdown(graceful);
        tokio::select! {
            result = server => result.context("HTTP server")?,
            () = async { shutdown.cancelled().await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
                tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}; stopping anyway");
            }
        }
        upkeep.abort();
        Ok(())
    }
}

/// Cancels `token` on SIGTERM or Ctrl-C.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => tracing::info!("interrupt received; shutting down"),
            () = terminate => tracing::info!("SIGTERM received; shutting down"),
        }
        token.cancel();
    });
}
