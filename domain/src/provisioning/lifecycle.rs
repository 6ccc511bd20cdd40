//! Bringing provisioning up: preflight, then the configured networks resolved to full
//! ids, synced into `zt_network`, and created or corrected on the controller.

use super::preflight::resolve_networks;
use super::ProviderError;
use crate::networks::{self, SyncReport};
use crate::settings::NetworkRef;
use crate::types::ControllerAddress;
use crate::Services;

/// What `bring_up` did.
#[derive(Debug, Default)]
pub struct BringUpReport {
    pub controller: Option<ControllerAddress>,
    pub synced: SyncReport,
    /// Network ids and whether each was changed on the controller.
    pub reconciled: Vec<(String, bool)>,
}

/// Runs preflight and, when it passes, syncs and reconciles the configured networks.
/// Provisioning counts as ready only when all of it succeeded.
pub async fn bring_up(services: &Services) -> Result<BringUpReport, ProviderError> {
    let result = bring_up_inner(services).await;
    services.provisioning.record_result(&result.as_ref().map(|r| r.controller.clone()).map_err(Clone::clone));
    result
}

async fn bring_up_inner(services: &Services) -> Result<BringUpReport, ProviderError> {
    let controller = services.provisioning.check().await?;
    let configured = resolve_networks(&services.settings.networks, controller.as_ref()).map_err(|e| {
        ProviderError::new(super::ProviderErrorKind::Configuration, "resolving the configured networks", "the runtime configuration", e.0)
    })?;
    let synced = networks::sync_configured(&services.db, &configured)
        .await
        .map_err(|e| ProviderError::new(super::ProviderErrorKind::Configuration, "syncing networks", "the database", e.to_string()))?;
    let reconciled = services.provisioning.reconcile(&configured).await?;
    Ok(BringUpReport { controller, synced, reconciled })
}

/// Syncs the configured networks without the controller: possible when no network is
/// named by a suffix, or when the controller's address can be read from networks synced
/// before. Otherwise nothing is changed (so no network is wrongly deactivated).
pub async fn sync_offline(services: &Services) -> Result<Option<SyncReport>, sea_orm::DbErr> {
    let settings = &services.settings.networks;
    let mut address = None;
    if settings.iter().any(|n| matches!(n.reference(), NetworkRef::Suffix(_))) {
        let known = networks::list(&services.db).await?;
        let candidates: std::collections::BTreeSet<String> = settings
            .iter()
            .filter_map(|n| match n.reference() {
                NetworkRef::Suffix(s) => Some(s),
                NetworkRef::Id(_) => None,
            })
            .flat_map(|suffix| known.iter().filter(move |k| k.id.ends_with(suffix.as_str())).map(|k| k.id[..10].to_owned()))
            .collect();
        match candidates.into_iter().collect::<Vec<_>>().as_slice() {
            [only] => address = ControllerAddress::parse(only).ok(),
            _ => return Ok(None),
        }
    }
    match resolve_networks(settings, address.as_ref()) {
        Ok(configured) => Ok(Some(networks::sync_configured(&services.db, &configured).await?)),
        Err(_) => Ok(None),
    }
}
