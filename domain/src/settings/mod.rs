//! Runtime policy from the TOML file (`ZTIX_RUNTIME_CONFIG_PATH`): approval mode,
//! login and session limits, worker tuning and the exchange networks.
//!
//! Parsed once at startup; unknown keys are refused so a typo cannot silently fall back
//! to a default.

mod exchange;
mod networks;
mod notifications;

use std::path::Path;

use serde::Deserialize;

pub use exchange::{check_url, ExchangeSettings};
pub use notifications::{NotificationSettings, WebhookSettings};
pub use networks::{ConfiguredNetwork, NetworkRef, NetworkSettings, PublishedNetwork, RouteServerPeerSettings};

/// How new join requests are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// An admin approves or rejects every request.
    #[default]
    ManualAdmin,
    /// An eligible new request is approved at once by the system.
    PolicyAuto,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkflowSettings {
    pub approval_mode: ApprovalMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// How long a PeeringDB login may take between redirect and callback.
    pub oauth_state_ttl_seconds: u32,
    pub password_min_length: u32,
    /// Failed local logins per username within the window before `429 rate_limited`.
    pub max_failures_per_username: u32,
    /// Failed local logins per client address within the window before `429 rate_limited`.
    pub max_failures_per_client: u32,
    pub failure_window_seconds: u32,
    /// A session unused this long ends.
    pub session_idle_timeout_seconds: u32,
    /// A session ends this long after login, used or not.
    pub session_lifetime_seconds: u32,
    /// Anonymous requests that start or complete a PeeringDB login, per client address
    /// and minute (also the burst allowed at once); more get `429 rate_limited`.
    pub anonymous_requests_per_minute: u32,
    /// PeeringDB logins that may be in progress at once across all clients; more get
    /// `429 rate_limited`, so the table of login states stays bounded.
    pub max_pending_logins: u32,
    /// How often expired sessions, login states and attempts are deleted.
    pub housekeeping_interval_seconds: u32,
    /// A personal API token expires after this many days unless its owner asks for
    /// fewer …
    pub token_default_days: u32,
    /// … and never later than this.
    pub token_max_days: u32,
    /// Requests one API token may make per minute (also the burst allowed at once);
    /// more get `429 rate_limited`.
    pub token_requests_per_minute: u32,
    /// Admins with a local account must turn on two-factor login before they use the
    /// admin screens and routes. Unset: on in production, off in development.
    pub require_totp_for_admins: Option<bool>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            oauth_state_ttl_seconds: 600,
            password_min_length: 12,
            max_failures_per_username: 5,
            max_failures_per_client: 30,
            failure_window_seconds: 900,
            session_idle_timeout_seconds: 8 * 3600,
            session_lifetime_seconds: 7 * 24 * 3600,
            anonymous_requests_per_minute: 30,
            max_pending_logins: 10_000,
            housekeeping_interval_seconds: 300,
            token_default_days: 90,
            token_max_days: 365,
            token_requests_per_minute: 600,
            require_totp_for_admins: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeeringDbSettings {
    /// Also require the `manage_peering_sessions` flag on a network, not only read access.
    pub require_manage_peering_sessions: bool,
    /// How often each member's network record (`GET /api/net`) is fetched again.
    pub refresh_interval_seconds: u32,
    /// After a failed fetch (outage, throttling without `Retry-After`), the next try.
    pub retry_seconds: u32,
    /// Timeout of each call to the PeeringDB API.
    pub api_timeout_seconds: u32,
    /// The exchange's PeeringDB `ixlan`; when set, the members' PeeringDB entries
    /// (`GET /api/netixlan?ixlan_id=…`) are compared with the portal's.
    pub ixlan_id: Option<u32>,
    /// How often that comparison runs.
    pub netixlan_interval_seconds: u32,
}

impl Default for PeeringDbSettings {
    fn default() -> Self {
        Self { require_manage_peering_sessions: false, refresh_interval_seconds: 86_400, retry_seconds: 900, api_timeout_seconds: 10, ixlan_id: None, netixlan_interval_seconds: 3600 }
    }
}

/// IRR filtering (bgpq4 against an IRR server); off unless `host` is set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IrrSettings {
    /// `host` or `host:port` of the IRR server bgpq4 asks (`rr.ntt.net`, `whois.radb.net`).
    pub host: Option<String>,
    /// The registries whose objects count, in order (bgpq4 `-S`).
    pub sources: Vec<String>,
    /// How often each AS-SET is expanded again.
    pub refresh_interval_seconds: u32,
    /// After a failed expansion, the next try.
    pub retry_seconds: u32,
    /// Longest one bgpq4 run may take.
    pub timeout_seconds: u32,
    /// What an AS-SET that expands to nothing does: `reject` every route or `tag` only.
    pub empty_set: crate::routeservers::EmptySet,
    /// A route that is RPKI-valid counts as registered (arouteserver's
    /// `use_rpki_roas_as_route_objects`).
    pub rpki_roas_as_route_objects: bool,
    /// The bgpq4 program.
    pub bgpq4: String,
}

