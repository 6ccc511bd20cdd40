//! ZeroTier provisioning (SPEC §6): the provider trait and its two adapters, the
//! controller lifecycle (preflight, reconcile, token, backups), deterministic IPv6
//! addresses, memberships, and the worker that turns `approved` requests into `active`
//! (or `failed`) ones.

pub mod backup;
mod central;
mod error;
mod http;
pub mod ipv6;
pub mod lifecycle;
pub mod membership;
pub mod preflight;
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

    /// Authorizes the node with exactly `ip_assignments` (no automatic addresses).
    async fn authorize_member(&self, member: &AuthorizeMember<'_>) -> Result<MemberResult, ProviderError>;

    /// Creates or corrects a network (self-hosted only); returns whether anything changed.
    async fn reconcile_network(&self, spec: &ControllerNetworkSpec) -> Result<bool, ProviderError>;

    /// Uses a new API token from now on.
    fn set_token(&self, token: secrecy::SecretString);
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
