//! What the pages read from their server functions. The server builds these from the
//! domain's read models; the browser renders them. Words are never in here: values are
//! typed (statuses, codes, actions), and the interface chooses the copy.

use serde::{Deserialize, Serialize};

mod accounts;
mod exchange;
mod notify;
mod tokens;
mod turn_up;

pub use exchange::{
    ConnectionState, FindingKind, ListedConnection, ListedExchange, ListedMember, ListedNetwork, ListedRouteServer, MemberList, MemberListing, NetixlanCheck,
    NetixlanFinding,
};

pub use notify::{CreatedWebhook, Delivery, KindChoice, NotificationChoices, NotificationsAdmin, Outbox, WebhookEndpoint};

pub use accounts::{Account, CreatedAccount, PasswordLinkView, TwoFactorSetup, TwoFactorStatus};
pub use tokens::{ApiToken, CreatedToken};

pub use turn_up::{
    BgpSession, FilteredRoute, FilteredRoutes, NodeState, NodeStatus, RouteServerPeer, RouterConfig, RouterSnippet, SessionRoutes, SessionStatus,
    TurnUp, UnreadRouteServer,
};

use crate::{AffiliationDecision, AsnSource, PolicySource, AuditAction, AuthMethod, BlockedReason, DecisionSource, FailureCode, RequestStatus, SystemActor};

/// The logged-in person, as the interface needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub auth_method: AuthMethod,
}

/// Which ways of logging in this exchange offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginOptions {
    pub local: bool,
    pub peeringdb: bool,
}

/// One exchange network as operators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSummary {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub ipv6_prefix: Option<String>,
}

/// The networks open for requests, and when the list was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkOverview {
    pub networks: Vec<NetworkSummary>,
    /// RFC 3339 UTC.
    pub checked_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsnOption {
    pub asn: i64,
    pub net_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkOption {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// What the onboarding form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    pub asns: Vec<AsnOption>,
    pub networks: Vec<NetworkOption>,
    pub restricted: bool,
    pub blocked_reason: Option<BlockedReason>,
}

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: String,
    pub asn: i64,
    pub zt_network_id: String,
    pub network_name: String,
    pub status: RequestStatus,
    pub node_id: Option<String>,
    pub assigned_ipv6: Option<String>,
    pub requested_at: String,
    pub updated_at: String,
    /// Admin lists: who asked.
    pub operator: Option<String>,
    /// The requester no longer holds the ASN; an admin decides.
    pub affiliation_lost: bool,
    /// The member's BGP sessions, once provisioned (filled where lists show them).
    pub sessions: Option<SessionCount>,
}

/// How many of a member's BGP sessions are established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCount {
    pub established: u32,
    pub total: u32,
    /// On route servers that could not be read lately.
    pub unknown: u32,
}

/// One step of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub status: RequestStatus,
    pub at: String,
    /// A rejection's reason; for admins also a failure's full text.
    pub note: Option<String>,
    /// Why an attempt failed, shown to members in their language.
    pub failure_code: Option<FailureCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub member_id: String,
    pub is_authorized: bool,
    pub assigned_ips: Vec<String>,
}

/// A request with everything its detail page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub notes: Option<String>,
    pub reject_reason: Option<String>,
    /// The full text of the last failure: admins only.
    pub last_error: Option<String>,
    /// The kind of the last failure, which members are told about in their language.
    pub last_error_code: Option<FailureCode>,
    pub last_error_at: Option<String>,
    pub retry_count: i32,
    pub membership: Option<Membership>,
    pub timeline: Vec<TimelineEntry>,
    /// Nothing will change without a person acting: stop polling.
    pub settled: bool,
    /// Why an admin suspended or removed the member, or the member's note on leaving.
    pub status_reason: Option<String>,
    /// When the requester stopped holding the ASN (RFC 3339); admins decide.
    pub affiliation_lost_at: Option<String>,
    /// The node a replacement took over from, while it is taken off the controller.
    pub retiring_node_id: Option<String>,
    /// The controller and the route servers are still being brought in line.
    pub converging: bool,
    /// Every node the request had before, oldest first.
    pub node_history: Vec<NodeChange>,
    /// The request's audit events as its member sees them (oldest first): who acted is
    /// "you", "the exchange" or a part of the portal, without internal details. Empty
    /// on the admins' page, which shows the full trail.
    pub activity: Vec<AuditLine>,
    /// What the route servers apply to this member (filled where the policy is known).
    pub route_policy: Option<RoutePolicy>,
    /// Sessions, node state and router configuration, once the member is provisioned.
    pub turn_up: Option<TurnUp>,
}

