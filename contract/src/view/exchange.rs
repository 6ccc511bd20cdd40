//! What the exchange publishes: the member list (one read model behind the public
//! `/members` page and the IX-F export) and the checks of the members' PeeringDB entries.

use serde::{Deserialize, Serialize};

/// The exchange and everyone listed on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub exchange: ListedExchange,
    pub networks: Vec<ListedNetwork>,
    pub members: Vec<ListedMember>,
    /// When the list was built (RFC 3339).
    pub built_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedExchange {
    pub shortname: String,
    pub name: String,
    pub url: Option<String>,
    pub peeringdb_ix_id: Option<u32>,
}

/// One peering LAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedNetwork {
    /// The ZeroTier network id (16 hex).
    pub id: String,
    pub vlan_id: u32,
    pub name: String,
    /// `2001:db8:1::/64`
    pub ipv6_prefix: Option<String>,
    pub looking_glass_urls: Vec<String>,
    pub route_servers: Vec<ListedRouteServer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedRouteServer {
    pub name: String,
    pub asn: u32,
    pub address: String,
}

/// One member (an ASN) with its connections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedMember {
    pub asn: u32,
    /// The member's details are listed (its choice, or the exchange's default).
    pub details: bool,
    /// The network's name in PeeringDB (when details are listed).
    pub name: Option<String>,
    /// Earliest activation of its connections (RFC 3339; when details are listed).
    pub member_since: Option<String>,
    pub connections: Vec<ListedConnection>,
}

/// A connection's state as IX-F names it: `active`, or `inactive` while suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Active,
    Inactive,
}

/// One membership on one network (one node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedConnection {
    pub network_id: String,
    pub vlan_id: u32,
    pub state: ConnectionState,
    /// The member's address on the peering LAN.
    pub ipv6: String,
    /// The node's MAC on this network (as ZeroTier derives it).
    pub mac: Option<String>,
    /// Peers with the route servers (configured on them, or a session established).
    pub routeserver: bool,
    pub connected_since: Option<String>,
    /// Route-server import limits and AS-SET (when details are listed).
    pub max_prefix_v4: Option<u32>,
    pub max_prefix_v6: Option<u32>,
    pub as_macro: Option<String>,
}

/// Whether a member's details are listed publicly, for one of its ASNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListing {
    pub asn: u32,
    /// Name, member since, max-prefix and AS-SET are listed.
    pub details: bool,
    /// The member chose; `false`: the exchange's default applies.
    pub chosen: bool,
}

/// What differs between a member's PeeringDB entry and the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// PeeringDB has no entry for the member at the exchange.
    Missing,
    /// PeeringDB lists the member with another IPv6 address.
    WrongAddress,
    /// PeeringDB says the connection is not operational, but it is active.
    NotOperational,
    /// PeeringDB says operational, but the member is suspended.
    Operational,
    /// `is_rs_peer` differs from whether the member peers with the route servers.
    RsPeer,
    /// PeeringDB lists an ASN or address that is no member of the exchange (admins only).
    NotAMember,
}

impl FindingKind {
    pub const ALL: [FindingKind; 6] =
        [Self::Missing, Self::WrongAddress, Self::NotOperational, Self::Operational, Self::RsPeer, Self::NotAMember];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::WrongAddress => "wrong_address",
            Self::NotOperational => "not_operational",
            Self::Operational => "operational",
            Self::RsPeer => "rs_peer",
            Self::NotAMember => "not_a_member",
        }
    }
}

/// One difference, with what each side says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetixlanFinding {
    pub kind: FindingKind,
    pub asn: u32,
    /// The portal's address of the connection concerned (PeeringDB's for
    /// `not_a_member`).
    pub address: Option<String>,
    /// What the portal has (an address, `true`/`false`), if anything.
    pub portal: Option<String>,
    /// What PeeringDB has, if anything.
    pub peeringdb: Option<String>,
    /// The PeeringDB `netixlan` id, if the finding is about one.
    pub netixlan_id: Option<i64>,
}

/// The last check of PeeringDB's entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetixlanCheck {
    pub ixlan_id: i64,
    /// The last check that read PeeringDB (RFC 3339); `None`: never.
    pub checked_at: Option<String>,
    pub attempted_at: String,
    /// The last attempt failed: the findings are from `checked_at`.
    pub stale: bool,
    /// Why the last attempt failed (admins only).
    pub error: Option<String>,
    pub findings: Vec<NetixlanFinding>,
}
