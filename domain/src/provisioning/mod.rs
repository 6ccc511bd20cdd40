//! ZeroTier provisioning (SPEC §6): the provider trait and its two adapters, the
//! controller lifecycle (preflight, reconcile, token, backups), deterministic IPv6
//! addresses, memberships, and the worker that turns `approved` requests into `active`
//! (or `failed`) ones.

pub mod backup;
mod central;
mod error;
pub mod failure;
pub mod flow_rules;
pub(crate) mod http;
pub mod ipv6;
pub mod lifecycle;
pub mod membership;
pub mod ownership;
pub mod preflight;
pub mod reconcile;
mod self_hosted;
pub mod worker;

use std::net::Ipv6Addr;
use std::time::Duration;

use async_trait::async_trait;
use url::Url;
use uuid::Uuid;

pub use central::Central;
pub use error::{ProviderError, ProviderErrorKind};
pub use self_hosted::{ControllerNetworkSpec, SelfHostedController};

use crate::types::{Asn, ControllerAddress, NetworkId, NodeId};

/// What a member looks like on the controller after authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberResult {
    pub member_id: String,
    pub is_authorized: bool,
    pub assigned_ips: Vec<String>,
    pub provider_name: &'static str,
}

/// A member as the controller has it before the portal writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMember {
    pub authorized: bool,
    /// Canonical text form of each assigned address.
    pub ip_assignments: Vec<String>,
    /// The join request that wrote it, read from the name or description the portal
    /// gives its members; `None` for members the portal did not write.
    pub request_id: Option<Uuid>,
}

/// How reachable a node is, as the controller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSeen {
    pub state: contract::view::NodeStatus,
    /// When the node was last heard from (milliseconds since the epoch).
    pub last_seen_ms: Option<i64>,
    pub version: Option<String>,
    pub latency_ms: Option<i32>,
}

/// One member to authorize, with its address.
#[derive(Debug, Clone)]
pub struct AuthorizeMember<'a> {
    pub network: &'a NetworkId,
    pub node: &'a NodeId,
    pub asn: Asn,
    pub request_id: Uuid,
    pub ip_assignments: &'a [Ipv6Addr],
}

/// A ZeroTier API that can authorize members. Calls are idempotent: repeating one
/// converges on the same member.
#[async_trait]
pub trait ZeroTierProvider: Send + Sync + std::fmt::Debug {
    /// `self_hosted_controller` or `central`.
    fn name(&self) -> &'static str;

    /// The token is accepted and the API answers; the controller's address when it has one.
    async fn check(&self) -> Result<Option<ControllerAddress>, ProviderError>;

    /// The network exists on the controller.
    async fn validate_network(&self, network: &NetworkId) -> Result<(), ProviderError>;

    /// The member as stored on the controller, or `None` when there is none.
    async fn member(&self, network: &NetworkId, node: &NodeId) -> Result<Option<RemoteMember>, ProviderError>;

    /// Authorizes the node with exactly `ip_assignments` (no automatic addresses).
    async fn authorize_member(&self, member: &AuthorizeMember<'_>) -> Result<MemberResult, ProviderError>;

    /// Deauthorizes the node; its addresses stay in the member record (suspension).
    async fn deauthorize_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError>;

    /// Takes the node off the network: deauthorized first (a node that keeps asking for
    /// its configuration is recreated by the controller, unauthorized), then deleted. A
    /// member that is already gone counts as deleted.
    async fn delete_member(&self, network: &NetworkId, node: &NodeId) -> Result<(), ProviderError>;

    /// Whether the network exists with the configured settings (self-hosted: name,
    /// privacy, assignment modes and the route of its prefix; Central: it exists). Reads
    /// only.
    async fn network_as_configured(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError>;

    /// Creates or corrects a network (self-hosted only); returns whether anything changed.
    async fn reconcile_network(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError>;

    /// What the controller knows of the nodes on `network`, by node id (self-hosted: the
    /// controller node's peers, `GET /peer`; Central: the members' `lastSeen` and
    /// `clientVersion`). Nodes it has never heard of are absent.
    async fn node_states(&self, network: &NetworkId) -> Result<std::collections::HashMap<String, NodeSeen>, ProviderError>;

    /// Uses a new API token from now on.
    fn set_token(&self, token: secrecy::SecretString);
}

/// The addresses in a member's `ipAssignments`, in canonical form (unparsable entries kept as sent).
fn ip_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(|ip| ip.parse::<std::net::IpAddr>().map_or_else(|_| ip.to_owned(), |ip| ip.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a member answer says `authorized: false`.
fn check_deauthorized(authorized: Option<bool>, invalid: impl FnOnce(String) -> ProviderError) -> Result<(), ProviderError> {
    match authorized {
        Some(false) => Ok(()),
        other => Err(invalid(format!("the member was not deauthorized (authorized: {other:?})"))),
    }
}

/// A deletion that found nothing to delete is done.
fn gone_is_done(result: Result<(reqwest::StatusCode, serde_json::Value), ProviderError>) -> Result<(), ProviderError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.kind == ProviderErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The request id in a member name or description the portal wrote (the last word).
fn tagged_request(text: Option<&str>, prefix: &str) -> Option<Uuid> {
    let text = text?.trim();
    let rest = text.strip_prefix(prefix)?;
    rest.split_whitespace().last().and_then(|word| Uuid::parse_str(word).ok())
}

/// How provider calls behave.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub base_url: Url,
    pub token: secrecy::SecretString,
    /// Per HTTP call.
    pub timeout: Duration,
    /// Retries of a transient failure within one call.
    pub transient_retries: u32,
    /// The first retry waits this long; later ones double it.
    pub backoff: Duration,
}

/// Builds the configured provider.
pub fn provider(kind: ProviderKind, settings: ProviderSettings) -> Result<std::sync::Arc<dyn ZeroTierProvider>, ProviderError> {
    Ok(match kind {
        ProviderKind::SelfHostedController => std::sync::Arc::new(SelfHostedController::new(settings)?),
        ProviderKind::Central => std::sync::Arc::new(Central::new(settings)?),
    })
}

/// Which adapter to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    SelfHostedController,
    Central,
}
