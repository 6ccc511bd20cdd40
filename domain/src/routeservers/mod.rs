//! BIRD route servers (SPEC §7): a deterministic peer file per request, pushed over SSH
//! to every configured route server, checked, applied with a timed `configure`, and
//! confirmed — or rolled back on that host.
//!
//! The system OpenSSH client does the transport: host keys are checked strictly against
//! the configured known-hosts file, with the operator's usual OpenSSH behaviour.

mod filter;
mod render;
mod ssh;

use std::path::PathBuf;
use std::time::Duration;

pub use filter::{EmptySet, Hygiene, IrrMode, IrrPolicy, IrrSets, PrefixRule, Reason, DEFAULT_TRANSIT_FREE, TAG_OFFSET};
pub use render::PeerConfig;
pub use ssh::{apply_script, birdc, list, probe, FileChange, HostOutcome, HostResult, HostTurns, ProbeOutcome};

/// One route server as configured (`host` or `host:port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteServer {
    /// Exactly as written in `ROUTE_SERVER_HOSTS`; errors name hosts this way.
    pub label: String,
    pub host: String,
    pub port: u16,
}

/// How to reach the route servers and what to configure on them.
#[derive(Debug, Clone)]
pub struct RouteServerSettings {
    pub hosts: Vec<RouteServer>,
    pub user: String,
    pub private_key: PathBuf,
    pub known_hosts: PathBuf,
    pub connect_timeout: Duration,
    pub remote_dir: String,
    pub local_asn: crate::types::Asn,
    /// `birdc configure timeout N`: BIRD undoes the change unless it is confirmed in time.
    pub configure_timeout: Duration,
    /// Orders this process's pushes, one at a time per host.
    pub turns: HostTurns,
}

/// Pushes `peer` to every route server at once; one result per host, in configuration order.
pub async fn push(settings: &RouteServerSettings, peer: &PeerConfig) -> Vec<HostResult> {
    let content = peer.render();
    change_everywhere(settings, &peer.file_name(), FileChange::Write(&content)).await
}

/// Writes or removes the file `name` on every route server at once, each with the same
/// per-host sequence (change, check, timed configure, confirm; rollback on that host).
pub async fn change_everywhere(settings: &RouteServerSettings, name: &str, change: FileChange<'_>) -> Vec<HostResult> {
    let changes = settings.hosts.iter().map(|host| ssh::apply(settings, host, name, change));
    futures::future::join_all(changes).await
}

/// Changes one file on one host (a stray file found by the drift check).
pub async fn change_on(settings: &RouteServerSettings, host: &RouteServer, name: &str, change: FileChange<'_>) -> HostResult {
    ssh::apply(settings, host, name, change).await
}

/// The request's `last_error` when some hosts failed: each failed host, as configured,
/// with the step and what it said.
pub fn failure_summary(results: &[HostResult]) -> Option<String> {
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            HostOutcome::Applied { .. } => None,
            HostOutcome::Failed { step, detail } => Some(format!("{} failed at {step}: {detail}", r.host)),
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    Some(format!(
        "Route server configuration failed on {} of {} hosts ({}); those hosts were rolled back. \
         Fix the route server, then retry the request.",
        failed.len(),
        results.len(),
        failed.join("; ")
    ))
}
