//! Read models of the pages: what each screen shows, built from a fixed number of
//! queries (never one per row) and handed to the interface as `contract::view` types.
//! Members read a failure as its kind; admins also read its full text.

use std::collections::{HashMap, HashSet};

use contract::view::{
    AdminDetail, AdminPage, AsnOption, AuditActor, AuditLine, AuditNote, Membership, NetworkOption, NetworkOverview,
    NetworkSummary, NodeChange, Onboarding, Operator, RequestDetail, RequestSummary, TimelineEntry, Viewer,
};
use contract::{AffiliationDecision, AuditAction, DecisionSource, FailureCode, RequestStatus, SystemActor};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::clock::rfc3339;
use crate::entities::{app_user, audit_event};
use crate::identity::{users, CurrentSession};
use crate::requests::{self, AdminFilters, RequestRecord};
use crate::{audit, networks};

/// Who reads a request: its member sees what failed as a kind, admins the full text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Member,
    Admin,
}

/// Rows per page of the admin queue, on the page as in the API.
pub const ADMIN_PAGE_SIZE: u64 = requests::DEFAULT_PAGE_SIZE;

pub fn viewer(session: &CurrentSession) -> Viewer {
    Viewer {
        id: session.user.id.to_string(),
        username: session.user.username.clone(),
        display_name: session.user.display_name().to_owned(),
        is_admin: session.user.is_admin,
        auth_method: session.auth_method,
    }
}

/// Network id → name, for every network the portal knows (inactive ones included).
async fn network_names<C: ConnectionTrait>(conn: &C) -> Result<HashMap<String, String>, DbErr> {
    Ok(networks::list(conn).await?.into_iter().map(|n| (n.id, n.name)).collect())
}

pub async fn network_overview<C: ConnectionTrait>(conn: &C) -> Result<NetworkOverview, DbErr> {
    let rows = networks::list_active(conn).await?;
    Ok(NetworkOverview {
        networks: rows
            .into_iter()
            .map(|n| NetworkSummary { id: n.id, name: n.name, description: n.description, ipv6_prefix: n.ipv6_prefix })
            .collect(),
        checked_at: crate::clock::now_rfc3339(),
    })
}

pub async fn onboarding<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Onboarding, DbErr> {
    let ctx = requests::onboarding_context(conn, user_id).await?;
    Ok(Onboarding {
        asns: ctx.eligible_asns.iter().map(|a| AsnOption { asn: a.asn, net_name: a.net_name.clone() }).collect(),
        networks: ctx
            .networks
            .iter()
            .map(|n| NetworkOption { id: n.id.clone(), name: n.name.clone(), description: n.description.clone() })
            .collect(),
        restricted: ctx.has_network_restrictions(),
        blocked_reason: ctx.blocked_reason,
    })
}

fn summary(record: &RequestRecord, names: &HashMap<String, String>, operator: Option<String>) -> RequestSummary {
    let r = &record.request;
    RequestSummary {
        id: r.id.to_string(),
        asn: r.asn,
        zt_network_id: r.zt_network_id.clone(),
        network_name: names.get(&r.zt_network_id).cloned().unwrap_or_else(|| r.zt_network_id.clone()),
        status: r.status,
        node_id: r.node_id.clone(),
        assigned_ipv6: record.ipv6.as_ref().map(|a| a.assigned_ip.clone()),
        requested_at: rfc3339(r.requested_at),
        updated_at: rfc3339(r.updated_at),
        operator,
        affiliation_lost: r.affiliation_lost_at.is_some(),
        sessions: None,
    }
}

/// The operator's own requests, newest first.
pub async fn my_requests<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<RequestSummary>, DbErr> {
    let records = requests::list_for_user(conn, user_id).await?;
    let names = network_names(conn).await?;
    Ok(records.iter().map(|r| summary(r, &names, None)).collect())
}

