//! Services as a separate worker process has them: their own pool on the shared
//! database and their own provider, pointed at a controller.

use std::time::Duration;

use domain::identity::{IdentityConfig, SessionKey};
use domain::provisioning::preflight::{Provisioning, TokenSource};
use domain::provisioning::{self, ProviderKind, ProviderSettings};
use domain::{RuntimeSettings, Services};

pub async fn worker_services(database_url: &str, controller_url: &str, token: &str, runtime_toml: &str) -> Services {
    let settings = RuntimeSettings::from_toml(runtime_toml, "test").expect("runtime config");
    let db = domain::db::connect(database_url, &domain::db::PoolSettings::default()).await.expect("database");
    let provider = provisioning::provider(
        ProviderKind::SelfHostedController,
        ProviderSettings {
            base_url: controller_url.parse().expect("controller URL"),
            token: token.to_owned().into(),
            timeout: Duration::from_secs(5),
            transient_retries: 2,
            backoff: Duration::from_millis(20),
        },
    )
    .expect("provider");
    let identity = IdentityConfig {
        session_key: SessionKey::new(secrecy::SecretString::from("worker".to_owned())),
        local_auth_enabled: true,
        secure_cookies: false,
        peeringdb: None,
        require_totp_for_admins: false,
    };
    Services::new(db, settings, identity).with_provisioning(Provisioning::new(Some(provider), TokenSource::Inline(token.to_owned().into())))
}
