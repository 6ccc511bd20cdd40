//! Wiring and secrets from the environment (SPEC §8), parsed once at startup.
//!
//! Every problem is collected and reported together, each naming its variable.
//! Production refuses the development defaults for secrets.

mod auth;
mod database;
mod http;
mod log;
mod mail;
mod route_servers;
mod source;
mod zerotier;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

pub use auth::AuthConfig;
pub use database::DatabaseConfig;
pub use http::HttpConfig;
pub use log::{LogConfig, LogFormat};
pub use mail::MailConfig;
pub use route_servers::{RouteServerConfig, RouteServerHost};
pub use zerotier::{ProviderKind, TokenSource, ZeroTierConfig};
pub use source::{ConfigIssue, EnvSource};

/// The value `.env.example` ships for `APP_SECRET_KEY`; fine on a laptop, refused in production.
pub const EXAMPLE_SECRET_KEY: &str = "insecure-development-key-change-me-before-production";

/// `development` or `production`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

impl AppEnv {
    pub fn is_production(self) -> bool {
        self == Self::Production
    }
}

/// The whole environment configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub env: AppEnv,
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub zerotier: ZeroTierConfig,
    pub route_servers: RouteServerConfig,
    /// PeeringDB's REST API for the members' route-server policy (`None`: not used).
    pub peeringdb_api: Option<PeeringDbApiConfig>,
    pub log: LogConfig,
    /// E-mail (`SMTP_URL`, `SMTP_FROM`); `None`: no e-mail is sent.
    pub mail: Option<MailConfig>,
    /// Where the TOML runtime configuration is read from.
    pub runtime_config_path: PathBuf,
    /// The path is the default one, so a missing file means "use the defaults".
    pub runtime_config_optional: bool,
    /// `WORKER_NAME` (default: `HOSTNAME`, else `worker`): how this process's provisioning
    /// worker is named in leases, logs and the audit trail.
    pub worker_name: String,
    /// `ZTIX_DEMO`: a demo against a simulated controller; every page says so. Never in
    /// production.
    pub demo: bool,
}

/// `PEERINGDB_API_URL` and the optional `PEERINGDB_API_KEY` (more generous limits).
#[derive(Debug, Clone)]
pub struct PeeringDbApiConfig {
    pub url: url::Url,
    pub key: Option<secrecy::SecretString>,
}

/// Startup cannot continue; each line names a variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(pub Vec<ConfigIssue>);

impl AppConfig {
    /// Reads the process environment (call `dotenvy` first to include `.env`).
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::from_source(EnvSource::from_process())
    }

    pub fn from_map(vars: HashMap<String, String>) -> Result<Self, ConfigError> {
        Self::from_source(EnvSource::new(vars))
    }

    fn from_source(mut env: EnvSource) -> Result<Self, ConfigError> {
        let app_env = env.choice_or(
            "APP_ENV",
            &[("development", AppEnv::Development), ("production", AppEnv::Production)],
            AppEnv::Development,
        );
        let http = HttpConfig::read(&mut env, app_env);
        let database = DatabaseConfig::read(&mut env);
        let auth = AuthConfig::read(&mut env, app_env);
        let zerotier = ZeroTierConfig::read(&mut env, app_env);
        let route_servers = RouteServerConfig::read(&mut env);
        let peeringdb_api = env.flag_or("PEERINGDB_API_ENABLED", true).then(|| PeeringDbApiConfig {
            url: auth::url_or(&mut env, "PEERINGDB_API_URL", "https://www.peeringdb.com/api"),
            key: env.secret("PEERINGDB_API_KEY"),
        });
        let log = LogConfig::read(&mut env, app_env);
        let mail = MailConfig::read(&mut env, app_env);
        let (runtime_config_path, runtime_config_optional) = match env.get("ZTIX_RUNTIME_CONFIG_PATH") {
            Some(path) => (PathBuf::from(path), false),
            None => (PathBuf::from("runtime-config.toml"), true),
        };
        let worker_name = env
            .get("WORKER_NAME")
            .or_else(|| env.get("HOSTNAME"))
            .map(|n| n.trim().chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).take(40).collect::<String>())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "worker".to_owned());
        let demo = env.flag_or("ZTIX_DEMO", false);
        if demo && app_env.is_production() {
            env.issue("ZTIX_DEMO", "a demo (simulated controller, demo accounts) is never allowed with APP_ENV=production");
        }
        let issues = env.into_issues();
        if !issues.is_empty() {
            return Err(ConfigError(issues));
        }
        Ok(Self {
            env: app_env,
            http,
            database,
            auth,
            zerotier,
            route_servers,
            peeringdb_api,
            log,
            mail,
            runtime_config_path,
            runtime_config_optional,
            worker_name,
            demo,
        })
    }
}
