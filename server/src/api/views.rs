//! The objects of the public JSON API, field for field as SPEC §5 defines them, with
//! their OpenAPI schemas.

use domain::clock::rfc3339;
use domain::entities::{app_user, audit_event, user_asn, zt_network};
use domain::provisioning::failure::{member_last_error, FailureCode};
use contract::{AsnSource, RequestStatus};
use domain::requests::RequestRecord;
use domain::DbErr;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(format = Uuid)]
    pub id: String,
    pub username: String,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub is_admin: bool,
    pub peeringdb_user_id: Option<i64>,
}

impl From<&app_user::Model> for UserView {
    fn from(u: &app_user::Model) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            email: u.email.clone(),
            is_admin: u.is_admin,
            peeringdb_user_id: u.peeringdb_user_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AsnView {
    pub asn: i64,
    pub net_id: Option<i64>,
    pub net_name: Option<String>,
    /// `peeringdb` or `local`.
    #[schema(value_type = String, example = "peeringdb")]
    pub source: AsnSource,
}

impl From<&user_asn::Model> for AsnView {
    fn from(a: &user_asn::Model) -> Self {
        Self { asn: a.asn, net_id: a.net_id, net_name: a.net_name.clone(), source: a.source }
    }
}

pub fn asn_views(rows: &[user_asn::Model]) -> Vec<AsnView> {
    rows.iter().map(AsnView::from).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
}

impl From<&zt_network::Model> for NetworkView {
    fn from(n: &zt_network::Model) -> Self {
        Self { id: n.id.clone(), name: n.name.clone(), description: n.description.clone(), is_active: n.is_active }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ipv6AssignmentView {
    pub zt_network_id: String,
    pub asn: i64,
    pub sequence: i32,
    pub assigned_ip: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    #[schema(format = Uuid)]
    pub id: String,
    pub zt_network_id: String,
    pub node_id: String,
    pub member_id: String,
    pub is_authorized: bool,
    pub assigned_ips: Vec<String>,
}

/// A join request with what provisioning attached to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub user_id: String,
    pub asn: i64,
    pub zt_network_id: String,
    /// `pending`, `approved`, `provisioning`, `active`, `rejected`, `failed`,
    /// `withdrawn`, `offboarding`, `removed` or `suspended`.
    #[schema(value_type = String, example = "pending")]
    pub status: RequestStatus,
    pub node_id: Option<String>,
    pub notes: Option<String>,
    pub reject_reason: Option<String>,
    /// What the last provisioning attempt's failure was. Members read what failed and
    /// what to do; admins (on the `/admin` routes) the full text.
    pub last_error: Option<String>,
    /// The kind of the last failure: `controller_unavailable`, `controller_rejected`,
    /// `node_id_missing`, `node_id_invalid`, `node_in_use`, `address_unavailable`,
    /// `route_server_failed`, `lease_lost` or `internal_error`.
    #[schema(value_type = Option<String>, example = "controller_unavailable")]
    pub last_error_code: Option<FailureCode>,
    pub retry_count: i32,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub provisioned_at: Option<String>,
    pub updated_at: String,
    /// Kept for good once assigned: a removed request's address is retired, never reused.
    pub assigned_ipv6: Option<String>,
    pub ipv6_assignment: Option<Ipv6AssignmentView>,
    pub membership: Option<MembershipView>,
    /// Why an admin suspended or removed the member, or the member's note on leaving.
    pub status_reason: Option<String>,
    /// The node a replacement took over from, while it is being taken off the controller.
    pub retiring_node_id: Option<String>,
    /// When the requester stopped holding the request's ASN (admins decide what happens).
    pub affiliation_lost_at: Option<String>,
    /// The controller and the route servers are still being brought in line with the status.
    pub converging: bool,
    /// After a failed attempt: when the next one is due.
    pub next_attempt_at: Option<String>,
}

impl RequestView {
    /// As the member who filed it reads it.
    pub fn for_member(record: &RequestRecord) -> Result<Self, DbErr> {
        let mut view = Self::for_admin(record)?;
        view.last_error = member_last_error(record.request.last_error_code.as_deref(), record.request.last_error.as_deref());
        Ok(view)
    }

    /// With everything admins need, the full failure text included.
    pub fn for_admin(record: &RequestRecord) -> Result<Self, DbErr> {
        let r = &record.request;
        let membership = match &record.membership {
            Some(m) => Some(MembershipView {
                id: m.id.to_string(),
                zt_network_id: m.zt_network_id.clone(),
                node_id: m.node_id.clone(),
                member_id: m.member_id.clone(),
                is_authorized: m.is_authorized,
                assigned_ips: m.assigned_ips()?.iter().map(ToString::to_string).collect(),
            }),
            None => None,
        };
        Ok(Self {
            id: r.id.to_string(),
            user_id: r.user_id.to_string(),
            asn: r.asn,
            zt_network_id: r.zt_network_id.clone(),
            status: r.status,
            node_id: r.node_id.clone(),
            notes: r.notes.clone(),
            reject_reason: r.reject_reason.clone(),
            last_error: r.last_error.clone(),
            last_error_code: r.last_error.as_ref().map(|_| {
                r.last_error_code.as_deref().and_then(FailureCode::parse).unwrap_or(FailureCode::Internal)
            }),
            retry_count: r.retry_count,
            requested_at: rfc3339(r.requested_at),
            decided_at: r.decided_at.map(rfc3339),
            provisioned_at: r.provisioned_at.map(rfc3339),
            updated_at: rfc3339(r.updated_at),
            assigned_ipv6: record.ipv6.as_ref().map(|a| a.assigned_ip.clone()),
            ipv6_assignment: record.ipv6.as_ref().map(|a| Ipv6AssignmentView {
                zt_network_id: a.zt_network_id.clone(),
                asn: a.asn,
                sequence: a.sequence,
                assigned_ip: a.assigned_ip.clone(),
                created_at: rfc3339(a.created_at),
            }),
            membership,
            status_reason: r.status_reason.clone(),
            retiring_node_id: r.retiring_node_id.clone(),
            affiliation_lost_at: r.affiliation_lost_at.map(rfc3339),
            converging: r.sync_due_at.is_some(),
            next_attempt_at: r.sync_due_at.filter(|_| r.sync_attempts > 0).map(rfc3339),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    #[schema(format = Uuid)]
    pub id: String,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    /// Transition events carry `from_status` and `to_status`; automatic approvals `decision_source`.
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub created_at: String,
}

impl From<&audit_event::Model> for AuditEventView {
    fn from(e: &audit_event::Model) -> Self {
        Self {
            id: e.id.to_string(),
            actor_user_id: e.actor_user_id.map(|u| u.to_string()),
            action: e.action.clone(),
            target_type: e.target_type.clone(),
            target_id: e.target_id.clone(),
            metadata: e.metadata.clone(),
            created_at: rfc3339(e.created_at),
        }
    }
}
