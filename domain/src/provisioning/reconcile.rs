//! The drift check: compares the controller and every route server with what the
//! database says each membership should be, and repairs what differs. Run periodically
//! by the worker (`worker.reconcile_interval_seconds`) and on demand by
//! `zt-ix reconcile [--dry-run]`.
//!
//! A network whose settings or flow rules were changed on the controller is set back.
//! A member deleted or changed by hand, or a peer file missing or altered, marks its
//! request due for convergence (the worker then writes it back as for any other change);
//! a stray `ztix-*.conf` whose request is not a member any more is removed from that
//! host. Requests already due or in a worker's hands are left to the worker. Each
//! repair is audited.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::worker::Desired;
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::{join_request, zt_ipv6_assignment, zt_network};
use crate::routeservers::{self, FileChange, HostOutcome, PeerConfig};
use crate::types::{NetworkId, NodeId};
use crate::workflow::RequestStatus;
use crate::Services;

/// Where a difference was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Controller,
    /// A route server, as configured.
    RouteServer(String),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Controller => f.write_str("controller"),
            Self::RouteServer(host) => write!(f, "route server {host}"),
        }
    }
}

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftKind {
    /// An active member is not on the controller.
    MemberMissing,
    /// An active member is deauthorized or has other addresses on the controller.
    MemberChanged,
    /// A suspended member is authorized on the controller.
    MemberAuthorized,
    PeerFileMissing,
    PeerFileAltered,
    /// A peer file of a request that is not a member (removed, withdrawn, unknown).
    StrayPeerFile,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MemberMissing => "member_missing",
            Self::MemberChanged => "member_changed",
            Self::MemberAuthorized => "member_authorized",
            Self::PeerFileMissing => "peer_file_missing",
            Self::PeerFileAltered => "peer_file_altered",
            Self::StrayPeerFile => "stray_peer_file",
        }
    }
}

/// One difference between the database and the outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub kind: DriftKind,
    pub place: Place,
    pub request_id: Uuid,
    /// The request's status as read (a repair only applies while it still holds).
    pub status: Option<RequestStatus>,
    pub detail: String,
}

/// What one check found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub drift: Vec<Drift>,
    /// Configured networks whose settings or flow rules differ on the controller: (id, name).
    pub networks: Vec<(String, String)>,
    /// Places that could not be read, with why; nothing there was compared.
    pub unreachable: Vec<(Place, String)>,
}

