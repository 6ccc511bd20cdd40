//! The provisioning worker: claims `approved` requests with a lease, provisions them,
//! and moves them to `active` or `failed`; and claims requests due for convergence
//! (`converge`), whose controller member and peer files must follow a change of status.
//!
//! The queue is the `approved` rows themselves. A claim is a conditional update, so
//! workers on one database never process a request twice at once; a crashed worker's
//! lease expires and its request is picked up again. Every step is idempotent (the same
//! IPv6 address, the same member, one membership row), so a retried request converges.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, EntityTrait};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

use super::failure::{Failure, FailureCode};
use super::{ipv6, membership, ownership, AuthorizeMember};
use crate::entities::{join_request, zt_network};
use crate::types::{Asn, Ipv6Prefix, NetworkId, NodeId};
use crate::workflow::{self, TransitionError};
use crate::Services;

mod converge;
mod lease;
mod periodic;
mod route_servers;

pub use lease::Job;

pub use converge::Desired;

/// A request's network and ASN, as the worker uses them.
struct Context {
    network: NetworkId,
    asn: Asn,
    network_name: String,
    prefix: Option<Ipv6Prefix>,
}


/// A step that failed on the portal's own database.
fn internal(what: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure::new(FailureCode::Internal, format!("{what} failed on the database ({e}); retry the request."))
}

/// The Postgres channel that wakes workers in other processes.
pub const WAKE_CHANNEL: &str = "zt_ix_worker";

/// How often an idle worker looks for work without being woken (expired leases,
/// approvals made by another process without a shared wake-up).
const IDLE_POLL: Duration = Duration::from_secs(2);

/// What one `try_execute_task` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to do.
    Idle,
    Active(Uuid),
    Failed(Uuid),
    /// Another worker took the request over (our lease had expired).
    LeaseLost(Uuid),
    /// The controller and the route servers match what the request asks for.
    Converged(Uuid),
    /// An offboarding finished: the request is `removed`.
    Removed(Uuid),
    /// A convergence attempt failed; it is due again after a backoff.
    ConvergeFailed(Uuid),
}

/// One worker. Cheap to clone; clones share the identity.
#[derive(Clone)]
pub struct Worker {
    services: Services,
    id: Arc<str>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("id", &self.id).finish()
    }
}

/// Tells every worker that work is waiting: this process's at once, and those of other
/// processes through PostgreSQL `NOTIFY`.
pub async fn notify_workers(services: &Services) {
    services.provisioning.wake();
    if services.db.get_database_backend() == DatabaseBackend::Postgres {
        if let Err(e) = services.db.execute_unprepared(&format!("NOTIFY {WAKE_CHANNEL}")).await {
            tracing::warn!(error = %e, "could not notify other workers");
        }
    }
}

