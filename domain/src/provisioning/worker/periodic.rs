//! The worker's periodic passes beside provisioning: route-server policy, BGP sessions
//! and node states, and drift repair.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Worker;

impl Worker {
    /// Keeps PeeringDB records and IRR expansions current every
    /// `worker.policy_interval_seconds` (each record on its own schedule).
    pub(super) fn refresh_policy_periodically(&self, shutdown: CancellationToken) {
        let seconds = self.services.settings.worker.policy_interval_seconds;
        if seconds == 0 || (self.services.peeringdb_api.is_none() && self.services.settings.irr.host.is_none()) {
            return;
        }
        let services = self.services.clone();
        tokio::spawn(async move {
            let every = Duration::from_secs(seconds.into());
            loop {
                match crate::policy::refresh(&services).await {
                    Ok(report) if !report.changed.is_empty() => tracing::info!(changed = report.changed.len(), "route-server policy changed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "route-server policy pass failed on the database"),
                }
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
    }

    /// Reads the BGP sessions on every route server and the members' node states every
    /// `worker.sessions_interval_seconds`.
    pub(super) fn read_sessions_periodically(&self, shutdown: CancellationToken) {
        let seconds = self.services.settings.worker.sessions_interval_seconds;
        if seconds == 0 {
            return;
        }
        let services = self.services.clone();
        tokio::spawn(async move {
            let every = Duration::from_secs(seconds.into());
            loop {
                if let Err(e) = crate::sessions::pass(&services).await {
                    tracing::warn!(error = %e, "storing the BGP sessions failed on the database");
                }
                if let Err(e) = crate::sessions::nodes::refresh(&services).await {
                    tracing::warn!(error = %e, "storing the node states failed on the database");
                }
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
    }

    /// Checks for drift every `worker.reconcile_interval_seconds` and repairs it.
    pub(super) fn repair_drift_periodically(&self, shutdown: CancellationToken) {
        let seconds = self.services.settings.worker.reconcile_interval_seconds;
        if seconds == 0 {
            return;
        }
        let services = self.services.clone();
        tokio::spawn(async move {
            let every = Duration::from_secs(seconds.into());
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(every) => crate::provisioning::reconcile::pass(&services).await,
                }
            }
        });
    }
}
