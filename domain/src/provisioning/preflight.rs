//! The controller lifecycle: preflight (reachable, token accepted, controller address
//! read, networks checked), network reconcile, token reload. While preflight fails,
//! provisioning is blocked and `/readyz` says why.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use tokio::sync::Notify;

use super::{ControllerNetworkSpec, ProviderError, ProviderErrorKind, ZeroTierProvider};
use crate::settings::{ConfiguredNetwork, NetworkSettings};
use crate::types::ControllerAddress;

/// Where the controller's API token comes from.
#[derive(Debug, Clone)]
pub enum TokenSource {
    Inline(SecretString),
    /// Re-read on `token-reload` (and when its contents change).
    File(PathBuf),
    Missing,
}

/// Why there is no token at all.
const NO_TOKEN: &str = "no controller API token is configured (ZT_CONTROLLER_AUTH_TOKEN or ZT_CONTROLLER_AUTH_TOKEN_FILE)";

impl TokenSource {
    /// The token; a file is read again each time (without blocking the runtime).
    pub async fn read(&self) -> Result<SecretString, String> {
        match self {
            Self::Inline(token) => Ok(token.clone()),
            Self::File(path) => tokio::fs::read_to_string(path)
                .await
                .map(|t| t.trim().to_owned())
                .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))
                .and_then(|t| if t.is_empty() { Err(format!("the token file {} is empty", path.display())) } else { Ok(SecretString::from(t)) }),
            Self::Missing => Err(NO_TOKEN.into()),
        }
    }
}

/// The last preflight's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreflightStatus {
    NotRun,
    Passed { controller: Option<ControllerAddress>, at: DateTime<Utc> },
    Failed { reason: String, at: DateTime<Utc> },
}

impl PreflightStatus {
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed { .. })
    }
}

/// The provisioning side of the portal: the provider, its preflight state, and the
/// signal that wakes the worker.
#[derive(Debug)]
pub struct Provisioning {
    provider: Option<Arc<dyn ZeroTierProvider>>,
    token: TokenSource,
    status: RwLock<PreflightStatus>,
    wake: Notify,
}

impl Provisioning {
    pub fn new(provider: Option<Arc<dyn ZeroTierProvider>>, token: TokenSource) -> Self {
        Self { provider, token, status: RwLock::new(PreflightStatus::NotRun), wake: Notify::new() }
    }

    /// No provider configured: preflight always fails and says so.
    pub fn unconfigured() -> Self {
        Self::new(None, TokenSource::Missing)
    }

    pub fn provider(&self) -> Result<&Arc<dyn ZeroTierProvider>, ProviderError> {
        self.provider.as_ref().ok_or_else(|| {
            ProviderError::new(
                ProviderErrorKind::Configuration,
                "provisioning",
                "the portal configuration",
                match self.token {
                    TokenSource::Missing => NO_TOKEN,
                    _ => "no ZeroTier provider is configured",
                },
            )
        })
    }

    pub fn status(&self) -> PreflightStatus {
        self.status.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, status: PreflightStatus) {
        *self.status.write().unwrap_or_else(|e| e.into_inner()) = status;
    }

    /// Wakes the worker at once (a request was approved or retried).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Re-reads the token (a token file may have been rotated) and gives it to the provider.
    pub async fn reload_token(&self) -> Result<(), String> {
        let token = self.token.read().await?;
        if let Some(provider) = &self.provider {
            provider.set_token(token);
        }
        Ok(())
    }

    /// Reachable, token accepted, controller address read. Records the outcome.
    pub async fn preflight(&self) -> Result<Option<ControllerAddress>, ProviderError> {
        let result = self.check().await;
        self.record_result(&result);
        result
    }

    /// The preflight checks, without recording their outcome.
    pub(crate) async fn check(&self) -> Result<Option<ControllerAddress>, ProviderError> {
        if let TokenSource::File(_) = self.token {
            self.reload_token().await.map_err(|e| {
                ProviderError::new(ProviderErrorKind::Configuration, "reading the controller token", "ZT_CONTROLLER_AUTH_TOKEN_FILE", e)
            })?;
        }
        self.provider()?.check().await
    }

    pub(crate) fn record_result<T>(&self, result: &Result<T, ProviderError>)
    where
        T: Into<Option<ControllerAddress>> + Clone,
    {
        match result {
            Ok(controller) => self.record(PreflightStatus::Passed { controller: controller.clone().into(), at: Utc::now() }),
            Err(e) => self.record(PreflightStatus::Failed { reason: e.to_string(), at: Utc::now() }),
        }
    }

    /// Creates or corrects each configured network on the controller. Returns the ids
    /// and whether each changed.
    pub async fn reconcile(&self, networks: &[ConfiguredNetwork]) -> Result<Vec<(String, bool)>, ProviderError> {
        let provider = self.provider()?;
        let mut changes = Vec::new();
        for network in networks {
            let spec = ControllerNetworkSpec { id: network.id.clone(), name: network.name.clone(), ipv6_prefix: network.ipv6_prefix };
            let changed = provider.reconcile_network(&spec).await?;
            changes.push((network.id.to_string(), changed));
        }
        Ok(changes)
    }
}

/// Full network ids for the configured networks, given the controller's address.
pub fn resolve_networks(
    configured: &[NetworkSettings],
    controller: Option<&ControllerAddress>,
) -> Result<Vec<ConfiguredNetwork>, crate::types::InvalidValue> {
    configured.iter().enumerate().map(|(i, n)| n.resolve(i, controller)).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Provisioning, TokenSource};
    use crate::provisioning::{provider, ProviderKind, ProviderSettings};

    #[test]
    fn tokens_never_appear_in_debug_output() {
        for kind in [ProviderKind::SelfHostedController, ProviderKind::Central] {
            let settings = ProviderSettings {
                base_url: "http://127.0.0.1:9993".parse().unwrap(),
                token: "s3cret-token-value".to_owned().into(),
                timeout: Duration::from_secs(1),
                transient_retries: 0,
                backoff: Duration::from_millis(1),
            };
            let printed_settings = format!("{settings:?}");
            let provisioning = Provisioning::new(
                Some(provider(kind, settings).unwrap()),
                TokenSource::Inline("s3cret-token-value".to_owned().into()),
            );
            let printed = format!("{printed_settings} {provisioning:?}");
            assert!(!printed.contains("s3cret"), "{printed}");
            assert!(printed.contains("REDACTED"), "{printed}");
        }
    }
}