impl Default for IrrSettings {
    fn default() -> Self {
        Self {
            host: None,
            sources: ["RIPE", "ARIN", "APNIC", "AFRINIC", "LACNIC", "RADB"].map(str::to_owned).to_vec(),
            refresh_interval_seconds: 21_600,
            retry_seconds: 900,
            timeout_seconds: 120,
            empty_set: crate::routeservers::EmptySet::Reject,
            rpki_roas_as_route_objects: false,
            bgpq4: "bgpq4".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerSettings {
    /// How long a worker owns a request it is provisioning before another may take over.
    pub lease_seconds: u32,
    /// Requests one worker provisions at the same time.
    pub concurrency: u32,
    /// Retries of a transient upstream error inside one provisioning attempt.
    pub transient_retries: u32,
    /// Timeout of each call to the ZeroTier API.
    pub request_timeout_seconds: u32,
    /// The first retry of a transient error waits this long; each later one twice as long.
    pub retry_backoff_milliseconds: u32,
    /// A failed convergence (leaving, suspending, resuming, replacing a node) is tried
    /// again after this long, doubling with each failure in a row …
    pub converge_backoff_seconds: u32,
    /// … up to this long.
    pub converge_backoff_max_seconds: u32,
    /// How often the periodic pass compares the controller and every route server with
    /// the database and repairs drift (0: never; `zt-ix reconcile` still works).
    pub reconcile_interval_seconds: u32,
    /// How often the worker looks for PeeringDB records and IRR expansions that are
    /// due (0: never).
    pub policy_interval_seconds: u32,
    /// How often the worker reads the BGP sessions on every route server (one SSH call
    /// per host) and the members' node states from the controller (0: never).
    pub sessions_interval_seconds: u32,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            lease_seconds: 60,
            concurrency: 4,
            transient_retries: 3,
            request_timeout_seconds: 10,
            retry_backoff_milliseconds: 250,
            converge_backoff_seconds: 30,
            converge_backoff_max_seconds: 1800,
            reconcile_interval_seconds: 600,
            policy_interval_seconds: 60,
            sessions_interval_seconds: 60,
        }
    }
}

impl WorkerSettings {
    /// How long to wait after `failures` failed convergence attempts in a row.
    pub fn converge_backoff(&self, failures: u32) -> chrono::Duration {
        let base = u64::from(self.converge_backoff_seconds);
        let wait = base.saturating_mul(1u64 << failures.saturating_sub(1).min(20)).min(u64::from(self.converge_backoff_max_seconds));
        chrono::Duration::seconds(wait as i64)
    }
}

/// Limits and checks written into every route-server peer file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RouteServerPolicy {
    /// `import limit` of the IPv4 channel when PeeringDB gives none.
    pub max_prefixes_v4: u32,
    /// `import limit` of the IPv6 channel when PeeringDB gives none.
    pub max_prefixes_v6: u32,
    /// PeeringDB's `info_prefixes4/6` are raised to at least this …
    pub max_prefixes_floor: u32,
    /// … and lowered to at most this (an admin's override is taken as given).
    pub max_prefixes_ceiling: u32,
    /// Routes whose path holds one of these ASNs (past the member's own) are leaks.
    pub transit_free_asns: Vec<u32>,
    /// Longest AS path taken.
    pub max_as_path_length: u32,
    /// Most communities (standard, extended and large together) on a route.
    pub max_communities: u32,
    /// `birdc configure timeout`: BIRD undoes an unconfirmed change after this long.
    pub configure_timeout_seconds: u32,
    /// Reads of a member's filtered routes one person may start per minute (each reads
    /// every route server once; paging reuses the read for a minute).
    pub filtered_routes_per_minute: u32,
}

impl Default for RouteServerPolicy {
    fn default() -> Self {
        Self {
            max_prefixes_v4: 1000,
            max_prefixes_v6: 1000,
            max_prefixes_floor: 10,
            max_prefixes_ceiling: 200_000,
            transit_free_asns: crate::routeservers::DEFAULT_TRANSIT_FREE.to_vec(),
            max_as_path_length: 64,
            max_communities: 100,
            configure_timeout_seconds: 60,
            filtered_routes_per_minute: 6,
        }
    }
}

impl RouteServerPolicy {
    pub fn hygiene(&self) -> crate::routeservers::Hygiene {
        crate::routeservers::Hygiene {
            transit_free_asns: self.transit_free_asns.clone(),
            max_as_path_length: self.max_as_path_length,
            max_communities: self.max_communities,
        }
    }
}

/// The whole runtime configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeSettings {
    pub workflow: WorkflowSettings,
    pub auth: AuthSettings,
    pub peeringdb: PeeringDbSettings,
    pub worker: WorkerSettings,
    pub route_servers: RouteServerPolicy,
    pub irr: IrrSettings,
    pub exchange: ExchangeSettings,
    pub notifications: NotificationSettings,
    pub webhooks: WebhookSettings,
    pub networks: Vec<NetworkSettings>,
}

