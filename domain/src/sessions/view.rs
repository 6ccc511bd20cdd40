//! What a request page shows of the member's turn-up: sessions per route server, the
//! node's state, and the router configuration to copy.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::Utc;
use contract::view::{self, BgpSession, SessionRoutes, SessionStatus, TurnUp, UnreadRouteServer};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::nodes::parse_status;
use super::SessionState;
use crate::clock::rfc3339;
use crate::entities::{bgp_session, join_request, node_state, request_turn_up, route_server_read, zt_membership, zt_network};
use crate::settings::RouteServerPeerSettings;
use crate::turnup::{RouteServerPeer, RouterConfig, Vendor};
use crate::workflow::RequestStatus;
use crate::Services;

/// The route servers configured on a network.
pub fn route_servers_of(network: &zt_network::Model) -> Vec<RouteServerPeerSettings> {
    serde_json::from_str(&network.route_servers).unwrap_or_default()
}

/// The name members know a route server host by.
pub fn names_by_host(peers: &[RouteServerPeerSettings]) -> HashMap<String, String> {
    peers.iter().filter_map(|p| p.host.clone().map(|h| (h, p.name.clone()))).collect()
}

fn status(state: &str) -> SessionStatus {
    match SessionState::parse(state) {
        Some(SessionState::Established) => SessionStatus::Established,
        Some(SessionState::Idle) => SessionStatus::Idle,
        Some(SessionState::Connect) => SessionStatus::Connect,
        Some(SessionState::Active) => SessionStatus::Active,
        Some(SessionState::OpenSent) => SessionStatus::OpenSent,
        Some(SessionState::OpenConfirm) => SessionStatus::OpenConfirm,
        Some(SessionState::Down) | None => SessionStatus::Down,
    }
}

fn routes(imported: i64, filtered: i64, exported: i64) -> SessionRoutes {
    SessionRoutes { received: imported + filtered, accepted: imported, filtered, exported }
}

/// The member's router configuration, when the network names its route servers.
pub fn router_config(
    services: &Services,
    request: &join_request::Model,
    network: &zt_network::Model,
    address: IpAddr,
    max_prefixes: (u32, u32),
) -> Option<view::RouterConfig> {
    let default_asn = services.route_servers.as_ref().map(|rs| rs.local_asn.get());
    let route_servers: Vec<RouteServerPeer> = route_servers_of(network)
        .into_iter()
        .filter_map(|p| Some(RouteServerPeer { name: p.name, asn: p.asn.or(default_asn)?, address: p.address }))
        .collect();
    if route_servers.is_empty() {
        return None;
    }
    let config = RouterConfig {
        network_id: network.id.clone(),
        network_name: network.name.clone(),
        member_asn: u32::try_from(request.asn).ok()?,
        member_address: address,
        lan_prefix_length: if address.is_ipv6() { 64 } else { 24 },
        route_servers,
        max_prefixes_v4: max_prefixes.0,
        max_prefixes_v6: max_prefixes.1,
    };
    Some(view::RouterConfig {
        network_id: config.network_id.clone(),
        member_asn: config.member_asn,
        member_address: address.to_string(),
        route_servers: config
            .route_servers
            .iter()
            .map(|rs| view::RouteServerPeer { name: rs.name.clone(), asn: rs.asn, address: rs.address.to_string() })
            .collect(),
        join: config.join_commands(),
        snippets: Vendor::ALL
            .iter()
            .map(|v| view::RouterSnippet { vendor: v.key().to_owned(), label: v.label().to_owned(), text: config.render(*v) })
            .collect(),
    })
}

