//! The worker's periodic passes beside provisioning: route-server policy, BGP sessions
//! and node states, and drift repair.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Worker;
use crate::Services;

/// Runs `pass` every `seconds` until `shutdown` (0: never); the first run is at once
/// when `at_once`, else after one interval.
fn every<F, Fut>(services: &Services, seconds: u32, at_once: bool, shutdown: CancellationToken, pass: F)
where
    F: Fn(Services) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    if seconds == 0 {
        return;
    }
    let services = services.clone();
    tokio::spawn(async move {
        let interval = Duration::from_secs(seconds.into());
        if !at_once {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(interval) => {}
            }
        }
        loop {
            pass(services.clone()).await;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(interval) => {}
            }
        }
    });
}

impl Worker {
    /// Keeps PeeringDB records and IRR expansions current every
    /// `worker.policy_interval_seconds` (each record on its own schedule).
    pub(super) fn refresh_policy_periodically(&self, shutdown: CancellationToken) {
        if self.services.peeringdb_api.is_none() && self.services.settings.irr.host.is_none() {
            return;
        }
        every(&self.services, self.services.settings.worker.policy_interval_seconds, true, shutdown, async |services| {
            match crate::policy::refresh(&services).await {
                Ok(report) if !report.changed.is_empty() => tracing::info!(changed = report.changed.len(), "route-server policy changed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "route-server policy pass failed on the database"),
            }
        });
    }

    /// Reads the BGP sessions on every route server and the members' node states every
    /// `worker.sessions_interval_seconds`.
    pub(super) fn read_sessions_periodically(&self, shutdown: CancellationToken) {
        every(&self.services, self.services.settings.worker.sessions_interval_seconds, true, shutdown, async |services| {
            if let Err(e) = crate::sessions::pass(&services).await {
                tracing::warn!(error = %e, "storing the BGP sessions failed on the database");
            }
            if let Err(e) = crate::sessions::nodes::refresh(&services).await {
                tracing::warn!(error = %e, "storing the node states failed on the database");
            }
        });
    }

    /// Compares the members' PeeringDB entries with the portal every
    /// `peeringdb.netixlan_interval_seconds` (with an `ixlan_id` configured).
    pub(super) fn check_peeringdb_periodically(&self, shutdown: CancellationToken) {
        if self.services.settings.peeringdb.ixlan_id.is_none() || self.services.peeringdb_api.is_none() {
            return;
        }
        every(&self.services, self.services.settings.peeringdb.netixlan_interval_seconds, true, shutdown, async |services| {
            if let Err(e) = crate::exchange::netixlan::pass(&services).await {
                tracing::warn!(error = %e, "storing the PeeringDB check failed on the database");
            }
        });
    }

    /// Delivers the notification outbox (e-mail and webhooks) until `shutdown`.
    pub(super) fn send_notifications(&self, shutdown: CancellationToken) {
        tokio::spawn(crate::notify::Sender::new(self.services.clone()).run(shutdown));
    }

    /// Checks for drift every `worker.reconcile_interval_seconds` and repairs it.
    pub(super) fn repair_drift_periodically(&self, shutdown: CancellationToken) {
        every(&self.services, self.services.settings.worker.reconcile_interval_seconds, false, shutdown, async |services| {
            crate::provisioning::reconcile::pass(&services).await
        });
    }
}
