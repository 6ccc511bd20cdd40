//! The `[[networks]]` of the runtime configuration.

use std::collections::HashSet;

use serde::Deserialize;

use crate::types::{ControllerAddress, InvalidValue, Ipv6Prefix, NetworkId, NetworkSuffix};

/// One exchange network as configured: a suffix under the self-hosted controller, or a
/// full network id (ZeroTier Central, or a self-hosted network named in full).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub suffix: Option<NetworkSuffix>,
    pub id: Option<NetworkId>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub ipv6_prefix: Ipv6Prefix,
    /// What a failed IRR check does on this network: `enforce` (reject) or `tag`.
    #[serde(default)]
    pub irr_filter: crate::routeservers::IrrMode,
    /// The route servers as members peer with them on this network.
    #[serde(default)]
    pub route_servers: Vec<RouteServerPeerSettings>,
    /// Its IX-F `vlan` id; its position in this list (from 1) when not given.
    #[serde(default)]
    pub vlan_id: Option<u32>,
    /// Looking glasses of this peering LAN (IX-F `looking_glass_urls`).
    #[serde(default)]
    pub looking_glass_urls: Vec<String>,
}

/// How a network is published in the IX-F export and the member list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct PublishedNetwork {
    pub vlan_id: u32,
    #[serde(default)]
    pub looking_glass_urls: Vec<String>,
}

/// One route server on a network's peering LAN (it is a member of the network too).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RouteServerPeerSettings {
    /// Shown to members and used in their router configuration (`rs1`).
    pub name: String,
    /// Its address on the peering LAN (inside the network's `ipv6_prefix`, or IPv4).
    pub address: std::net::IpAddr,
    /// The host as written in `ROUTE_SERVER_HOSTS` whose BGP sessions are this route
    /// server's; without it the sessions are shown under the host's own name.
    #[serde(default)]
    pub host: Option<String>,
    /// Its ASN; `ROUTE_SERVER_LOCAL_ASN` when not given.
    #[serde(default)]
    pub asn: Option<u32>,
}

/// How a configured network is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkRef {
    Suffix(NetworkSuffix),
    Id(NetworkId),
}

/// A configured network with its full id known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredNetwork {
    pub id: NetworkId,
    pub name: String,
    pub description: Option<String>,
    pub ipv6_prefix: Ipv6Prefix,
    pub irr_filter: crate::routeservers::IrrMode,
    pub route_servers: Vec<RouteServerPeerSettings>,
    pub published: PublishedNetwork,
}

impl NetworkSettings {
    pub fn reference(&self) -> NetworkRef {
        match (&self.suffix, &self.id) {
            (_, Some(id)) => NetworkRef::Id(id.clone()),
            (Some(suffix), None) => NetworkRef::Suffix(suffix.clone()),
            (None, None) => unreachable!("validated: every network has a suffix or an id"),
        }
    }

    /// The full network id; a suffix needs the controller's address.
    /// `position` is the network's index in the configuration (the default vlan id).
    pub fn resolve(&self, position: usize, controller: Option<&ControllerAddress>) -> Result<ConfiguredNetwork, InvalidValue> {
        let id = match (self.reference(), controller) {
            (NetworkRef::Id(id), _) => id,
            (NetworkRef::Suffix(suffix), Some(controller)) => NetworkId::from_parts(controller, &suffix),
            (NetworkRef::Suffix(suffix), None) => {
                return Err(InvalidValue(format!(
                    "network '{}' (suffix {suffix}) needs the controller address to form its id",
                    self.name
                )))
            }
        };
        Ok(ConfiguredNetwork {
            id,
            name: self.name.clone(),
            description: self.description.clone(),
            ipv6_prefix: self.ipv6_prefix,
            irr_filter: self.irr_filter,
            route_servers: self.route_servers.clone(),
            published: PublishedNetwork { vlan_id: self.vlan_id.unwrap_or(position as u32 + 1), looking_glass_urls: self.looking_glass_urls.clone() },
        })
    }
}

pub(super) fn validate(networks: &[NetworkSettings]) -> Result<(), String> {
    let mut suffixes = HashSet::new();
    let mut ids = HashSet::new();
    let mut prefixes = HashSet::new();
    let mut vlans = HashSet::new();
    for (i, n) in networks.iter().enumerate() {
        let at = format!("networks[{i}]");
        match (&n.suffix, &n.id) {
            (None, None) => return Err(format!("{at} needs `suffix` (self-hosted controller) or `id` (16 hex)")),
            (Some(_), Some(_)) => return Err(format!("{at} has both `suffix` and `id`; give one")),
            (Some(s), None) if !suffixes.insert(s.clone()) => {
                return Err(format!("{at}: suffix {s} is configured twice"))
            }
            (None, Some(id)) if !ids.insert(id.clone()) => return Err(format!("{at}: id {id} is configured twice")),
            _ => {}
        }
        if n.name.trim().is_empty() {
            return Err(format!("{at}.name must not be empty"));
        }
        if !prefixes.insert(n.ipv6_prefix) {
            return Err(format!("{at}: ipv6_prefix {} is used by another network", n.ipv6_prefix));
        }
        let vlan = n.vlan_id.unwrap_or(i as u32 + 1);
        if vlan == 0 || !vlans.insert(vlan) {
            return Err(format!("{at}.vlan_id: {vlan} is zero or used by another network (without vlan_id a network's is its position, from 1)"));
        }
        for (j, url) in n.looking_glass_urls.iter().enumerate() {
            super::check_url(&format!("{at}.looking_glass_urls[{j}]"), url)?;
        }
        let mut names = HashSet::new();
        for (j, rs) in n.route_servers.iter().enumerate() {
            let at = format!("{at}.route_servers[{j}]");
            if !crate::turnup::valid_name(&rs.name) {
                return Err(format!("{at}.name must be 1 to 32 letters, digits, '-' or '_'"));
            }
            if !names.insert(rs.name.as_str()) {
                return Err(format!("{at}.name: {} is used twice on this network", rs.name));
            }
            if let std::net::IpAddr::V6(address) = rs.address {
                if address.segments()[..4] != n.ipv6_prefix.network().segments()[..4] {
                    return Err(format!("{at}.address {address} is not inside the network's ipv6_prefix {}", n.ipv6_prefix));
                }
            }
            if rs.asn == Some(0) {
                return Err(format!("{at}.asn must be greater than 0"));
            }
        }
    }
    Ok(())
}
