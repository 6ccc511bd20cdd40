use domain::identity::peeringdb::{ClientAuth, PeeringDbSettings};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{AppEnv, EnvSource, EXAMPLE_SECRET_KEY};

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Keys session-token hashing; at least 32 bytes in production.
    pub secret_key: SecretString,
    pub local_auth_enabled: bool,
    /// PeeringDB login; offered only when configured.
    pub peeringdb: Option<PeeringDbSettings>,
    /// `Secure` on the session cookie (production).
    pub secure_cookies: bool,
}

/// Values that are clearly placeholders from documentation or examples.
pub(super) fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret == EXAMPLE_SECRET_KEY || lower.contains("change-me") || lower.contains("changeme")
}

pub(super) fn url_or(env: &mut EnvSource, variable: &'static str, default: &str) -> Url {
    let raw = env.string_or(variable, default);
    match Url::parse(&raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            env.issue(variable, format!("'{raw}' is not an absolute http(s) URL"));
            Url::parse(default).expect("defaults are valid URLs")
        }
    }
}

impl AuthConfig {
    pub(super) fn read(env: &mut EnvSource, app_env: AppEnv) -> Self {
        let secret_key = match env.secret("APP_SECRET_KEY") {
            Some(key) => {
                if app_env.is_production() {
                    if key.expose_secret().len() < 32 {
                        env.issue("APP_SECRET_KEY", "must be at least 32 bytes in production");
                    } else if is_placeholder(key.expose_secret()) {
                        env.issue("APP_SECRET_KEY", "is the development example value; generate one (openssl rand -base64 48)");
                    }
                }
                key
            }
            None if app_env.is_production() => {
                env.issue("APP_SECRET_KEY", "is required in production (at least 32 bytes)");
                SecretString::from(String::new())
            }
            // Development: a fresh key per run; sessions then end at restart, which is fine locally.
            None => SecretString::from(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())),
        };
        let local_auth_enabled = env.flag_or("LOCAL_AUTH_ENABLED", true);
        let peeringdb = Self::read_peeringdb(env, app_env);
        Self { secret_key, local_auth_enabled, peeringdb, secure_cookies: app_env.is_production() }
    }

    fn read_peeringdb(env: &mut EnvSource, app_env: AppEnv) -> Option<PeeringDbSettings> {
        const REQUIRED: [&str; 3] = ["PEERINGDB_CLIENT_ID", "PEERINGDB_CLIENT_SECRET", "PEERINGDB_REDIRECT_URI"];
        let set: Vec<_> = REQUIRED.iter().filter(|v| env.is_set(v)).collect();
        if set.is_empty() {
            return None;
        }
        if set.len() < REQUIRED.len() {
            let missing: Vec<&'static str> = REQUIRED.into_iter().filter(|v| !env.is_set(v)).collect();
            for variable in missing {
                env.issue(variable, "is required when PeeringDB login is configured (the other PEERINGDB_CLIENT_*/REDIRECT_URI are set)");
            }
            return None;
        }
        let client_secret = env.secret("PEERINGDB_CLIENT_SECRET")?;
        if app_env.is_production() && is_placeholder(client_secret.expose_secret()) {
            env.issue("PEERINGDB_CLIENT_SECRET", "is an example value; use the secret PeeringDB issued");
        }
        let redirect_uri = url_or(env, "PEERINGDB_REDIRECT_URI", "http://127.0.0.1:3000/auth/callback");
        let client_auth = env.choice_or(
            "PEERINGDB_TOKEN_AUTH_METHOD",
            &[("client_secret_post", ClientAuth::Post), ("client_secret_basic", ClientAuth::Basic)],
            ClientAuth::Post,
        );
        Some(PeeringDbSettings {
            client_id: env.get("PEERINGDB_CLIENT_ID")?,
            client_secret,
            redirect_uri,
            auth_url: url_or(env, "PEERINGDB_AUTH_URL", "https://auth.peeringdb.com/oauth2/authorize/"),
            token_url: url_or(env, "PEERINGDB_TOKEN_URL", "https://auth.peeringdb.com/oauth2/token/"),
            profile_url: url_or(env, "PEERINGDB_PROFILE_URL", "https://auth.peeringdb.com/profile/v1"),
            jwks_url: url_or(env, "PEERINGDB_JWKS_URL", "https://auth.peeringdb.com/oauth2/.well-known/jwks.json"),
            issuer: env.string_or("PEERINGDB_ISSUER", "https://auth.peeringdb.com/oauth2"),
            client_auth,
        })
    }
}