impl Worker {
    /// A worker named after `name` (the host or pod, from configuration); its id adds the
    /// process and a random part, so two workers never share one.
    pub fn new(services: Services, name: &str) -> Self {
        let id = format!("{name}-{}-{}", std::process::id(), &Uuid::new_v4().simple().to_string()[..8]);
        Self { services, id: id.chars().take(64).collect::<String>().into() }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The controller must answer before anything is written there.
    async fn preflight(&self) -> Result<(), Failure> {
        self.services.provisioning.preflight().await.map(|_| ()).map_err(|e| {
            Failure::new(FailureCode::ControllerUnavailable, format!("Controller preflight failed, so provisioning is blocked: {e}"))
        })
    }

    /// The request's network and ASN, as the controller and the route servers need them.
    async fn context(&self, request: &join_request::Model) -> Result<Context, Failure> {
        let network = NetworkId::parse(&request.zt_network_id).map_err(|e| internal("Reading the network id", &e))?;
        let asn = Asn::parse(request.asn).map_err(|e| internal("Reading the ASN", &e))?;
        let row = zt_network::Entity::find_by_id(request.zt_network_id.clone())
            .one(&self.services.db)
            .await
            .map_err(|e| internal(&format!("Reading network {}", request.zt_network_id), &e))?;
        let network_name = row.as_ref().map(|n| n.name.clone()).unwrap_or_else(|| request.zt_network_id.clone());
        let prefix = row.and_then(|n| n.ipv6_prefix).and_then(|p| Ipv6Prefix::parse(&p).ok());
        Ok(Context { network, asn, network_name, prefix })
    }

    /// The request's IPv6 address: allocated once, the same on every later call.
    async fn address(&self, request: &join_request::Model, context: &Context) -> Result<std::net::Ipv6Addr, Failure> {
        let assignment = ipv6::allocate(&self.services.db, request.id, &request.zt_network_id, context.prefix.as_ref(), context.asn)
            .await
            .map_err(|e| match e {
                ipv6::AllocationError::Database(e) => internal("Allocating the IPv6 address", &e),
                other => Failure::new(
                    FailureCode::AddressUnavailable,
                    format!("No IPv6 address could be allocated: {other}. Check the network's ipv6_prefix in the runtime configuration."),
                ),
            })?;
        assignment.assigned_ip.parse().map_err(|e| internal("Reading the stored address", &e))
    }

    /// Authorizes `node` for the request with exactly `ip`, unless the controller says the
    /// node is someone else's, and records the membership.
    async fn authorize(&self, request: &join_request::Model, context: &Context, node: &NodeId, ip: std::net::Ipv6Addr) -> Result<(), Failure> {
        let provider = self.services.provisioning.provider().map_err(Failure::from)?;
        let ours = vec![ip.to_string()];
        if let Some(remote) = provider.member(&context.network, node).await.map_err(Failure::from)? {
            if let Some(conflict) = ownership::remote_conflict(request.id, &context.network, node, &remote, &ours) {
                return Err(conflict);
            }
        }
        let member = provider
            .authorize_member(&AuthorizeMember { network: &context.network, node, asn: context.asn, request_id: request.id, ip_assignments: &[ip] })
            .await
            .map_err(Failure::from)?;
        membership::upsert(&self.services.db, request.id, context.network.as_str(), node.as_str(), &member)
            .await
            .map_err(|e| internal("Storing the membership", &e))?;
        Ok(())
    }

    /// The provisioning steps; an `Err` says what failed, for the member and for admins.
    async fn steps(&self, request: &join_request::Model) -> Result<(), Failure> {
        self.preflight().await?;
        let node = match request.node_id.as_deref().map(NodeId::parse) {
            Some(Ok(node)) => node,
            Some(Err(e)) => {
                return Err(Failure::new(
                    FailureCode::NodeIdInvalid,
                    format!("The request's node id is invalid ({e}). The member must file a new request with the right node id."),
                ))
            }
            None => {
                return Err(Failure::new(
                    FailureCode::NodeIdMissing,
                    "The request has no ZeroTier node id, so there is no member to authorize. The member must file a new request with the node id (`zerotier-cli info`).",
                ))
            }
        };
        let context = self.context(request).await?;
        if let Some(conflict) = ownership::local_conflict(&self.services.db, request.id, &context.network, &node)
            .await
            .map_err(|e| internal("Checking the node's owner", &e))?
        {
            return Err(conflict);
        }
        let ip = self.address(request, &context).await?;
        self.authorize(request, &context, &node, ip).await?;
        let file = self.peer_file(request, &context, ip, false).await?;
        self.change_route_servers(request.id, file).await
    }

    /// Provisions a claimed request to `active` or `failed`.
    pub async fn provision(&self, request: join_request::Model) -> Result<Outcome, DbErr> {
        let id = request.id;
        let span = tracing::info_span!("provision", request.id = %id, worker = %self.id);
        async {
            let result = tokio::select! {
                result = self.steps(&request) => result,
                () = self.heartbeat(id) => Err(Failure::new(FailureCode::LeaseLost, "The provisioning lease was lost while working.")),
            };
            let finished = match &result {
                Ok(()) => workflow::activate(&self.services.db, id, &self.id).await.map(|_| Outcome::Active(id)),
                Err(failure) => workflow::fail(&self.services.db, id, &self.id, failure).await.map(|_| Outcome::Failed(id)),
            };
            match finished {
                Ok(outcome) => {
                    match &result {
                        Ok(()) => {
                            tracing::info!("request is active");
                            crate::metrics::provisioning_attempt("active");
                            if let Some(approved) = request.decided_at {
                                crate::metrics::approve_to_active(Utc::now() - approved);
                            }
                        }
                        Err(failure) => {
                            tracing::warn!(code = %failure.code, error = %failure.detail, "request failed");
                            crate::metrics::provisioning_attempt("failed");
                        }
                    }
                    Ok(outcome)
                }
                Err(TransitionError::LeaseLost | TransitionError::Conflict { .. } | TransitionError::NotFound) => {
                    tracing::warn!("another worker owns this request now; leaving it");
                    crate::metrics::provisioning_attempt("lease_lost");
                    Ok(Outcome::LeaseLost(id))
                }
                Err(TransitionError::Database(e)) => Err(e),
            }
        }
        .instrument(span)
        .await
    }

    /// Claims and provisions one request, if there is one (tests drain the queue with this).
    pub async fn try_execute_task(&self) -> Result<Outcome, DbErr> {
        match self.claim().await? {
            Some(job) => self.execute(job).await,
            None => Ok(Outcome::Idle),
        }
    }

    /// Runs one claimed job, its log lines and upstream calls tagged with the request.
    async fn execute(&self, job: Job) -> Result<Outcome, DbErr> {
        let id = job.request().id.to_string();
        let work = async {
            match job {
                Job::Provision(request) => self.provision(request).await,
                Job::Converge(request) => self.converge(request).await,
            }
        };
        crate::correlation::scope(format!("ztix-request-{id}"), work).await
    }

    /// Runs until `shutdown`: woken at once by approvals and retries, at most
    /// `worker.concurrency` requests at a time. In-flight requests finish (or their
    /// leases expire) before it returns.
    pub async fn run(self, shutdown: CancellationToken) {
        let concurrency = self.services.settings.worker.concurrency.max(1) as usize;
        tracing::info!(worker = %self.id, concurrency, "provisioning worker started");
        self.listen_for_other_processes(shutdown.clone());
        self.repair_drift_periodically(shutdown.clone());
        self.refresh_policy_periodically(shutdown.clone());
        self.read_sessions_periodically(shutdown.clone());
        self.check_peeringdb_periodically(shutdown.clone());
        self.send_notifications(shutdown.clone());
        let mut tasks: JoinSet<()> = JoinSet::new();
        loop {
            while tasks.len() < concurrency && !shutdown.is_cancelled() {
                match self.claim().await {
                    Ok(Some(job)) => {
                        let worker = self.clone();
                        tasks.spawn(async move {
                            if let Err(e) = worker.execute(job).await {
                                tracing::error!(error = %e, "the worker could not record an outcome");
                            }
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "could not claim work");
                        break;
                    }
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.services.provisioning.woken() => {}
                () = tokio::time::sleep(IDLE_POLL) => {}
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        let drain = async { while tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(Duration::from_secs(30), drain).await.is_err() {
            tracing::warn!("in-flight provisioning did not finish in 30 s; its leases will expire");
        }
        tracing::info!(worker = %self.id, "provisioning worker stopped");
    }

    /// Converges every request that is due now, one after another (`zt-ix reconcile`);
    /// the outcome of each.
    pub async fn converge_due(&self) -> Result<Vec<Outcome>, DbErr> {
        let mut outcomes = Vec::new();
        while let Some(request) = self.claim_convergence().await? {
            outcomes.push(self.execute(Job::Converge(request)).await?);
        }
        Ok(outcomes)
    }

    /// On PostgreSQL, approvals in other processes wake this worker via LISTEN/NOTIFY.
    fn listen_for_other_processes(&self, shutdown: CancellationToken) {
        let Some(pool) = (self.services.db.get_database_backend() == DatabaseBackend::Postgres)
            .then(|| self.services.db.get_postgres_connection_pool().clone())
        else {
            return;
        };
        let services = self.services.clone();
        tokio::spawn(async move {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => return tracing::warn!(error = %e, "cannot listen for work notifications; polling only"),
            };
            if let Err(e) = listener.listen(WAKE_CHANNEL).await {
                return tracing::warn!(error = %e, "cannot listen for work notifications; polling only");
            }
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    received = listener.recv() => match received {
                        Ok(_) => services.provisioning.wake(),
                        Err(e) => {
                            tracing::warn!(error = %e, "work notifications interrupted");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
        });
    }
}