/// Turn-up and live state of an active (or suspended) request; `None` before it is
/// provisioned and after it left.
pub async fn turn_up(services: &Services, request: &join_request::Model, max_prefixes: (u32, u32), admin: bool) -> Result<Option<TurnUp>, DbErr> {
    if !matches!(request.status, RequestStatus::Active | RequestStatus::Suspended) {
        return Ok(None);
    }
    let db = &services.db;
    let network = zt_network::Entity::find_by_id(request.zt_network_id.clone()).one(db).await?;
    let peers = network.as_ref().map(route_servers_of).unwrap_or_default();
    let names = names_by_host(&peers);
    let name_of = |host: &str| names.get(host).cloned().unwrap_or_else(|| host.to_owned());
    let now = Utc::now();
    let bound = now - super::stale_after(&services.settings);
    let reads: HashMap<String, route_server_read::Model> = route_server_read::Entity::find().all(db).await?.into_iter().map(|r| (r.host.clone(), r)).collect();
    let fresh = |host: &str| reads.get(host).is_some_and(|r| r.error.is_none() && r.read_at.is_some_and(|at| at >= bound));
    let mut rows = bgp_session::Entity::find().filter(bgp_session::Column::JoinRequestId.eq(request.id)).all(db).await?;
    rows.sort_by(|a, b| (name_of(&a.host), &a.protocol).cmp(&(name_of(&b.host), &b.protocol)));
    let sessions = rows
        .iter()
        .map(|s| BgpSession {
            route_server: name_of(&s.host),
            neighbor: s.neighbor.clone(),
            state: if fresh(&s.host) { status(&s.state) } else { SessionStatus::Unknown },
            state_since: rfc3339(s.state_changed_at),
            since_text: s.since_text.clone(),
            last_error: s.last_error.clone(),
            ipv4: routes(s.v4_imported, s.v4_filtered, s.v4_exported),
            ipv6: routes(s.v6_imported, s.v6_filtered, s.v6_exported),
            read_at: reads.get(&s.host).and_then(|r| r.read_at).map(rfc3339),
        })
        .collect();
    let hosts: Vec<String> = services.route_servers.as_ref().map(|rs| rs.hosts.iter().map(|h| h.label.clone()).collect()).unwrap_or_default();
    let unread = hosts
        .iter()
        .filter(|h| !fresh(h))
        .map(|h| UnreadRouteServer {
            route_server: name_of(h),
            read_at: reads.get(h).and_then(|r| r.read_at).map(rfc3339),
            error: if admin { reads.get(h).and_then(|r| r.error.clone()) } else { None },
        })
        .collect();
    let established_at = request_turn_up::Entity::find_by_id(request.id).one(db).await?.and_then(|t| t.established_at).map(rfc3339);
    let node = node_state::Entity::find_by_id(request.id).one(db).await?.and_then(|n| {
        Some(view::NodeState {
            state: parse_status(&n.state)?,
            node_id: n.node_id,
            last_seen_at: n.last_seen_at.map(rfc3339),
            version: n.version,
            latency_ms: n.latency_ms,
            read_at: rfc3339(n.read_at),
        })
    });
    let membership = zt_membership::Entity::find().filter(zt_membership::Column::JoinRequestId.eq(request.id)).one(db).await?;
    let address = match &membership {
        Some(m) => m.assigned_ips()?.into_iter().find(IpAddr::is_ipv6).or(m.assigned_ips()?.into_iter().next()),
        None => None,
    };
    let router_config = match (network.as_ref(), address) {
        (Some(network), Some(address)) => router_config(services, request, network, address, max_prefixes),
        _ => None,
    };
    let peeringdb = match &address {
        Some(address) => crate::exchange::netixlan::for_connection(services, request.asn, &address.to_string()).await?,
        None => None,
    };
    Ok(Some(TurnUp { sessions_read: services.route_servers.is_some(), established_at, sessions, unread, node, router_config, peeringdb }))
}

/// The turn-up of a request, with the import limits its route-server policy gives.
pub async fn of_request(services: &Services, request: &join_request::Model, admin: bool) -> Result<Option<TurnUp>, DbErr> {
    let policy = crate::policy::effective(&services.db, services, request).await?;
    turn_up(services, request, (policy.max_prefixes_v4.0, policy.max_prefixes_v6.0), admin).await
}

/// Adds the turn-up to a request's page (after its route-server policy). An active
/// member still waiting for the first session keeps the page refreshing.
pub async fn attach(services: &Services, detail: &mut contract::view::RequestDetail, admin: bool) -> Result<(), DbErr> {
    let Ok(id) = Uuid::parse_str(&detail.summary.id) else { return Ok(()) };
    let Some(request) = join_request::Entity::find_by_id(id).one(&services.db).await? else { return Ok(()) };
    let limits = detail.route_policy.as_ref().map_or(
        (services.settings.route_servers.max_prefixes_v4, services.settings.route_servers.max_prefixes_v6),
        |p| (p.max_prefixes_v4, p.max_prefixes_v6),
    );
    let turn_up = turn_up(services, &request, limits, admin).await?;
    let waiting = request.status == RequestStatus::Active && turn_up.as_ref().is_some_and(|t| t.sessions_read && t.established_at.is_none());
    if waiting {
        detail.settled = false;
    }
    detail.turn_up = turn_up;
    Ok(())
}
