//! From domain records to the view types of `crate::api::requests`.

use std::collections::HashMap;

use domain::clock::rfc3339;
use domain::provisioning::failure::FailureCode;
use domain::entities::audit_event;
use domain::requests::{AdminFilters, RequestRecord, MAX_MIN_AGE_MINUTES};
use domain::types::{Asn, NetworkId};
use domain::workflow::RequestStatus;
use domain::Services;
use uuid::Uuid;

use crate::api::requests::{
    AdminDetail, AuditLine, Membership, Operator, RequestDetail, RequestSummary, TimelineEntry,
};
use crate::error::AppError;

/// Rows per page of the admin queue.
pub const ADMIN_PAGE_SIZE: u64 = 25;

/// Network id → name.
pub async fn network_names(services: &Services) -> Result<HashMap<String, String>, AppError> {
    Ok(domain::networks::list(&services.db)
        .await
        .map_err(AppError::internal)?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect())
}

/// User id → display name, for the users behind `records`.
pub async fn operator_names(services: &Services, records: &[RequestRecord]) -> Result<HashMap<Uuid, String>, AppError> {
    let mut names = HashMap::new();
    for record in records {
        let id = record.request.user_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            if let Some(user) = domain::identity::users::find(&services.db, id).await.map_err(AppError::internal)? {
                slot.insert(user.full_name.unwrap_or(user.username));
            }
        }
    }
    Ok(names)
}

pub fn summary(record: &RequestRecord, names: &HashMap<String, String>, operator: Option<String>) -> RequestSummary {
    let r = &record.request;
    RequestSummary {
        id: r.id.to_string(),
        asn: r.asn,
        zt_network_id: r.zt_network_id.clone(),
        network_name: names.get(&r.zt_network_id).cloned().unwrap_or_else(|| r.zt_network_id.clone()),
        status: r.status.as_str().to_owned(),
        node_id: r.node_id.clone(),
        assigned_ipv6: record.ipv6.as_ref().map(|a| a.assigned_ip.clone()),
        requested_at: rfc3339(r.requested_at),
        updated_at: rfc3339(r.updated_at),
        operator,
    }
}

/// Who reads a request: its member sees what failed in plain words, admins the full text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Member,
    Admin,
}

fn timeline(events: &[audit_event::Model], audience: Audience) -> Vec<TimelineEntry> {
    let text = |e: &audit_event::Model, key: &str| e.metadata.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    events
        .iter()
        .filter_map(|e| {
            let status = e.metadata.get("to_status")?.as_str()?.to_owned();
            let (note, failure_code) = match status.as_str() {
                "rejected" => (text(e, "reject_reason"), None),
                "failed" => {
                    let code = text(e, "error_code").or_else(|| Some(FailureCode::Internal.as_str().to_owned()));
                    (if audience == Audience::Admin { text(e, "error") } else { None }, code)
                }
                _ => (None, None),
            };
            Some(TimelineEntry { status, at: rfc3339(e.created_at), note, failure_code })
        })
        .collect()
}

pub fn detail(record: &RequestRecord, events: &[audit_event::Model], names: &HashMap<String, String>, audience: Audience) -> RequestDetail {
    let r = &record.request;
    let failed = r.last_error.is_some() || r.last_error_code.is_some();
    RequestDetail {
        summary: summary(record, names, None),
        notes: r.notes.clone(),
        reject_reason: r.reject_reason.clone(),
        last_error: if audience == Audience::Admin { r.last_error.clone() } else { None },
        last_error_code: failed.then(|| r.last_error_code.clone().unwrap_or_else(|| FailureCode::Internal.as_str().to_owned())),
        last_error_at: r.last_error_at.map(rfc3339),
        retry_count: r.retry_count,
        membership: record.membership.as_ref().map(|m| Membership {
            member_id: m.member_id.clone(),
            is_authorized: m.is_authorized,
            assigned_ips: serde_json::from_value(m.assigned_ips.clone()).unwrap_or_default(),
        }),
        timeline: timeline(events, audience),
        settled: r.status.is_settled(),
    }
}

