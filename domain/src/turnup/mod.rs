//! Turn-up: what a member types on their router to peer with the route servers.
//!
//! One model ([`RouterConfig`]: the network, the member's ASN and addresses, each route
//! server's name, ASN and address) and one renderer per router platform. Sessions run
//! over the member's IPv6 address on the peering LAN; IPv4 routes ride on the same
//! session with an IPv6 next hop (RFC 8950, "extended next hop"). Every snippet is
//! conservative by default: it accepts what the route servers send and announces
//! nothing until the member lists their own prefixes in the outbound policy.

mod vendors;

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// The router platforms a snippet is rendered for, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    /// BIRD 2 and 3.
    Bird,
    Frr,
    Junos,
    IosXr,
    Eos,
    /// MikroTik RouterOS 7.
    RouterOs,
}

impl Vendor {
    pub const ALL: [Vendor; 6] = [Vendor::Bird, Vendor::Frr, Vendor::Junos, Vendor::IosXr, Vendor::Eos, Vendor::RouterOs];

    /// The name shown on the tab.
    pub fn label(self) -> &'static str {
        match self {
            Vendor::Bird => "BIRD 2/3",
            Vendor::Frr => "FRR",
            Vendor::Junos => "Junos",
            Vendor::IosXr => "Cisco IOS XR",
            Vendor::Eos => "Arista EOS",
            Vendor::RouterOs => "MikroTik RouterOS 7",
        }
    }

    /// Its key in the API (`bird`, `frr`, …).
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Bird => "bird",
            Vendor::Frr => "frr",
            Vendor::Junos => "junos",
            Vendor::IosXr => "ios_xr",
            Vendor::Eos => "eos",
            Vendor::RouterOs => "routeros",
        }
    }
}

/// One route server as members peer with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteServerPeer {
    /// Short name shown to members (`rs1`): letters, digits, `-` and `_`.
    pub name: String,
    pub asn: u32,
    pub address: IpAddr,
}

/// Everything a member's router needs to peer with the route servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterConfig {
    pub network_id: String,
    pub network_name: String,
    pub member_asn: u32,
    /// The member's address on the peering LAN (the one the portal assigned).
    pub member_address: IpAddr,
    /// The prefix length of the peering LAN (64 for the network's IPv6 /64).
    pub lan_prefix_length: u8,
    pub route_servers: Vec<RouteServerPeer>,
    /// The route servers' import limits for this member (a hint for the member's side).
    pub max_prefixes_v4: u32,
    pub max_prefixes_v6: u32,
}

impl RouterConfig {
    /// The neighbor blocks for `vendor`, byte-identical for the same inputs.
    pub fn render(&self, vendor: Vendor) -> String {
        match vendor {
            Vendor::Bird => vendors::bird(self),
            Vendor::Frr => vendors::frr(self),
            Vendor::Junos => vendors::junos(self),
            Vendor::IosXr => vendors::ios_xr(self),
            Vendor::Eos => vendors::eos(self),
            Vendor::RouterOs => vendors::routeros(self),
        }
    }

    /// The commands that join the node to the network and check it.
    pub fn join_commands(&self) -> String {
        let first = self.route_servers.first().map(|rs| rs.address.to_string());
        let mut out = format!(
            "zerotier-cli join {id}\n# The network shows status OK and your address {addr}/{len}:\nzerotier-cli listnetworks\n",
            id = self.network_id,
            addr = self.member_address,
            len = self.lan_prefix_length
        );
        if let Some(rs) = first {
            out.push_str(&format!("# The route server answers:\nping -c 3 {rs}\n"));
        }
        out
    }

    /// A session per route server whose address family is IPv6 carries IPv4 too.
    fn sessions(&self) -> impl Iterator<Item = (&RouteServerPeer, bool)> {
        self.route_servers.iter().map(|rs| (rs, rs.address.is_ipv6()))
    }
}

/// A route-server name is safe in every platform's syntax (identifiers, quoted strings).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 32 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_break_a_snippet_are_refused() {
        assert!(valid_name("rs1"));
        assert!(valid_name("rs-fra_2"));
        for bad in ["", "rs 1", "rs\"1", "rs;1", "rs{1}", &"r".repeat(33)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
