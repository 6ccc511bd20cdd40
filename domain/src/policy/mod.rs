//! Route-server policy per member (SPEC §7): what goes into each member's peer file
//! beyond the checks every member gets.
//!
//! | what | from, in order |
//! |---|---|
//! | max-prefix per family | the admin's override; PeeringDB's `info_prefixes4/6` within the configured floor and ceiling; the configured default |
//! | AS-SET | the admin's override; PeeringDB's `irr_as_set`; `AS<asn>` |
//! | IRR prefix and origin sets | the last good bgpq4 expansion of that AS-SET |
//! | enforce or tag | the network's `irr_filter` |
//!
//! [`refresh`] keeps PeeringDB's records and the expansions current on their schedules
//! and marks a member's request for convergence only when what its file says changed.

pub mod irr;
pub mod peeringdb;
mod refresh;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

pub use refresh::{refresh, PassReport};

use crate::entities::{irr_expansion, join_request, member_policy, request_policy_override, zt_network};
use crate::routeservers::{IrrMode, IrrPolicy, IrrSets, PeerConfig, PrefixRule};
use crate::types::Asn;
use crate::Services;

pub use contract::PolicySource as Source;

/// The route-server policy of one request, with where each value came from.
#[derive(Debug, Clone)]
pub struct Effective {
    pub max_prefixes_v4: (u32, Source),
    pub max_prefixes_v6: (u32, Source),
    /// The AS-SET names as given to bgpq4 (`AS<asn>` as the fallback).
    pub as_set: (String, Source),
    pub never_via_route_servers: bool,
    /// PeeringDB's record as cached (`None`: never fetched).
    pub peeringdb: Option<member_policy::Model>,
    pub overrides: Option<request_policy_override::Model>,
    /// The expansion of `as_set` (`None`: never attempted, or IRR filtering is off).
    pub expansion: Option<irr_expansion::Model>,
    /// `None` when no IRR server is configured.
    pub irr_mode: Option<IrrMode>,
}

impl Effective {
    /// The IRR part of the peer file.
    pub fn irr(&self, settings: &crate::settings::IrrSettings) -> Option<IrrPolicy> {
        let mode = self.irr_mode?;
        Some(IrrPolicy {
            mode,
            as_set: self.as_set.0.clone(),
            sets: self.expansion.as_ref().and_then(sets_of),
            empty: settings.empty_set,
            rpki_roas_as_route_objects: settings.rpki_roas_as_route_objects,
        })
    }
}

/// The stored sets of an expansion that succeeded at least once.
pub fn sets_of(expansion: &irr_expansion::Model) -> Option<IrrSets> {
    expansion.expanded_at?;
    let rules = |json: &str| -> Vec<PrefixRule> {
        serde_json::from_str::<Vec<String>>(json).unwrap_or_default().iter().filter_map(|t| PrefixRule::parse(t)).collect()
    };
    Some(
        IrrSets {
            v4: rules(&expansion.prefixes_v4),
            v6: rules(&expansion.prefixes_v6),
            origins: serde_json::from_str(&expansion.origins).unwrap_or_default(),
        }
        .normalized(),
    )
}

fn clamp(value: Option<i64>, floor: u32, ceiling: u32) -> Option<u32> {
    value.filter(|v| *v > 0).map(|v| u32::try_from(v).unwrap_or(u32::MAX).clamp(floor, ceiling))
}

