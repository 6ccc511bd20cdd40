//! What an operator may ask for: their eligible ASNs and the networks open to them.

use sea_orm::{ConnectionTrait, DbErr};

use crate::entities::{user_asn, zt_network};
use crate::identity::users;
use crate::networks;

pub use contract::BlockedReason;

#[derive(Debug, Clone)]
pub struct OnboardingContext {
    pub eligible_asns: Vec<user_asn::Model>,
    /// Active networks the operator may request (all of them unless restricted).
    pub networks: Vec<zt_network::Model>,
    pub restricted_network_ids: Vec<String>,
    pub blocked_reason: Option<BlockedReason>,
}

impl OnboardingContext {
    pub fn has_network_restrictions(&self) -> bool {
        !self.restricted_network_ids.is_empty()
    }

    pub fn submission_allowed(&self) -> bool {
        self.blocked_reason.is_none()
    }
}

pub async fn onboarding_context<C: ConnectionTrait>(conn: &C, user_id: uuid::Uuid) -> Result<OnboardingContext, DbErr> {
    let eligible_asns = users::asns(conn, user_id).await?;
    let restricted_network_ids = users::network_restrictions(conn, user_id).await?;
    let networks: Vec<_> = networks::list_active(conn)
        .await?
        .into_iter()
        .filter(|n| restricted_network_ids.is_empty() || restricted_network_ids.contains(&n.id))
        .collect();
    let blocked_reason = if eligible_asns.is_empty() {
        Some(BlockedReason::NoEligibleAsn)
    } else if networks.is_empty() {
        Some(BlockedReason::NoAvailableNetwork)
    } else {
        None
    };
    Ok(OnboardingContext { eligible_asns, networks, restricted_network_ids, blocked_reason })
}