/// The admin queue's filters from the form, checked like the JSON API checks them.
pub fn admin_filters(
    status: Option<String>,
    asn: Option<String>,
    zt_network_id: Option<String>,
    min_age_minutes: Option<u32>,
) -> Result<AdminFilters, AppError> {
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let invalid = |field: &str, message: String| AppError::Refused {
        code: "validation_error".into(),
        retry_after: None,
        detail: Some(format!("{field}: {message}")),
    };
    Ok(AdminFilters {
        status: match present(status) {
            None => None,
            Some(s) => Some(RequestStatus::parse(&s).ok_or_else(|| invalid("status", format!("unknown status '{s}'")))?),
        },
        asn: match present(asn) {
            None => None,
            Some(s) => Some(s.parse::<Asn>().map_err(|e| invalid("asn", e.0))?.as_i64()),
        },
        zt_network_id: match present(zt_network_id) {
            None => None,
            Some(s) => Some(NetworkId::parse(&s).map_err(|e| invalid("zt_network_id", e.0))?.to_string()),
        },
        min_age_minutes: match min_age_minutes {
            Some(m) if m > MAX_MIN_AGE_MINUTES => {
                return Err(invalid("min_age_minutes", format!("must be at most {MAX_MIN_AGE_MINUTES}")));
            }
            other => other,
        },
    })
}

fn describe(event: &audit_event::Model) -> String {
    let m = &event.metadata;
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (m.get("from_status").and_then(|v| v.as_str()), m.get("to_status").and_then(|v| v.as_str())) {
        parts.push(format!("{from} → {to}"));
    }
    for key in ["decision_source", "reject_reason", "error", "worker"] {
        if let Some(value) = m.get(key).and_then(|v| v.as_str()) {
            parts.push(format!("{key}: {value}"));
        }
    }
    parts.join(" · ")
}

pub async fn admin_detail(services: &Services, id: Uuid) -> Result<AdminDetail, AppError> {
    let (record, events) = domain::requests::admin_detail(&services.db, id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::refused("request_not_found"))?;
    let names = network_names(services).await?;
    let user = domain::identity::users::find(&services.db, record.request.user_id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::internal("request without its user"))?;
    let asns = domain::identity::users::asns(&services.db, user.id).await.map_err(AppError::internal)?;
    let asn = asns.iter().find(|a| a.asn == record.request.asn);
    let restrictions = domain::identity::users::network_restrictions(&services.db, user.id).await.map_err(AppError::internal)?;
    let same_asn = domain::requests::admin_list(
        &services.db,
        &AdminFilters { asn: Some(record.request.asn), ..AdminFilters::default() },
        20,
        0,
    )
    .await
    .map_err(AppError::internal)?;
    let mut actors: HashMap<Uuid, String> = HashMap::new();
    for event in &events {
        if let Some(actor) = event.actor_user_id {
            if let std::collections::hash_map::Entry::Vacant(slot) = actors.entry(actor) {
                if let Some(u) = domain::identity::users::find(&services.db, actor).await.map_err(AppError::internal)? {
                    slot.insert(u.full_name.unwrap_or(u.username));
                }
            }
        }
    }
    Ok(AdminDetail {
        request: detail(&record, &events, &names, Audience::Admin),
        operator: Operator {
            name: user.full_name.clone().unwrap_or_else(|| user.username.clone()),
            username: user.username.clone(),
            email: user.email.clone(),
            peeringdb_user_id: user.peeringdb_user_id,
            asn_source: asn.map(|a| match a.source {
                domain::entities::user_asn::AsnSource::Peeringdb => "PeeringDB".to_owned(),
                domain::entities::user_asn::AsnSource::Local => "granted by the exchange".to_owned(),
            }),
            asn_net_name: asn.and_then(|a| a.net_name.clone()),
            network_restrictions: restrictions,
        },
        same_asn: same_asn
            .records
            .iter()
            .filter(|r| r.request.id != id)
            .map(|r| summary(r, &names, None))
            .collect(),
        audit: events
            .iter()
            .map(|e| AuditLine {
                at: rfc3339(e.created_at),
                action: e.action.clone(),
                actor: match e.actor_user_id {
                    Some(actor) => actors.get(&actor).cloned().unwrap_or_else(|| actor.to_string()),
                    None => format!(
                        "system ({})",
                        e.metadata.get("system_actor").and_then(|v| v.as_str()).unwrap_or("portal")
                    ),
                },
                details: describe(e),
            })
            .collect(),
    })
}