/// A member's route-server policy as the route servers apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutePolicy {
    pub max_prefixes_v4: u32,
    pub max_prefixes_v4_source: PolicySource,
    pub max_prefixes_v6: u32,
    pub max_prefixes_v6_source: PolicySource,
    /// The AS-SET names the IRR filter is built from (`AS<asn>` when none is registered).
    pub as_set: String,
    pub as_set_source: PolicySource,
    /// PeeringDB says the network does not announce via route servers.
    pub never_via_route_servers: bool,
    /// `enforce` or `tag`; `None` when the exchange does not filter by IRR.
    pub irr_mode: Option<String>,
    /// Route objects per family and origin ASNs of the last good expansion.
    pub irr_prefixes_v4: Option<u32>,
    pub irr_prefixes_v6: Option<u32>,
    pub irr_origins: Option<u32>,
    pub irr_expanded_at: Option<String>,
    /// The last successful read of PeeringDB's record (RFC 3339).
    pub peeringdb_fetched_at: Option<String>,
    /// Why the last PeeringDB read failed, and when: admins only.
    pub peeringdb_error: Option<String>,
    pub peeringdb_attempted_at: Option<String>,
    /// Why the last IRR expansion failed: admins only.
    pub irr_error: Option<String>,
    /// The admin's overrides: admins only.
    pub override_max_prefixes_v4: Option<u32>,
    pub override_max_prefixes_v6: Option<u32>,
    pub override_as_set: Option<String>,
}

/// One node replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeChange {
    pub from: String,
    pub to: String,
    pub at: String,
}

/// One page of the admin queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPage {
    pub total: u64,
    pub rows: Vec<RequestSummary>,
    pub offset: u64,
    pub limit: u64,
    pub next_offset: Option<u64>,
}

/// Who asked, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub name: String,
    pub username: String,
    pub email: Option<String>,
    pub peeringdb_user_id: Option<i64>,
    /// Where their right to the request's ASN comes from; `None` when they lost it.
    pub asn_source: Option<AsnSource>,
    pub asn_net_name: Option<String>,
    pub network_restrictions: Vec<String>,
}

/// Who caused an audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditActor {
    /// A person, by their display name.
    Person(String),
    /// A person whose account no longer exists, by id.
    FormerUser(String),
    System(SystemActor),
    /// The member reading their own request's events.
    You,
    /// An exchange admin, as members see one.
    Exchange,
}

/// What an audit event adds to its action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditNote {
    /// An admin's reason for a rejection.
    Reason(String),
    /// How an approval was decided.
    Decision(DecisionSource),
    /// A failed attempt: its kind and full text.
    Failure { code: FailureCode, detail: String },
    /// A route server the event is about, and what it said when it failed.
    RouteServer { host: String, detail: Option<String> },
    /// A node replacement: the previous and the new node id.
    NodeReplaced { from: String, to: String },
    /// A decision about a lost affiliation.
    Affiliation(AffiliationDecision),
    /// What the drift check found, and where.
    Drift { kind: String, place: String, detail: String },
}

/// One line of a request's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    /// `None` for an action this version does not know (written by a newer one); then
    /// `action_code` is shown as it is.
    pub action: Option<AuditAction>,
    pub action_code: String,
    pub actor: AuditActor,
    pub transition: Option<(RequestStatus, RequestStatus)>,
    pub note: Option<AuditNote>,
}

/// One page of the audit log screen, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogPage {
    pub lines: Vec<AuditLogLine>,
    /// The cursor of the next (older) page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogLine {
    pub line: AuditLine,
    pub target_type: String,
    pub target_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDetail {
    pub request: RequestDetail,
    pub operator: Operator,
    /// Other requests of the same ASN.
    pub same_asn: Vec<RequestSummary>,
    pub audit: Vec<AuditLine>,
}