/// The policy of `request` from what is stored; reads, never fetches.
pub async fn effective<C: ConnectionTrait>(db: &C, services: &Services, request: &join_request::Model) -> Result<Effective, DbErr> {
    let settings = &services.settings;
    let policy = &settings.route_servers;
    let peeringdb = member_policy::Entity::find_by_id(request.asn).one(db).await?;
    let overrides = request_policy_override::Entity::find_by_id(request.id).one(db).await?;
    let listed = peeringdb.as_ref().filter(|p| p.fetched_at.is_some() && p.listed);
    let limit = |over: Option<i64>, pdb: Option<i64>, default: u32| match over.and_then(|v| u32::try_from(v).ok()) {
        Some(v) => (v, Source::Override),
        None => match clamp(pdb, policy.max_prefixes_floor, policy.max_prefixes_ceiling) {
            Some(v) => (v, Source::Peeringdb),
            None => (default, Source::Default),
        },
    };
    let max_prefixes_v4 =
        limit(overrides.as_ref().and_then(|o| o.max_prefixes_v4), listed.and_then(|p| p.info_prefixes4), policy.max_prefixes_v4);
    let max_prefixes_v6 =
        limit(overrides.as_ref().and_then(|o| o.max_prefixes_v6), listed.and_then(|p| p.info_prefixes6), policy.max_prefixes_v6);
    let as_set = match (overrides.as_ref().and_then(|o| o.irr_as_set.as_deref()), listed.and_then(|p| p.irr_as_set.as_deref())) {
        (Some(set), _) if irr::parse_as_set(set).is_some() => (irr::query_for(Some(set), request.asn), Source::Override),
        (_, Some(set)) if irr::parse_as_set(set).is_some() => (irr::query_for(Some(set), request.asn), Source::Peeringdb),
        _ => (irr::query_for(None, request.asn), Source::Default),
    };
    let irr_mode = match settings.irr.host {
        None => None,
        Some(_) => Some(zt_network::Entity::find_by_id(request.zt_network_id.clone()).one(db).await?.map(|n| n.irr_filter).unwrap_or_default()),
    };
    let expansion = match irr_mode {
        Some(_) => irr_expansion::Entity::find_by_id(as_set.0.clone()).one(db).await?,
        None => None,
    };
    Ok(Effective {
        max_prefixes_v4,
        max_prefixes_v6,
        as_set,
        never_via_route_servers: listed.is_some_and(|p| p.never_via_route_servers),
        peeringdb,
        overrides,
        expansion,
        irr_mode,
    })
}

/// The peer file a request should have on every route server: the one place it is
/// put together, for provisioning, convergence and the drift check alike.
pub async fn peer_config(
    services: &Services,
    request: &join_request::Model,
    addresses: Vec<std::net::IpAddr>,
    network_name: &str,
    shut_down: bool,
) -> Result<PeerConfig, DbErr> {
    let db = &services.db;
    let effective = effective(db, services, request).await?;
    let member_asn = Asn::parse(request.asn).map_err(|e| DbErr::Custom(format!("request {} has an invalid ASN: {e}", request.id)))?;
    let local_asn = services.route_servers.as_ref().map_or(member_asn, |s| s.local_asn);
    Ok(PeerConfig {
        request_id: request.id,
        member_asn,
        addresses,
        local_asn,
        network_name: network_name.to_owned(),
        max_prefixes_v4: effective.max_prefixes_v4.0,
        max_prefixes_v6: effective.max_prefixes_v6.0,
        shut_down,
        hygiene: services.settings.route_servers.hygiene(),
        irr: effective.irr(&services.settings.irr),
    })
}

/// An admin's per-request policy; `None` fields fall back to PeeringDB and defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub max_prefixes_v4: Option<u32>,
    pub max_prefixes_v6: Option<u32>,
    pub irr_as_set: Option<String>,
}

/// Why overrides were refused.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("the request was not found")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The largest max-prefix an admin may set.
pub const MAX_OVERRIDE: u32 = 10_000_000;