/// A member request as the check compares it.
struct Expected {
    request: join_request::Model,
    ip: String,
    file: String,
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The peer file a member request should have on every route server.
async fn peer_file(services: &Services, request: &join_request::Model, ip: &str, network_name: &str) -> Result<Option<String>, DbErr> {
    let (Some(_), Ok(ip)) = (services.route_servers.as_ref(), ip.parse()) else { return Ok(None) };
    let shut_down = request.status == RequestStatus::Suspended;
    Ok(Some(crate::policy::peer_config(services, request, vec![ip], network_name, shut_down).await?.render()))
}

/// Compares the controller and every route server with the database; changes nothing.
pub async fn check(services: &Services) -> Result<Report, DbErr> {
    let db = &services.db;
    let names: HashMap<String, String> = zt_network::Entity::find().all(db).await?.into_iter().map(|n| (n.id, n.name)).collect();
    let all = join_request::Entity::find().find_also_related(zt_ipv6_assignment::Entity).all(db).await?;
    let mut expected = Vec::new();
    // Requests the worker is (or will be) changing: their files are in motion.
    let mut in_motion = HashSet::new();
    let mut known: HashMap<Uuid, RequestStatus> = HashMap::new();
    for (request, ip) in all {
        known.insert(request.id, request.status);
        let settled = request.sync_due_at.is_none() && request.lease_owner.is_none();
        if !settled || matches!(request.status, RequestStatus::Approved | RequestStatus::Provisioning | RequestStatus::Failed) {
            in_motion.insert(request.id);
            continue;
        }
        if !matches!(Desired::of(request.status), Some(Desired::Member | Desired::Paused)) {
            continue;
        }
        let Some(ip) = ip.map(|a| a.assigned_ip) else { continue };
        let name = names.get(&request.zt_network_id).map_or(request.zt_network_id.as_str(), String::as_str);
        let file = peer_file(services, &request, &ip, name).await?.unwrap_or_default();
        expected.push(Expected { request, ip, file });
    }
    let mut report = Report::default();
    check_networks(services, &mut report).await;
    check_controller(services, &expected, &mut report).await;
    check_route_servers(services, &expected, &known, &in_motion, &mut report).await;
    report.drift.sort_by(|a, b| (&a.place, a.request_id, a.kind).cmp(&(&b.place, b.request_id, b.kind)));
    Ok(report)
}

/// The configured networks as the controller should have them.
async fn configured(services: &Services) -> Result<Vec<crate::settings::ConfiguredNetwork>, String> {
    let provider = services.provisioning.provider().map_err(|e| e.to_string())?;
    let controller = provider.check().await.map_err(|e| e.to_string())?;
    super::preflight::resolve_networks(&services.settings.networks, controller.as_ref()).map_err(|e| e.0)
}

async fn check_networks(services: &Services, report: &mut Report) {
    let (networks, provider) = match (configured(services).await, services.provisioning.provider()) {
        (Ok(networks), Ok(provider)) => (networks, provider),
        (Err(e), _) => return report.unreachable.push((Place::Controller, e)),
        (_, Err(e)) => return report.unreachable.push((Place::Controller, e.to_string())),
    };
    for network in networks {
        let spec = super::ControllerNetworkSpec { id: network.id.clone(), name: network.name.clone(), ipv6_prefix: network.ipv6_prefix };
        match provider.network_as_configured(&spec).await {
            Ok(true) => {}
            Ok(false) => report.networks.push((network.id.to_string(), network.name.clone())),
            Err(e) => return report.unreachable.push((Place::Controller, e.to_string())),
        }
    }
}

async fn check_controller(services: &Services, expected: &[Expected], report: &mut Report) {
    let provider = match services.provisioning.provider() {
        Ok(provider) => provider,
        Err(e) => return report.unreachable.push((Place::Controller, e.to_string())),
    };
    for item in expected {
        let request = &item.request;
        let (Ok(network), Some(Ok(node))) = (NetworkId::parse(&request.zt_network_id), request.node_id.as_deref().map(NodeId::parse)) else {
            continue;
        };
        let remote = match provider.member(&network, &node).await {
            Ok(remote) => remote,
            Err(e) => return report.unreachable.push((Place::Controller, e.to_string())),
        };
        let found = |kind, detail: String| Drift { kind, place: Place::Controller, request_id: request.id, status: Some(request.status), detail };
        let ours = remote.as_ref().is_none_or(|m| m.request_id.is_none_or(|r| r == request.id));
        match (request.status, remote) {
            (RequestStatus::Active, None) => report.drift.push(found(DriftKind::MemberMissing, format!("node {node} is not on network {network}"))),
            (RequestStatus::Active, Some(m)) if ours && (!m.authorized || m.ip_assignments != [item.ip.clone()]) => report.drift.push(found(
                DriftKind::MemberChanged,
                format!("node {node} is authorized: {}, with {:?} (want authorized with [{}])", m.authorized, m.ip_assignments, item.ip),
            )),
            (RequestStatus::Suspended, Some(m)) if ours && m.authorized => {
                report.drift.push(found(DriftKind::MemberAuthorized, format!("node {node} is authorized, but the member is suspended")))
            }
            _ => {}
        }
    }
}

async fn check_route_servers(
    services: &Services,
    expected: &[Expected],
    known: &HashMap<Uuid, RequestStatus>,
    in_motion: &HashSet<Uuid>,
    report: &mut Report,
) {
    let Some(settings) = &services.route_servers else { return };
    let want: BTreeMap<String, (&Expected, String)> =
        expected.iter().map(|e| (PeerConfig::file_name_of(e.request.id), (e, sha256_hex(&e.file)))).collect();
    for host in &settings.hosts {
        let place = Place::RouteServer(host.label.clone());
        let files: HashMap<String, String> = match routeservers::list(settings, host).await {
            Ok(files) => files.into_iter().collect(),
            Err(e) => {
                report.unreachable.push((place, e));
                continue;
            }
        };
        for (name, (item, hash)) in &want {
            let drift = |kind, detail: String| Drift { kind, place: place.clone(), request_id: item.request.id, status: Some(item.request.status), detail };
            match files.get(name) {
                None => report.drift.push(drift(DriftKind::PeerFileMissing, format!("{name} is missing"))),
                Some(found) if found != hash => report.drift.push(drift(DriftKind::PeerFileAltered, format!("{name} differs from what the portal wrote"))),
                Some(_) => {}
            }
        }
        for name in files.keys().filter(|name| !want.contains_key(*name)) {
            let Some(request_id) = PeerConfig::request_of(name) else { continue };
            if in_motion.contains(&request_id) {
                continue;
            }
            let status = known.get(&request_id).copied();
            let why = status.map_or_else(|| "no such request".to_owned(), |s| format!("the request is {s}"));
            report.drift.push(Drift { kind: DriftKind::StrayPeerFile, place: place.clone(), request_id, status, detail: format!("{name}: {why}") });
        }
    }
}

/// What a repair did.
#[derive(Debug, Clone, Default)]
pub struct Repaired {
    /// Requests marked due for convergence.
    pub marked: Vec<Uuid>,
    /// Stray files removed: (host, file).
    pub removed: Vec<(String, String)>,
    /// Networks set back to their configured settings and flow rules.
    pub networks: Vec<String>,
    /// Repairs that failed, with why.
    pub failed: Vec<String>,
}

/// Repairs what `report` found: requests marked due (once each, audited per
/// difference), strays removed from their host (audited). Wakes the workers.
pub async fn repair(services: &Services, report: &Report) -> Result<Repaired, DbErr> {
    let db = &services.db;
    let actor = Actor::System(SystemActor::Reconciler);
    let mut done = Repaired::default();
    if !report.networks.is_empty() {
        repair_networks(services, &mut done).await?;
    }
    let mut by_request: BTreeMap<Uuid, Vec<&Drift>> = BTreeMap::new();
    for drift in report.drift.iter().filter(|d| d.kind != DriftKind::StrayPeerFile) {
        by_request.entry(drift.request_id).or_default().push(drift);
    }
    for (id, drifts) in by_request {
        let txn = db.begin().await?;
        let mut update = join_request::Entity::update_many()
            .col_expr(join_request::Column::SyncDueAt, Expr::value(Utc::now()))
            .col_expr(join_request::Column::SyncAttempts, Expr::value(0))
            .filter(join_request::Column::Id.eq(id))
            .filter(join_request::Column::SyncDueAt.is_null());
        if let Some(status) = drifts[0].status {
            update = update.filter(join_request::Column::Status.eq(status));
        }
        if update.exec(&txn).await?.rows_affected == 0 {
            continue;
        }
        for drift in drifts {
            audit::record(
                &txn,
                AuditEntry::new(actor, AuditAction::ReconcileDriftFound, "join_request", id)
                    .with("kind", drift.kind.as_str())
                    .with("place", drift.place.to_string())
                    .with("detail", drift.detail.as_str()),
            )
            .await?;
        }
        txn.commit().await?;
        done.marked.push(id);
    }
    if let Some(settings) = &services.route_servers {
        for drift in report.drift.iter().filter(|d| d.kind == DriftKind::StrayPeerFile) {
            let Place::RouteServer(label) = &drift.place else { continue };
            let Some(host) = settings.hosts.iter().find(|h| &h.label == label) else { continue };
            let name = PeerConfig::file_name_of(drift.request_id);
            let result = routeservers::change_on(settings, host, &name, FileChange::Remove).await;
            let entry = AuditEntry::new(actor, AuditAction::ReconcileStrayRemoved, "join_request", drift.request_id)
                .with("host", label.as_str())
                .with("file", name.as_str());
            match result.outcome {
                HostOutcome::Applied { .. } => {
                    audit::record(db, entry.with("removed", true)).await?;
                    done.removed.push((label.clone(), name));
                }
                HostOutcome::Failed { step, detail } => {
                    audit::record(db, entry.with("removed", false).with("step", step).with("detail", detail.as_str())).await?;
                    done.failed.push(format!("{label}: removing {name} failed at {step}: {detail}"));
                }
            }
        }
    }
    if !done.marked.is_empty() {
        super::worker::notify_workers(services).await;
    }
    Ok(done)
}

async fn repair_networks(services: &Services, done: &mut Repaired) -> Result<(), DbErr> {
    let actor = Actor::System(SystemActor::Reconciler);
    let result = match configured(services).await {
        Ok(networks) => services.provisioning.reconcile(&networks).await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    match result {
        Ok(changes) => {
            for (id, _) in changes.into_iter().filter(|(_, changed)| *changed) {
                audit::record(&services.db, AuditEntry::new(actor, AuditAction::ControllerReconciled, "zt_network", &id).with("outcome", "corrected"))
                    .await?;
                done.networks.push(id);
            }
        }
        Err(e) => done.failed.push(format!("correcting the networks failed: {e}")),
    }
    Ok(())
}

/// One periodic pass: check, then repair, with what could not be read logged.
pub async fn pass(services: &Services) {
    match check(services).await {
        Ok(report) => {
            for (place, why) in &report.unreachable {
                tracing::warn!(%place, error = %why, "drift check could not read");
            }
            match repair(services, &report).await {
                Ok(done) if done.marked.is_empty() && done.removed.is_empty() => {}
                Ok(done) => tracing::warn!(marked = done.marked.len(), removed = done.removed.len(), "drift repaired"),
                Err(e) => tracing::error!(error = %e, "drift repair failed"),
            }
        }
        Err(e) => tracing::error!(error = %e, "drift check failed"),
    }
}
