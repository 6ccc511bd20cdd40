//! What the turn-up parts of a request page read: BGP sessions per route server, the
//! node's state, the router configuration and the filtered routes.

use serde::{Deserialize, Serialize};

/// A BGP session's state; `Unknown` when its route server could not be read lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Established,
    Idle,
    Connect,
    Active,
    #[serde(rename = "opensent")]
    OpenSent,
    #[serde(rename = "openconfirm")]
    OpenConfirm,
    Down,
    Unknown,
}

/// Routes of one address family on one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRoutes {
    pub received: i64,
    pub accepted: i64,
    pub filtered: i64,
    pub exported: i64,
}

/// One BGP session between a route server and the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgpSession {
    /// The route server's name (`rs1`), or its host when it has none.
    pub route_server: String,
    /// The member's address the session is with.
    pub neighbor: String,
    pub state: SessionStatus,
    /// When the portal first saw the current state (RFC 3339).
    pub state_since: String,
    /// The route server's own "since" column, as it printed it.
    pub since_text: String,
    pub last_error: Option<String>,
    pub ipv4: SessionRoutes,
    pub ipv6: SessionRoutes,
    /// When the route server was last read (RFC 3339).
    pub read_at: Option<String>,
}

/// A route server whose sessions could not be read lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadRouteServer {
    pub route_server: String,
    pub read_at: Option<String>,
    /// Why the last read failed: admins only.
    pub error: Option<String>,
}

/// Whether the member's ZeroTier node is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// Reached directly.
    Online,
    /// Reached only through a relay.
    Relayed,
    /// Seen before, not lately.
    Offline,
    /// Never seen by the controller.
    Unseen,
}

/// The member's node as the controller last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeState {
    pub node_id: String,
    pub state: NodeStatus,
    pub last_seen_at: Option<String>,
    pub version: Option<String>,
    pub latency_ms: Option<i32>,
    pub read_at: String,
}

/// A route server as members configure it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteServerPeer {
    pub name: String,
    pub asn: u32,
    pub address: String,
}

/// One platform's configuration snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSnippet {
    /// `bird`, `frr`, `junos`, `ios_xr`, `eos`, `routeros`.
    pub vendor: String,
    pub label: String,
    pub text: String,
}

/// What the member types on their router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterConfig {
    pub network_id: String,
    pub member_asn: u32,
    pub member_address: String,
    pub route_servers: Vec<RouteServerPeer>,
    /// `zerotier-cli join` and how to check it.
    pub join: String,
    pub snippets: Vec<RouterSnippet>,
}

/// Turn-up and live state of an active member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnUp {
    /// The exchange reads its route servers' sessions (route servers are configured).
    pub sessions_read: bool,
    /// When every route server first had an established session (RFC 3339).
    pub established_at: Option<String>,
    pub sessions: Vec<BgpSession>,
    pub unread: Vec<UnreadRouteServer>,
    pub node: Option<NodeState>,
    pub router_config: Option<RouterConfig>,
    /// What the member should fix in PeeringDB for this connection (its ASN only).
    pub peeringdb: Option<super::NetixlanCheck>,
}

/// One route the route servers filtered, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilteredRoute {
    pub route_server: String,
    pub prefix: String,
    pub as_path: String,
    pub next_hop: String,
    /// Reason slugs (`rpki_invalid`, `not_in_irr`, …) or `code_<n>` for codes the
    /// portal does not know.
    pub reasons: Vec<String>,
}

/// One page of a member's filtered routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilteredRoutes {
    pub request_id: String,
    pub asn: i64,
    pub routes: Vec<FilteredRoute>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Route servers that could not be read (their routes are missing).
    pub unread: Vec<UnreadRouteServer>,
    pub read_at: String,
}
