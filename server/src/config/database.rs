use secrecy::{ExposeSecret, SecretString};

use super::EnvSource;

/// The database, chosen by URL scheme. The URL may hold a password, so it is a secret.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
    /// Connections in the pool (`DATABASE_MAX_CONNECTIONS`).
    pub max_connections: u32,
}

impl DatabaseConfig {
    pub const DEFAULT_URL: &'static str = "sqlite://zt-ix.db?mode=rwc";

    pub(super) fn read(env: &mut EnvSource) -> Self {
        let url = env.string_or("DATABASE_URL", Self::DEFAULT_URL);
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            env.issue("DATABASE_URL", "must start with sqlite: or postgres://");
        }
        // SQLite writes one at a time and each connection is a thread: a few connections
        // serve best; PostgreSQL gains from more.
        let default_connections = if url.starts_with("sqlite:") { 4 } else { 16 };
        let max_connections = env.parse_or("DATABASE_MAX_CONNECTIONS", default_connections);
        if !(1..=1000).contains(&max_connections) {
            env.issue("DATABASE_MAX_CONNECTIONS", "must be between 1 and 1000");
        }
        Self { url: SecretString::from(url), max_connections }
    }

    /// The pool settings of the server.
    pub fn pool(&self) -> domain::db::PoolSettings {
        domain::db::PoolSettings { max_connections: self.max_connections.clamp(1, 1000), ..Default::default() }
    }

    /// `sqlite` or `postgres`, for logs.
    pub fn backend_name(&self) -> &'static str {
        if self.url.expose_secret().starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        }
    }
}
