use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::auth::is_placeholder;
use super::{AppEnv, EnvSource};

/// Which ZeroTier API authorizes members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// A ZeroTier One node running the embedded network controller (the release path).
    SelfHostedController,
    /// ZeroTier Central (compatibility).
    Central,
}

/// Where the controller token comes from; a file is re-read on `controller token-reload`.
#[derive(Debug, Clone)]
pub enum TokenSource {
    Inline(SecretString),
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct ZeroTierConfig {
    pub provider: ProviderKind,
    pub controller_base_url: Url,
    /// `None` only in development: provisioning then stays blocked and `/readyz` says why.
    pub controller_token: Option<TokenSource>,
    pub central_base_url: Url,
    pub central_token: Option<SecretString>,
    pub state_dir: Option<PathBuf>,
    pub backup_dir: Option<PathBuf>,
    pub backup_retention_count: u32,
}

fn base_url(env: &mut EnvSource, variable: &'static str, default: &str) -> Url {
    let raw = env.string_or(variable, default);
    match Url::parse(raw.trim_end_matches('/')) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            env.issue(variable, format!("'{raw}' is not an absolute http(s) URL"));
            Url::parse(default).expect("defaults are valid URLs")
        }
    }
}

impl ZeroTierConfig {
    pub(super) fn read(env: &mut EnvSource, app_env: AppEnv) -> Self {
        let provider = env.choice_or(
            "ZT_PROVIDER",
            &[("self_hosted_controller", ProviderKind::SelfHostedController), ("central", ProviderKind::Central)],
            ProviderKind::SelfHostedController,
        );
        let controller_base_url = base_url(env, "ZT_CONTROLLER_BASE_URL", "http://127.0.0.1:9993");
        let controller_token = match (env.secret("ZT_CONTROLLER_AUTH_TOKEN"), env.get("ZT_CONTROLLER_AUTH_TOKEN_FILE")) {
            (Some(_), Some(_)) => {
                env.issue("ZT_CONTROLLER_AUTH_TOKEN", "set either ZT_CONTROLLER_AUTH_TOKEN or ZT_CONTROLLER_AUTH_TOKEN_FILE, not both");
                None
            }
            (Some(token), None) => {
                if app_env.is_production() && is_placeholder(token.expose_secret()) {
                    env.issue("ZT_CONTROLLER_AUTH_TOKEN", "is an example value; use the controller's authtoken.secret");
                }
                Some(TokenSource::Inline(token))
            }
            (None, Some(path)) => Some(TokenSource::File(PathBuf::from(path))),
            (None, None) => None,
        };
        if provider == ProviderKind::SelfHostedController && controller_token.is_none() && app_env.is_production() {
            env.issue("ZT_CONTROLLER_AUTH_TOKEN", "ZT_CONTROLLER_AUTH_TOKEN or ZT_CONTROLLER_AUTH_TOKEN_FILE is required with the self-hosted controller");
        }
        let central_base_url = base_url(env, "ZT_CENTRAL_BASE_URL", "https://api.zerotier.com/api/v1");
        let central_token = env.secret("ZT_CENTRAL_API_TOKEN");
        if provider == ProviderKind::Central && central_token.is_none() {
            env.issue("ZT_CENTRAL_API_TOKEN", "is required when ZT_PROVIDER=central");
        }
        let backup_retention_count = env.parse_or("ZT_CONTROLLER_BACKUP_RETENTION_COUNT", 14u32);
        if backup_retention_count == 0 {
            env.issue("ZT_CONTROLLER_BACKUP_RETENTION_COUNT", "must keep at least one backup");
        }
        Self {
            provider,
            controller_base_url,
            controller_token,
            central_base_url,
            central_token,
            state_dir: env.get("ZT_CONTROLLER_STATE_DIR").map(PathBuf::from),
            backup_dir: env.get("ZT_CONTROLLER_BACKUP_DIR").map(PathBuf::from),
            backup_retention_count,
        }
    }
}