/// Stores an admin's overrides for a request (all `None`: back to PeeringDB and the
/// defaults), audits them, and marks a live member for convergence.
pub async fn set_overrides(services: &Services, actor: crate::audit::Actor, request_id: Uuid, overrides: Overrides) -> Result<(), OverrideError> {
    use sea_orm::{ActiveModelTrait, Set};
    for limit in [overrides.max_prefixes_v4, overrides.max_prefixes_v6].into_iter().flatten() {
        if limit == 0 || limit > MAX_OVERRIDE {
            return Err(OverrideError::Invalid("max-prefix overrides must be between 1 and 10000000"));
        }
    }
    let as_set = overrides.irr_as_set.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if as_set.is_some_and(|s| !irr::valid_override(s)) {
        return Err(OverrideError::Invalid("the AS-SET must be set names (AS-FOO, AS65001:AS-BAR) or AS<n>, optionally SOURCE::, separated by spaces"));
    }
    let txn = crate::db::begin_write(&services.db).await?;
    let request = join_request::Entity::find_by_id(request_id).one(&txn).await?.ok_or(OverrideError::NotFound)?;
    request_policy_override::Entity::delete_by_id(request_id).exec(&txn).await?;
    let cleared = overrides.max_prefixes_v4.is_none() && overrides.max_prefixes_v6.is_none() && as_set.is_none();
    if !cleared {
        request_policy_override::ActiveModel {
            join_request_id: Set(request_id),
            max_prefixes_v4: Set(overrides.max_prefixes_v4.map(i64::from)),
            max_prefixes_v6: Set(overrides.max_prefixes_v6.map(i64::from)),
            irr_as_set: Set(as_set.map(|s| s.to_ascii_uppercase())),
            updated_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    let entry = crate::audit::AuditEntry::new(actor, crate::audit::AuditAction::RoutePolicyOverridden, "join_request", request_id)
        .with("max_prefixes_v4", overrides.max_prefixes_v4.map(i64::from))
        .with("max_prefixes_v6", overrides.max_prefixes_v6.map(i64::from))
        .with("irr_as_set", as_set.map(str::to_owned));
    crate::audit::record(&txn, entry).await?;
    if matches!(request.status, join_request::RequestStatus::Active | join_request::RequestStatus::Suspended) {
        crate::workflow::converge_now(&txn, &[request_id]).await?;
    }
    txn.commit().await?;
    services.provisioning.wake();
    Ok(())
}

/// When a record or an expansion is due again after a success or a failure.
pub(crate) fn next_due(now: DateTime<Utc>, seconds: u32) -> DateTime<Utc> {
    now + chrono::Duration::seconds(seconds.into())
}

/// The policy of a request as its page shows it; `admin` adds errors and overrides.
pub async fn view(services: &Services, request: &join_request::Model, admin: bool) -> Result<contract::view::RoutePolicy, DbErr> {
    let p = effective(&services.db, services, request).await?;
    let sets = p.expansion.as_ref().and_then(sets_of);
    let count = |n: usize| u32::try_from(n).ok();
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let overrides = p.overrides.as_ref().filter(|_| admin);
    Ok(contract::view::RoutePolicy {
        max_prefixes_v4: p.max_prefixes_v4.0,
        max_prefixes_v4_source: p.max_prefixes_v4.1,
        max_prefixes_v6: p.max_prefixes_v6.0,
        max_prefixes_v6_source: p.max_prefixes_v6.1,
        as_set: p.as_set.0.clone(),
        as_set_source: p.as_set.1,
        never_via_route_servers: p.never_via_route_servers,
        irr_mode: p.irr_mode.map(|m| m.as_str().to_owned()),
        irr_prefixes_v4: sets.as_ref().and_then(|s| count(s.v4.len())),
        irr_prefixes_v6: sets.as_ref().and_then(|s| count(s.v6.len())),
        irr_origins: sets.as_ref().and_then(|s| count(s.origins.len())),
        irr_expanded_at: time(p.expansion.as_ref().and_then(|e| e.expanded_at)),
        peeringdb_fetched_at: time(p.peeringdb.as_ref().and_then(|m| m.fetched_at)),
        peeringdb_error: p.peeringdb.as_ref().filter(|_| admin).and_then(|m| m.fetch_error.clone()),
        peeringdb_attempted_at: time(p.peeringdb.as_ref().filter(|_| admin).and_then(|m| m.attempted_at)),
        irr_error: p.expansion.as_ref().filter(|_| admin).and_then(|e| e.error.clone()),
        override_max_prefixes_v4: overrides.and_then(|o| o.max_prefixes_v4).and_then(|v| u32::try_from(v).ok()),
        override_max_prefixes_v6: overrides.and_then(|o| o.max_prefixes_v6).and_then(|v| u32::try_from(v).ok()),
        override_as_set: overrides.and_then(|o| o.irr_as_set.clone()),
    })
}

/// Adds the route-server policy to a request's page.
pub async fn attach(services: &Services, detail: &mut contract::view::RequestDetail, admin: bool) -> Result<(), DbErr> {
    let Ok(id) = Uuid::parse_str(&detail.summary.id) else { return Ok(()) };
    if let Some(request) = join_request::Entity::find_by_id(id).one(&services.db).await? {
        detail.route_policy = Some(view(services, &request, admin).await?);
    }
    Ok(())
}
