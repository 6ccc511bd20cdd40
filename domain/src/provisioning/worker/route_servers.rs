//! The route-server step of provisioning and convergence: the request's peer file on
//! every route server, installed or removed, each host's outcome audited.

use sea_orm::DbErr;
use uuid::Uuid;

use super::{Context, Worker};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::provisioning::failure::{Failure, FailureCode};
use crate::routeservers::{self, FileChange, HostOutcome, PeerConfig};

/// A peer file to put on every route server, or the name of one to take away.
pub(super) enum PeerFile {
    Install(PeerConfig),
    Remove(String),
}

impl Worker {
    /// The request's peer file, active or shut down, with its route-server policy.
    pub(super) async fn peer_file(&self, request: &crate::entities::join_request::Model, context: &Context, ip: std::net::Ipv6Addr, shut_down: bool) -> Result<PeerFile, Failure> {
        crate::policy::peer_config(&self.services, request, vec![ip.into()], &context.network_name, shut_down)
            .await
            .map(PeerFile::Install)
            .map_err(|e| super::internal("Reading the route-server policy", &e))
    }

    /// Installs or removes the request's peer file on every route server; all must
    /// succeed. Each host's outcome goes into the audit trail.
    pub(super) async fn change_route_servers(&self, request_id: Uuid, file: PeerFile) -> Result<(), Failure> {
        let db = &self.services.db;
        let worker = Actor::System(SystemActor::Worker);
        let audit_failed = |e: DbErr| Failure::new(FailureCode::Internal, format!("Recording the route-server outcome failed on the database ({e}); retry the request."));
        let Some(settings) = &self.services.route_servers else {
            audit::record(db, AuditEntry::new(worker, AuditAction::RouteServersSkipped, "join_request", request_id).with("reason", "no route servers are configured"))
                .await
                .map_err(audit_failed)?;
            return Ok(());
        };
        let (name, results, done) = match &file {
            PeerFile::Install(peer) => (peer.file_name(), routeservers::push(settings, peer).await, AuditAction::RouteServerApplied),
            PeerFile::Remove(name) => (name.clone(), routeservers::change_everywhere(settings, name, FileChange::Remove).await, AuditAction::RouteServerRemoved),
        };
        for result in &results {
            let entry = match &result.outcome {
                HostOutcome::Applied { changed } => AuditEntry::new(worker, done, "join_request", request_id)
                    .with("host", result.host.as_str())
                    .with("file", name.as_str())
                    .with("changed", *changed),
                HostOutcome::Failed { step, detail } => AuditEntry::new(worker, AuditAction::RouteServerFailed, "join_request", request_id)
                    .with("host", result.host.as_str())
                    .with("step", *step)
                    .with("detail", detail.as_str())
                    .with("rolled_back", true),
            };
            audit::record(db, entry).await.map_err(audit_failed)?;
        }
        match routeservers::failure_summary(&results) {
            Some(summary) => Err(Failure::new(FailureCode::RouteServerFailed, summary)),
            None => Ok(()),
        }
    }

}
