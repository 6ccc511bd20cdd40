//! What the exchange publishes about itself and its members, from one read model: the
//! public member list (`/members`), the IX-F member export (`/participants.json`) and
//! the comparison with the members' PeeringDB entries.
//!
//! Listed are the active and suspended memberships of active networks (removed members
//! are absent). A member's details (name, member since, max-prefix, AS-SET) follow its
//! own choice for its ASN, or the exchange's default (`exchange.member_details`); what
//! peers and PeeringDB need to find it (ASN, addresses, state, route-server
//! participation) is always listed.

pub mod ixf;
pub mod listing;
pub mod mac;
pub mod netixlan;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use contract::view::{ConnectionState, ListedConnection, ListedExchange, ListedMember, ListedNetwork, ListedRouteServer, MemberList};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

use crate::clock::rfc3339;
use crate::entities::{bgp_session, join_request, member_listing, member_policy, zt_ipv6_assignment, zt_network};
use crate::policy::Source;
use crate::settings::PublishedNetwork;
use crate::workflow::RequestStatus;
use crate::Services;

/// The member list as last built, reused for `exchange.cache_seconds`.
#[derive(Debug, Default)]
pub struct Published {
    last: tokio::sync::Mutex<Option<Built>>,
}

/// A built member list with what its HTTP answers need.
#[derive(Debug, Clone)]
pub struct Built {
    pub list: Arc<MemberList>,
    /// Changes exactly when the list's content does (`ETag`).
    pub digest: String,
    /// When the content last changed (`Last-Modified`).
    pub changed_at: DateTime<Utc>,
    at: Instant,
    expired: bool,
}

impl Published {
    /// The member list, built again when the last build is older than the cache time.
    /// A rebuild that finds the same content keeps the time it last changed.
    pub async fn get(&self, services: &Services) -> Result<Built, DbErr> {
        let max_age = Duration::from_secs(services.settings.exchange.cache_seconds.into());
        let mut last = self.last.lock().await;
        if let Some(built) = last.as_ref().filter(|b| !b.expired && b.at.elapsed() < max_age) {
            return Ok(built.clone());
        }
        let now = Utc::now();
        let mut list = member_list(services).await?;
        let digest = digest(&list);
        let changed_at = match last.as_ref() {
            Some(previous) if previous.digest == digest => previous.changed_at,
            _ => now,
        };
        list.built_at = rfc3339(changed_at);
        let built = Built { list: Arc::new(list), digest, changed_at, at: Instant::now(), expired: false };
        *last = Some(built.clone());
        Ok(built)
    }
}

impl Published {
    /// Builds the list again on its next read (after a member's own change, so that
    /// member sees it at once; other processes follow within the cache time).
    pub async fn invalidate(&self) {
        if let Some(built) = self.last.lock().await.as_mut() {
            built.expired = true;
        }
    }
}