/// Why the runtime configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read runtime config {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("runtime config {path} is invalid: {message}")]
    Invalid { path: String, message: String },
}

impl RuntimeSettings {
    /// Parses and validates a TOML document; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, SettingsError> {
        let invalid = |message: String| SettingsError::Invalid { path: origin.to_owned(), message };
        let settings: Self = toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_owned()))?;
        settings.validate().map_err(invalid)?;
        Ok(settings)
    }

    /// Reads `path`. A missing file gives the defaults when `optional` is true.
    pub fn load(path: &Path, optional: bool) -> Result<Self, SettingsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_toml(&text, &path.display().to_string()),
            Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(SettingsError::Read { path: path.display().to_string(), source }),
        }
    }

    fn validate(&self) -> Result<(), String> {
        let positive = [
            ("auth.oauth_state_ttl_seconds", self.auth.oauth_state_ttl_seconds),
            ("auth.password_min_length", self.auth.password_min_length),
            ("auth.max_failures_per_username", self.auth.max_failures_per_username),
            ("auth.max_failures_per_client", self.auth.max_failures_per_client),
            ("auth.failure_window_seconds", self.auth.failure_window_seconds),
            ("auth.session_idle_timeout_seconds", self.auth.session_idle_timeout_seconds),
            ("auth.session_lifetime_seconds", self.auth.session_lifetime_seconds),
            ("auth.anonymous_requests_per_minute", self.auth.anonymous_requests_per_minute),
            ("auth.max_pending_logins", self.auth.max_pending_logins),
            ("auth.housekeeping_interval_seconds", self.auth.housekeeping_interval_seconds),
            ("auth.token_default_days", self.auth.token_default_days),
            ("auth.token_requests_per_minute", self.auth.token_requests_per_minute),
            ("worker.lease_seconds", self.worker.lease_seconds),
            ("worker.concurrency", self.worker.concurrency),
            ("worker.request_timeout_seconds", self.worker.request_timeout_seconds),
            ("worker.converge_backoff_seconds", self.worker.converge_backoff_seconds),
            ("route_servers.max_prefixes_v4", self.route_servers.max_prefixes_v4),
            ("route_servers.max_prefixes_v6", self.route_servers.max_prefixes_v6),
            ("route_servers.configure_timeout_seconds", self.route_servers.configure_timeout_seconds),
            ("route_servers.max_prefixes_floor", self.route_servers.max_prefixes_floor),
            ("route_servers.max_as_path_length", self.route_servers.max_as_path_length),
            ("route_servers.max_communities", self.route_servers.max_communities),
            ("route_servers.filtered_routes_per_minute", self.route_servers.filtered_routes_per_minute),
            ("peeringdb.refresh_interval_seconds", self.peeringdb.refresh_interval_seconds),
            ("peeringdb.retry_seconds", self.peeringdb.retry_seconds),
            ("peeringdb.api_timeout_seconds", self.peeringdb.api_timeout_seconds),
            ("peeringdb.netixlan_interval_seconds", self.peeringdb.netixlan_interval_seconds),
            ("irr.refresh_interval_seconds", self.irr.refresh_interval_seconds),
            ("irr.retry_seconds", self.irr.retry_seconds),
            ("irr.timeout_seconds", self.irr.timeout_seconds),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("{key} must be greater than 0"));
        }
        if self.worker.converge_backoff_max_seconds < self.worker.converge_backoff_seconds {
            return Err("worker.converge_backoff_max_seconds must be at least worker.converge_backoff_seconds".into());
        }
        if self.route_servers.max_prefixes_ceiling < self.route_servers.max_prefixes_floor {
            return Err("route_servers.max_prefixes_ceiling must be at least route_servers.max_prefixes_floor".into());
        }
        if self.irr.host.is_some() {
            if self.irr.sources.is_empty() {
                return Err("irr.sources must name at least one registry".into());
            }
            let bad = |s: &String| s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if let Some(source) = self.irr.sources.iter().find(|s| bad(s)) {
                return Err(format!("irr.sources: '{source}' is not a registry name (letters, digits, '-')"));
            }
        }
        if self.irr.host.as_deref().is_some_and(|h| h.trim().is_empty() || h.starts_with('-') || h.contains(char::is_whitespace)) {
            return Err("irr.host must be a host name or host:port".into());
        }
        if self.auth.token_max_days < self.auth.token_default_days {
            return Err("auth.token_max_days must be at least auth.token_default_days".into());
        }
        if self.auth.password_min_length < 8 {
            return Err("auth.password_min_length must be at least 8".into());
        }
        if self.peeringdb.ixlan_id == Some(0) {
            return Err("peeringdb.ixlan_id must be greater than 0".into());
        }
        self.exchange.validate()?;
        self.notifications.validate()?;
        networks::validate(&self.networks)
    }
}

#[cfg(test)]
mod tests;
