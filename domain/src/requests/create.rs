//! A new join request, checked against every rule: valid input, an active network, an
//! ASN the user may represent, the user's network restrictions, one live request per
//! (ASN, network, node), and a node held by one member only. In `policy_auto` mode it is
//! approved at once.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use super::{eligibility, Ineligible, RequestError, MAX_NOTES_CHARS};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::{app_user, join_request, zt_membership};
use crate::settings::ApprovalMode;
use crate::types::{Asn, NetworkId, NodeId};
use crate::workflow::{self, DecisionSource, RequestStatus};
use crate::Services;

/// The fields an operator sends, as received.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub asn: i64,
    pub zt_network_id: String,
    pub node_id: Option<String>,
    pub notes: Option<String>,
}

struct Valid {
    asn: Asn,
    network: NetworkId,
    node: Option<NodeId>,
    notes: Option<String>,
}

fn validate(input: &NewRequest) -> Result<Valid, RequestError> {
    let asn = Asn::parse(input.asn).map_err(|e| RequestError::validation("asn", e.0))?;
    let network = NetworkId::parse(&input.zt_network_id).map_err(|e| RequestError::validation("zt_network_id", e.0))?;
    // No node yet is said by leaving it out (or null); an empty string is a mistake.
    let node = match input.node_id.as_deref().map(str::trim) {
        None => None,
        Some("") => {
            return Err(RequestError::validation("node_id", "node_id must be 10 hex digits; leave it out (or send null) for no node yet"))
        }
        Some(raw) => Some(NodeId::parse(raw).map_err(|e| RequestError::validation("node_id", e.0))?),
    };
    let notes = input.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if notes.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
        return Err(RequestError::validation("notes", format!("notes must be at most {MAX_NOTES_CHARS} characters")));
    }
    Ok(Valid { asn, network, node, notes })
}

/// Why the new request cannot take its slot, if it cannot: a live request of the same
/// ASN for the same node (a duplicate), or the node held by any other live request or
/// membership on the network, whatever its ASN. Only the caller's own request ids are
/// named; another member's request stays hidden.
async fn slot_conflict<C: ConnectionTrait>(conn: &C, user_id: Uuid, valid: &Valid) -> Result<Option<RequestError>, sea_orm::DbErr> {
    let node = match &valid.node {
        Some(node) => join_request::Column::NodeId.eq(node.as_str()),
        None => join_request::Column::NodeId.is_null(),
    };
    let duplicate = join_request::Entity::find()
        .filter(join_request::Column::Asn.eq(valid.asn.as_i64()))
        .filter(join_request::Column::ZtNetworkId.eq(valid.network.as_str()))
        .filter(Condition::all().add(node))
        .filter(join_request::Column::Status.is_in(RequestStatus::LIVE))
        .one(conn)
        .await?;
    if let Some(existing) = duplicate {
        return Ok(Some(RequestError::Duplicate { existing_request_id: existing.id }));
    }
    let Some(node) = &valid.node else { return Ok(None) };
    let live = join_request::Entity::find()
        .filter(join_request::Column::ZtNetworkId.eq(valid.network.as_str()))
        .filter(join_request::Column::NodeId.eq(node.as_str()))
        .filter(join_request::Column::Status.is_in(RequestStatus::LIVE))
        .one(conn)
        .await?;
    let holder = match live {
        Some(request) => Some(request),
        None => {
            let member = zt_membership::Entity::find()
                .filter(zt_membership::Column::ZtNetworkId.eq(valid.network.as_str()))
                .filter(zt_membership::Column::NodeId.eq(node.as_str()))
                .find_also_related(join_request::Entity)
                .one(conn)
                .await?;
            match member {
                Some((_, request)) => request,
                None => return Ok(None),
            }
        }
    };
    let own_request_id = holder.filter(|r| r.user_id == user_id).map(|r| r.id);
    Ok(Some(RequestError::NodeInUse { own_request_id }))
}

