//! Join requests for the screens: onboarding, the operator's own requests, and the
//! admin queue. Every function is a thin adapter over `domain::requests`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
    /// `no_eligible_asn` or `no_available_network`.
    pub blocked_reason: Option<String>,
}

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: String,
    pub asn: i64,
    pub zt_network_id: String,
    pub network_name: String,
    pub status: String,
    pub node_id: Option<String>,
    pub assigned_ipv6: Option<String>,
    pub requested_at: String,
    pub updated_at: String,
    /// Admin lists: who asked.
    pub operator: Option<String>,
}

/// One step of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub status: String,
    pub at: String,
    /// A rejection's reason; for admins also a failure's full text.
    pub note: Option<String>,
    /// Why an attempt failed (`provisioning::failure` codes), shown to members in their language.
    pub failure_code: Option<String>,
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
    pub last_error_code: Option<String>,
    pub last_error_at: Option<String>,
    pub retry_count: i32,
    pub membership: Option<Membership>,
    pub timeline: Vec<TimelineEntry>,
    /// Nothing will change without a person acting: stop polling.
    pub settled: bool,
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
    pub asn_source: Option<String>,
    pub asn_net_name: Option<String>,
    pub network_restrictions: Vec<String>,
}

/// One audit event, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDetail {
    pub request: RequestDetail,
    pub operator: Operator,
    /// Other requests of the same ASN.
    pub same_asn: Vec<RequestSummary>,
    pub audit: Vec<AuditLine>,
}

#[server(prefix = "/api/ui", endpoint = "onboarding")]
pub async fn get_onboarding() -> Result<Onboarding, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let ctx = domain::requests::onboarding_context(&services.db, session.user.id).await.map_err(AppError::internal)?;
    Ok(Onboarding {
        asns: ctx.eligible_asns.iter().map(|a| AsnOption { asn: a.asn, net_name: a.net_name.clone() }).collect(),
        networks: ctx
            .networks
            .iter()
            .map(|n| NetworkOption { id: n.id.clone(), name: n.name.clone(), description: n.description.clone() })
            .collect(),
        restricted: ctx.has_network_restrictions(),
        blocked_reason: ctx.blocked_reason.map(|r| r.as_str().to_owned()),
    })
}

/// Files a request; the browser then goes to its page.
#[server(prefix = "/api/ui", endpoint = "create-request")]
pub async fn create_request(
    asn: i64,
    zt_network_id: String,
    node_id: Option<String>,
    notes: Option<String>,
) -> Result<String, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    // The form's empty field means "no node yet".
    let node_id = node_id.filter(|n| !n.trim().is_empty());
    let input = domain::requests::NewRequest { asn, zt_network_id, node_id, notes };
    let created = domain::requests::create(&services, &session.user, input).await.map_err(AppError::from_request_error)?;
    let id = created.id.to_string();
    leptos_axum::redirect(&format!("/requests/{id}"));
    Ok(id)
}

#[server(prefix = "/api/ui", endpoint = "my-requests")]
pub async fn my_requests() -> Result<Vec<RequestSummary>, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let records = domain::requests::list_for_user(&services.db, session.user.id).await.map_err(AppError::internal)?;
    let names = crate::server::network_names(&services).await?;
    Ok(records.iter().map(|r| crate::server::summary(r, &names, None)).collect())
}

#[server(prefix = "/api/ui", endpoint = "my-request")]
pub async fn my_request(id: String) -> Result<RequestDetail, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused("request_not_found"))?;
    let record = domain::requests::find_for_user(&services.db, session.user.id, id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::refused("request_not_found"))?;
    let events = domain::audit::for_target(&services.db, "join_request", &id.to_string()).await.map_err(AppError::internal)?;
    let names = crate::server::network_names(&services).await?;
    Ok(crate::server::detail(&record, &events, &names, crate::server::Audience::Member))
}

#[server(prefix = "/api/ui", endpoint = "admin-requests")]
pub async fn admin_requests(
    status: Option<String>,
    asn: Option<String>,
    zt_network_id: Option<String>,
    min_age_minutes: Option<u32>,
    offset: Option<u64>,
) -> Result<AdminPage, AppError> {
    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let filters = crate::server::admin_filters(status, asn, zt_network_id, min_age_minutes)?;
    let (offset, limit) = (offset.unwrap_or(0), crate::server::ADMIN_PAGE_SIZE);
    let page = domain::requests::admin_list(&services.db, &filters, limit, offset).await.map_err(AppError::internal)?;
    let names = crate::server::network_names(&services).await?;
    let operators = crate::server::operator_names(&services, &page.records).await?;
    Ok(AdminPage {
        total: page.total,
        rows: page
            .records
            .iter()
            .map(|r| crate::server::summary(r, &names, operators.get(&r.request.user_id).cloned()))
            .collect(),
        offset,
        limit,
        next_offset: page.next_offset,
    })
}

#[server(prefix = "/api/ui", endpoint = "admin-request")]
pub async fn admin_request(id: String) -> Result<AdminDetail, AppError> {
    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused("request_not_found"))?;
    crate::server::admin_detail(&services, id).await
}

#[server(prefix = "/api/ui", endpoint = "approve-request")]
pub async fn approve_request(id: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused("request_not_found"))?;
    domain::requests::approve(&services, admin.user.id, id).await.map_err(AppError::from_request_error)?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "reject-request")]
pub async fn reject_request(id: String, reject_reason: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused("request_not_found"))?;
    domain::requests::reject(&services, admin.user.id, id, Some(&reject_reason)).await.map_err(AppError::from_request_error)?;
    Ok(())
}

#[server(prefix = "/api/ui", endpoint = "retry-request")]
pub async fn retry_request(id: String) -> Result<(), AppError> {
    let admin = crate::server::require_admin().await?;
    let services = crate::server::services()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::refused("request_not_found"))?;
    domain::requests::retry(&services, admin.user.id, id).await.map_err(AppError::from_request_error)?;
    Ok(())
}
