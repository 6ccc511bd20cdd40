//! The IX-F member export, version 1.0 of the Euro-IX schema
//! (`ixp-member-list-1.0.schema.json`), built from the member list.
//!
//! One `ixp_list` entry (the exchange, one `vlan` per network); one `member_list` entry
//! per ASN with one connection per membership: `state` `active`, or `inactive` while
//! suspended (the two PeeringDB's importer reads as operational or not), the IPv6
//! address with `routeserver`, `max_prefix`, `as_macro` and the node's MAC. The route
//! servers are listed as the exchange's own members (`member_type` `ixp`) with an
//! `ixrouteserver` service on their addresses.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use contract::view::{ConnectionState, ListedConnection, MemberList};
use serde::Serialize;

use crate::settings::ExchangeSettings;

/// The schema version written in `version`.
pub const VERSION: &str = "1.0";

#[derive(Debug, Serialize)]
pub struct Export {
    pub version: &'static str,
    pub timestamp: String,
    pub ixp_list: Vec<Ixp>,
    pub member_list: Vec<Member>,
}

#[derive(Debug, Serialize)]
pub struct Ixp {
    pub ixp_id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ixf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peeringdb_id: Option<u32>,
    pub shortname: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_contact_hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_contact_hours: Option<String>,
    pub vlan: Vec<Vlan>,
}

#[derive(Debug, Serialize)]
pub struct Vlan {
    pub id: u32,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<VlanPrefix>,
}

#[derive(Debug, Serialize)]
pub struct VlanPrefix {
    pub prefix: String,
    pub mask_length: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub looking_glass_urls: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Member {
    pub asnum: u32,
    pub member_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_since: Option<String>,
    pub connection_list: Vec<Connection>,
}

#[derive(Debug, Serialize)]
pub struct Connection {
    pub ixp_id: u32,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected_since: Option<String>,
    pub if_list: Vec<Interface>,
    pub vlan_list: Vec<VlanConnection>,
}

#[derive(Debug, Serialize)]
pub struct Interface {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_speed: Option<u32>,
    pub if_type: &'static str,
}

#[derive(Debug, Serialize)]
pub struct VlanConnection {
    pub vlan_id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<Address>,
}

#[derive(Debug, Serialize)]
pub struct Address {
    pub address: String,
    pub routeserver: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_prefix: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_macro: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mac_addresses: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
}

#[derive(Debug, Serialize)]
pub struct Service {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub daemon: &'static str,
}

/// IX-F's date-time: UTC to the second.
fn timestamp(at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| t.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn connection(settings: &ExchangeSettings, c: &ListedConnection) -> Connection {
    Connection {
        ixp_id: settings.ixp_id,
        state: match c.state {
            ConnectionState::Active => "active",
            ConnectionState::Inactive => "inactive",
        },
        connected_since: c.connected_since.as_deref().and_then(timestamp),
        if_list: vec![Interface { if_speed: settings.port_speed_mbps, if_type: "ZeroTier" }],
        vlan_list: vec![VlanConnection {
            vlan_id: c.vlan_id,
            ipv4: None,
            ipv6: Some(Address {
                address: c.ipv6.clone(),
                routeserver: c.routeserver,
                // The session's IPv6 channel limit (IPv4 rides on the same session with
                // its own limit, which IX-F has no place for without an IPv4 address).
                max_prefix: c.max_prefix_v6,
                as_macro: c.as_macro.clone(),
                mac_addresses: if settings.mac_addresses { c.mac.iter().cloned().collect() } else { Vec::new() },
                services: Vec::new(),
            }),
        }],
    }
}

/// The export of `list`.
pub fn export(settings: &ExchangeSettings, list: &MemberList) -> Export {
    let vlan = list
        .networks
        .iter()
        .map(|n| Vlan {
            id: n.vlan_id,
            name: n.name.clone(),
            ipv6: n.ipv6_prefix.as_deref().and_then(|p| p.parse::<ipnet::Ipv6Net>().ok()).map(|p| VlanPrefix {
                prefix: p.network().to_string(),
                mask_length: p.prefix_len(),
                looking_glass_urls: n.looking_glass_urls.clone(),
            }),
        })
        .collect();
    let ixp = Ixp {
        ixp_id: settings.ixp_id,
        ixf_id: settings.ixf_id,
        peeringdb_id: settings.peeringdb_ix_id,
        shortname: settings.shortname.clone(),
        name: settings.display_name().to_owned(),
        url: settings.url.clone(),
        country: settings.country.clone(),
        support_email: settings.support_email.clone(),
        support_phone: settings.support_phone.clone(),
        support_contact_hours: settings.support_contact_hours.clone(),
        emergency_email: settings.emergency_email.clone(),
        emergency_phone: settings.emergency_phone.clone(),
        emergency_contact_hours: settings.emergency_contact_hours.clone(),
        vlan,
    };
    let mut member_list: Vec<Member> = list
        .members
        .iter()
        .map(|m| Member {
            asnum: m.asn,
            member_type: "peering",
            name: m.name.clone(),
            member_since: m.member_since.as_deref().and_then(timestamp),
            connection_list: m.connections.iter().map(|c| connection(settings, c)).collect(),
        })
        .collect();
    member_list.extend(route_server_members(settings, list));
    Export { version: VERSION, timestamp: timestamp(&list.built_at).unwrap_or_default(), ixp_list: vec![ixp], member_list }
}

/// The route servers, one member per ASN, one connection per network they serve.
fn route_server_members(settings: &ExchangeSettings, list: &MemberList) -> Vec<Member> {
    let mut by_asn: BTreeMap<u32, Vec<VlanConnection>> = BTreeMap::new();
    for network in &list.networks {
        for rs in &network.route_servers {
            let Ok(address) = rs.address.parse::<std::net::IpAddr>() else { continue };
            let entry = Address {
                address: address.to_string(),
                routeserver: false,
                max_prefix: None,
                as_macro: None,
                mac_addresses: Vec::new(),
                services: vec![Service { kind: "ixrouteserver", daemon: "BIRD" }],
            };
            let (ipv4, ipv6) = if address.is_ipv4() { (Some(entry), None) } else { (None, Some(entry)) };
            by_asn.entry(rs.asn).or_default().push(VlanConnection { vlan_id: network.vlan_id, ipv4, ipv6 });
        }
    }
    by_asn
        .into_iter()
        .map(|(asn, vlans)| Member {
            asnum: asn,
            member_type: "ixp",
            name: Some(format!("{} route servers", settings.display_name())),
            member_since: None,
            connection_list: vlans
                .into_iter()
                .map(|v| Connection { ixp_id: settings.ixp_id, state: "active", connected_since: None, if_list: Vec::new(), vlan_list: vec![v] })
                .collect(),
        })
        .collect()
}