#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn create(services: &Services, user: &app_user::Model, input: NewRequest) -> Result<join_request::Model, RequestError> {
    let valid = validate(&input)?;
    let db = &services.db;

    match eligibility::check(db, user.id, valid.asn.as_i64(), valid.network.as_str()).await? {
        Ok(()) => {}
        Err(Ineligible::NetworkInactive) => return Err(RequestError::InvalidNetwork(valid.network.to_string())),
        Err(Ineligible::AsnNotHeld) => return Err(RequestError::AsnNotAuthorized(valid.asn.as_i64())),
        Err(Ineligible::NetworkNotAllowed) => return Err(RequestError::NetworkNotAuthorized(valid.network.to_string())),
    }
    if let Some(conflict) = slot_conflict(db, user.id, &valid).await? {
        return Err(conflict);
    }

    let txn = db.begin().await?;
    let now = Utc::now();
    let inserted = join_request::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        asn: Set(valid.asn.as_i64()),
        zt_network_id: Set(valid.network.to_string()),
        status: Set(RequestStatus::Pending),
        node_id: Set(valid.node.as_ref().map(|n| n.to_string())),
        notes: Set(valid.notes.clone()),
        reject_reason: Set(None),
        last_error: Set(None),
        last_error_code: Set(None),
        last_error_at: Set(None),
        retry_count: Set(0),
        lease_owner: Set(None),
        lease_expires_at: Set(None),
        requested_at: Set(now),
        decided_at: Set(None),
        provisioned_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        sync_due_at: Set(None),
        sync_attempts: Set(0),
        desired_revision: Set(0),
        retiring_node_id: Set(None),
        status_reason: Set(None),
        affiliation_lost_at: Set(None),
    }
    .insert(&txn)
    .await;
    let request = match inserted {
        Ok(request) => request,
        // Another request took the slot between the check and the insert.
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            drop(txn);
            return match slot_conflict(db, user.id, &valid).await? {
                Some(conflict) => Err(conflict),
                None => Err(RequestError::Database(e)),
            };
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        AuditEntry::new(Actor::User(user.id), AuditAction::JoinRequestCreated, "join_request", request.id)
            .with("asn", request.asn)
            .with("zt_network_id", request.zt_network_id.as_str())
            .with("node_id", request.node_id.clone())
            .with("to_status", request.status.as_str()),
    )
    .await?;
    let request = match services.settings.workflow.approval_mode {
        ApprovalMode::ManualAdmin => request,
        ApprovalMode::PolicyAuto => {
            workflow::approve(&txn, request.id, Actor::System(SystemActor::PolicyAuto), DecisionSource::PolicyAuto).await?
        }
    };
    txn.commit().await?;
    if request.status == RequestStatus::Approved {
        crate::provisioning::worker::notify_workers(services).await;
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(asn: i64, network: &str, node: Option<&str>, notes: Option<&str>) -> NewRequest {
        NewRequest { asn, zt_network_id: network.into(), node_id: node.map(Into::into), notes: notes.map(Into::into) }
    }

    fn field_of(r: Result<Valid, RequestError>) -> &'static str {
        match r {
            Err(RequestError::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn every_input_rule_names_its_field() {
        let net = "8056c2e21c000001";
        assert_eq!(field_of(validate(&input(0, net, None, None))), "asn");
        assert_eq!(field_of(validate(&input(4_294_967_296, net, None, None))), "asn");
        assert_eq!(field_of(validate(&input(64500, "xyz", None, None))), "zt_network_id");
        assert_eq!(field_of(validate(&input(64500, net, Some("0000000000"), None))), "node_id");
        assert_eq!(field_of(validate(&input(64500, net, Some("ff00000001"), None))), "node_id");
        assert_eq!(field_of(validate(&input(64500, net, Some("abc"), None))), "node_id");
        let long = "n".repeat(MAX_NOTES_CHARS + 1);
        assert_eq!(field_of(validate(&input(64500, net, None, Some(&long)))), "notes");
    }

    #[test]
    fn input_is_normalised() {
        let v = validate(&input(64500, "8056C2E21C000001", Some("ABCDEF0123"), Some("  hi  "))).ok().unwrap();
        assert_eq!(v.network.as_str(), "8056c2e21c000001");
        assert_eq!(v.node.unwrap().as_str(), "abcdef0123");
        assert_eq!(v.notes.as_deref(), Some("hi"));
        assert!(validate(&input(64500, "8056c2e21c000001", None, Some(""))).ok().unwrap().node.is_none());
        assert_eq!(field_of(validate(&input(64500, "8056c2e21c000001", Some(""), None))), "node_id");
        assert_eq!(field_of(validate(&input(64500, "8056c2e21c000001", Some("  "), None))), "node_id");
        let exactly = "é".repeat(MAX_NOTES_CHARS);
        assert!(validate(&input(64500, "8056c2e21c000001", None, Some(&exactly))).is_ok());
    }
}
