use secrecy::{ExposeSecret, SecretString};

use super::EnvSource;

/// The database, chosen by URL scheme. The URL may hold a password, so it is a secret.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
}

impl DatabaseConfig {
    pub const DEFAULT_URL: &'static str = "sqlite://zt-ix.db?mode=rwc";

    pub(super) fn read(env: &mut EnvSource) -> Self {
        let url = env.string_or("DATABASE_URL", Self::DEFAULT_URL);
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            env.issue("DATABASE_URL", "must start with sqlite: or postgres://");
        }
        Self { url: SecretString::from(url) }
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