/// One of the operator's own requests with its history; someone else's is `None`.
pub async fn my_request<C: ConnectionTrait>(conn: &C, user_id: Uuid, id: Uuid) -> Result<Option<RequestDetail>, DbErr> {
    let Some(record) = requests::find_for_user(conn, user_id, id).await? else { return Ok(None) };
    let events = audit::for_target(conn, "join_request", &id.to_string()).await?;
    let names = network_names(conn).await?;
    Ok(Some(detail(&record, &events, &names, Audience::Member)?))
}

fn text(event: &audit_event::Model, key: &str) -> Option<String> {
    event.metadata.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn status_of(event: &audit_event::Model, key: &str) -> Option<RequestStatus> {
    event.metadata.get(key).and_then(Value::as_str).and_then(RequestStatus::parse)
}

fn failure_of(event: &audit_event::Model) -> FailureCode {
    text(event, "error_code").and_then(|c| FailureCode::parse(&c)).unwrap_or(FailureCode::Internal)
}

/// The status changes of a request, oldest first.
fn timeline(events: &[audit_event::Model], audience: Audience) -> Vec<TimelineEntry> {
    events
        .iter()
        .filter_map(|e| {
            let status = status_of(e, "to_status")?;
            let (note, failure_code) = match status {
                RequestStatus::Rejected => (text(e, "reject_reason"), None),
                RequestStatus::Failed => ((audience == Audience::Admin).then(|| text(e, "error")).flatten(), Some(failure_of(e))),
                RequestStatus::Offboarding | RequestStatus::Suspended => (text(e, "reason"), None),
                _ => (None, None),
            };
            Some(TimelineEntry { status, at: rfc3339(e.created_at), note, failure_code })
        })
        .collect()
}

fn detail(
    record: &RequestRecord,
    events: &[audit_event::Model],
    names: &HashMap<String, String>,
    audience: Audience,
) -> Result<RequestDetail, DbErr> {
    let r = &record.request;
    let failed = r.last_error.is_some() || r.last_error_code.is_some();
    let membership = match &record.membership {
        Some(m) => Some(Membership {
            member_id: m.member_id.clone(),
            is_authorized: m.is_authorized,
            assigned_ips: m.assigned_ips()?.iter().map(ToString::to_string).collect(),
        }),
        None => None,
    };
    Ok(RequestDetail {
        summary: summary(record, names, None),
        notes: r.notes.clone(),
        reject_reason: r.reject_reason.clone(),
        last_error: if audience == Audience::Admin { r.last_error.clone() } else { None },
        last_error_code: failed.then(|| r.last_error_code.as_deref().and_then(FailureCode::parse).unwrap_or(FailureCode::Internal)),
        last_error_at: r.last_error_at.map(rfc3339),
        retry_count: r.retry_count,
        membership,
        timeline: timeline(events, audience),
        settled: r.status.is_settled() && r.sync_due_at.is_none(),
        status_reason: r.status_reason.clone(),
        affiliation_lost_at: r.affiliation_lost_at.map(rfc3339),
        retiring_node_id: r.retiring_node_id.clone(),
        converging: r.sync_due_at.is_some(),
        node_history: events
            .iter()
            .filter(|e| e.action == AuditAction::JoinRequestNodeReplaced.as_str())
            .filter_map(|e| Some(NodeChange { from: text(e, "from_node_id")?, to: text(e, "to_node_id")?, at: rfc3339(e.created_at) }))
            .collect(),
        activity: match audience {
            Audience::Member => events
                .iter()
                .filter_map(|e| member_line(e, r.user_id))
                .collect(),
            Audience::Admin => Vec::new(),
        },
        route_policy: None,
        turn_up: None,
    })
}

/// An audit event of a member's own request as the member sees it: the lifecycle events
/// members act on (an explicit list, so a new internal action stays internal), admins as "the exchange", and no internal detail (full error texts, route
/// server replies, drift findings).
fn member_line(event: &audit_event::Model, requester: Uuid) -> Option<AuditLine> {
    use AuditAction as A;
    let shown = [
        A::JoinRequestCreated,
        A::JoinRequestApproved,
        A::JoinRequestRejected,
        A::JoinRequestRetried,
        A::JoinRequestProvisioningStarted,
        A::JoinRequestActivated,
        A::JoinRequestFailed,
        A::JoinRequestWithdrawn,
        A::JoinRequestOffboardingStarted,
        A::JoinRequestRemoved,
        A::JoinRequestSuspended,
        A::JoinRequestResumed,
        A::JoinRequestNodeReplaced,
        A::JoinRequestAffiliationLost,
        A::JoinRequestAffiliationDecided,
        A::JoinRequestEstablished,
    ];
    if !AuditAction::parse(&event.action).is_some_and(|a| shown.contains(&a)) {
        return None;
    }
    let mut line = audit_line(event, &HashMap::new());
    line.actor = match event.actor_user_id {
        Some(id) if id == requester => AuditActor::You,
        Some(_) => AuditActor::Exchange,
        None => line.actor,
    };
    line.note = match line.note {
        Some(AuditNote::Failure { code, .. }) => Some(AuditNote::Failure {
            code,
            detail: String::new(),
        }),
        Some(
            note @ (AuditNote::Reason(_)
            | AuditNote::Decision(_)
            | AuditNote::NodeReplaced { .. }
            | AuditNote::Affiliation(_)),
        ) => Some(note),
        _ => None,
    };
    Some(line)
}

/// Display names of `ids`, in one query.
async fn display_names<C: ConnectionTrait>(conn: &C, ids: impl IntoIterator<Item = Uuid>) -> Result<HashMap<Uuid, String>, DbErr> {
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let users = app_user::Entity::find().filter(app_user::Column::Id.is_in(ids)).all(conn).await?;
    Ok(users.into_iter().map(|u| (u.id, u.display_name().to_owned())).collect())
}

/// One page of the admin queue: the page, the network names and the operators' names.
pub async fn admin_queue<C: ConnectionTrait>(conn: &C, filters: &AdminFilters, offset: u64) -> Result<AdminPage, DbErr> {
    let limit = ADMIN_PAGE_SIZE;
    let page = requests::admin_list(conn, filters, limit, offset).await?;
    let names = network_names(conn).await?;
    let operators = display_names(conn, page.records.iter().map(|r| r.request.user_id)).await?;
    Ok(AdminPage {
        total: page.total,
        rows: page.records.iter().map(|r| summary(r, &names, operators.get(&r.request.user_id).cloned())).collect(),
        offset,
        limit,
        next_offset: page.next_offset,
    })
}

fn audit_line(event: &audit_event::Model, people: &HashMap<Uuid, String>) -> AuditLine {
    let action = AuditAction::parse(&event.action);
    let actor = match event.actor_user_id {
        Some(id) => match people.get(&id) {
            Some(name) => AuditActor::Person(name.clone()),
            None => AuditActor::FormerUser(id.to_string()),
        },
        None => AuditActor::System(text(event, "system_actor").and_then(|a| SystemActor::parse(&a)).unwrap_or(SystemActor::Startup)),
    };
    let transition = status_of(event, "from_status").zip(status_of(event, "to_status"));
    let note = match action {
        Some(AuditAction::JoinRequestRejected) => text(event, "reject_reason").map(AuditNote::Reason),
        Some(AuditAction::JoinRequestApproved) => text(event, "decision_source").and_then(|d| DecisionSource::parse(&d)).map(AuditNote::Decision),
        Some(AuditAction::JoinRequestFailed) => Some(AuditNote::Failure { code: failure_of(event), detail: text(event, "error").unwrap_or_default() }),
        Some(AuditAction::RouteServerApplied | AuditAction::RouteServerFailed | AuditAction::RouteServerRemoved | AuditAction::ReconcileStrayRemoved) => {
            text(event, "host").map(|host| AuditNote::RouteServer { host, detail: text(event, "detail") })
        }
        Some(
            AuditAction::JoinRequestWithdrawn
            | AuditAction::JoinRequestOffboardingStarted
            | AuditAction::JoinRequestSuspended,
        ) => text(event, "reason").map(AuditNote::Reason),
        Some(AuditAction::JoinRequestConvergeFailed) => {
            Some(AuditNote::Failure { code: failure_of(event), detail: text(event, "error").unwrap_or_default() })
        }
        Some(AuditAction::JoinRequestNodeReplaced) => text(event, "from_node_id")
            .zip(text(event, "to_node_id"))
            .map(|(from, to)| AuditNote::NodeReplaced { from, to }),
        Some(AuditAction::ReconcileDriftFound) => Some(AuditNote::Drift {
            kind: text(event, "kind").unwrap_or_default(),
            place: text(event, "place").unwrap_or_default(),
            detail: text(event, "detail").unwrap_or_default(),
        }),
        Some(AuditAction::JoinRequestAffiliationDecided) => {
            text(event, "decision").and_then(|d| AffiliationDecision::parse(&d)).map(AuditNote::Affiliation)
        }
        _ => None,
    };
    AuditLine { at: rfc3339(event.created_at), action, action_code: event.action.clone(), actor, transition, note }
}

/// One page of the audit log screen with everyone's names, in three queries.
pub async fn audit_log<C: ConnectionTrait>(conn: &C, query: &crate::audit_log::AuditQuery) -> Result<contract::view::AuditLogPage, DbErr> {
    let page = crate::audit_log::search(conn, query).await?;
    let people = display_names(conn, page.events.iter().filter_map(|e| e.actor_user_id)).await?;
    Ok(contract::view::AuditLogPage {
        lines: page
            .events
            .iter()
            .map(|e| contract::view::AuditLogLine { line: audit_line(e, &people), target_type: e.target_type.clone(), target_id: e.target_id.clone() })
            .collect(),
        next_cursor: page.next.map(|c| c.encode()),
    })
}

/// Everything the admin's request page shows, in a fixed number of queries: the request,
/// its audit trail, the requester with their ASNs and restrictions, the other requests of
/// the ASN, the network names and the names of everyone in the trail.
pub async fn admin_request<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<AdminDetail>, DbErr> {
    let Some((record, events)) = requests::admin_detail(conn, id).await? else { return Ok(None) };
    let requester_id = record.request.user_id;
    let people = display_names(conn, events.iter().filter_map(|e| e.actor_user_id).chain([requester_id])).await?;
    let user = users::find(conn, requester_id).await?.ok_or_else(|| DbErr::RecordNotFound(format!("user {requester_id} of request {id}")))?;
    let asns = users::asns(conn, requester_id).await?;
    let asn = asns.iter().find(|a| a.asn == record.request.asn);
    let restrictions = users::network_restrictions(conn, requester_id).await?;
    let same_asn = requests::admin_list(conn, &AdminFilters { asn: Some(record.request.asn), ..AdminFilters::default() }, 20, 0).await?;
    let names = network_names(conn).await?;
    Ok(Some(AdminDetail {
        request: detail(&record, &events, &names, Audience::Admin)?,
        operator: Operator {
            name: user.display_name().to_owned(),
            username: user.username.clone(),
            email: user.email.clone(),
            peeringdb_user_id: user.peeringdb_user_id,
            asn_source: asn.map(|a| a.source),
            asn_net_name: asn.and_then(|a| a.net_name.clone()),
            network_restrictions: restrictions,
        },
        same_asn: same_asn.records.iter().filter(|r| r.request.id != id).map(|r| summary(r, &names, None)).collect(),
        audit: events.iter().map(|e| audit_line(e, &people)).collect(),
    }))
}