fn digest(list: &MemberList) -> String {
    let text = serde_json::to_string(&(&list.exchange, &list.networks, &list.members)).unwrap_or_default();
    Sha256::digest(text.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The networks as published, in configuration order of their vlan ids.
fn listed_networks(services: &Services, networks: &[zt_network::Model]) -> Vec<ListedNetwork> {
    let local_asn = services.route_servers.as_ref().map(|rs| rs.local_asn.get());
    let mut listed: Vec<ListedNetwork> = networks
        .iter()
        .map(|n| {
            let published: PublishedNetwork = serde_json::from_str(&n.published).unwrap_or_default();
            let route_servers = crate::sessions::view::route_servers_of(n)
                .into_iter()
                .filter_map(|rs| Some(ListedRouteServer { name: rs.name, asn: rs.asn.or(local_asn)?, address: rs.address.to_string() }))
                .collect();
            ListedNetwork {
                id: n.id.clone(),
                vlan_id: published.vlan_id,
                name: n.name.clone(),
                ipv6_prefix: n.ipv6_prefix.clone(),
                looking_glass_urls: published.looking_glass_urls,
                route_servers,
            }
        })
        .collect();
    listed.sort_by_key(|n| n.vlan_id);
    listed
}

/// The member list, read now (one query per table, and the route-server policy of each
/// listed request).
pub async fn member_list(services: &Services) -> Result<MemberList, DbErr> {
    let db = &services.db;
    let settings = &services.settings.exchange;
    let networks = crate::networks::list_active(db).await?;
    let listed_networks = listed_networks(services, &networks);
    let vlan_of: HashMap<&str, u32> = listed_networks.iter().map(|n| (n.id.as_str(), n.vlan_id)).collect();
    let requests = join_request::Entity::find()
        .filter(join_request::Column::Status.is_in([RequestStatus::Active, RequestStatus::Suspended]))
        .filter(join_request::Column::ZtNetworkId.is_in(networks.iter().map(|n| n.id.clone())))
        .order_by_asc(join_request::Column::Asn)
        .order_by_asc(join_request::Column::ProvisionedAt)
        .order_by_asc(join_request::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<uuid::Uuid> = requests.iter().map(|r| r.id).collect();
    let asns: Vec<i64> = requests.iter().map(|r| r.asn).collect();
    let addresses: HashMap<uuid::Uuid, String> = zt_ipv6_assignment::Entity::find()
        .filter(zt_ipv6_assignment::Column::JoinRequestId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.join_request_id, a.assigned_ip))
        .collect();
    let names: HashMap<i64, String> = member_policy::Entity::find()
        .filter(member_policy::Column::Asn.is_in(asns.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| p.listed)
        .filter_map(|p| Some((p.asn, p.name?)))
        .collect();
    let choices: HashMap<i64, bool> =
        member_listing::Entity::find().filter(member_listing::Column::Asn.is_in(asns)).all(db).await?.into_iter().map(|l| (l.asn, l.details)).collect();
    let fresh = crate::sessions::fresh_hosts(db, &services.settings, Utc::now()).await?;
    let established: HashSet<uuid::Uuid> = bgp_session::Entity::find()
        .filter(bgp_session::Column::JoinRequestId.is_in(ids))
        .filter(bgp_session::Column::State.eq(crate::sessions::SessionState::Established.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter(|s| fresh.contains(&s.host))
        .map(|s| s.join_request_id)
        .collect();

    let mut members: Vec<ListedMember> = Vec::new();
    for request in &requests {
        let (Some(ipv6), Some(&vlan_id), Ok(asn)) = (addresses.get(&request.id), vlan_of.get(request.zt_network_id.as_str()), u32::try_from(request.asn))
        else {
            continue;
        };
        let details = choices.get(&request.asn).copied().unwrap_or(settings.member_details);
        let policy = if details { Some(crate::policy::effective(db, services, request).await?) } else { None };
        let active = request.status == RequestStatus::Active;
        let connection = ListedConnection {
            network_id: request.zt_network_id.clone(),
            vlan_id,
            state: if active { ConnectionState::Active } else { ConnectionState::Inactive },
            ipv6: ipv6.clone(),
            mac: request.node_id.as_deref().and_then(|node| mac::member_mac(node, &request.zt_network_id)),
            routeserver: (active && services.route_servers.is_some()) || established.contains(&request.id),
            connected_since: request.provisioned_at.filter(|_| details).map(rfc3339),
            max_prefix_v4: policy.as_ref().map(|p| p.max_prefixes_v4.0),
            max_prefix_v6: policy.as_ref().map(|p| p.max_prefixes_v6.0),
            as_macro: policy.filter(|p| p.as_set.1 != Source::Default).map(|p| p.as_set.0),
        };
        match members.last_mut().filter(|m| m.asn == asn) {
            Some(member) => member.connections.push(connection),
            None => members.push(ListedMember { asn, details, name: None, member_since: None, connections: vec![connection] }),
        }
    }
    for member in members.iter_mut().filter(|m| m.details) {
        member.name = names.get(&i64::from(member.asn)).cloned();
        member.member_since = member.connections.iter().filter_map(|c| c.connected_since.clone()).min();
    }
    Ok(MemberList {
        exchange: ListedExchange {
            shortname: settings.shortname.clone(),
            name: settings.display_name().to_owned(),
            url: settings.url.clone(),
            peeringdb_ix_id: settings.peeringdb_ix_id,
        },
        networks: listed_networks,
        members,
        built_at: rfc3339(Utc::now()),
    })
}
