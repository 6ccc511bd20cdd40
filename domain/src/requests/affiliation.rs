//! A requester who no longer holds a request's ASN (PeeringDB stopped granting it, or an
//! admin took a local grant away): the request is flagged, not removed, and admins
//! decide to keep, suspend or remove the member. Getting the ASN back clears the flag.
//! Flag and decisions are audited.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::join_request;
use crate::workflow::RequestStatus;

/// The statuses a lost affiliation is flagged on: every live one but `offboarding`
/// (which is leaving anyway).
const FLAGGED: [RequestStatus; 5] =
    [RequestStatus::Pending, RequestStatus::Approved, RequestStatus::Provisioning, RequestStatus::Active, RequestStatus::Suspended];

/// Flags `user_id`'s live requests on ASNs in `before` but not in `after`, and clears
/// the flag on ASNs in `after`; `actor` is who changed the grants.
pub(crate) async fn follow<C: ConnectionTrait>(conn: &C, user_id: Uuid, before: &[i64], after: &[i64], actor: Actor) -> Result<(), DbErr> {
    let lost: Vec<i64> = before.iter().copied().filter(|asn| !after.contains(asn)).collect();
    let now = Utc::now();
    if !lost.is_empty() {
        let flagged = join_request::Entity::update_many()
            .col_expr(join_request::Column::AffiliationLostAt, Expr::value(now))
            .filter(join_request::Column::UserId.eq(user_id))
            .filter(join_request::Column::Asn.is_in(lost))
            .filter(join_request::Column::Status.is_in(FLAGGED))
            .filter(join_request::Column::AffiliationLostAt.is_null())
            .exec_with_returning(conn)
            .await?;
        for request in flagged {
            audit::record(
                conn,
                AuditEntry::new(actor, AuditAction::JoinRequestAffiliationLost, "join_request", request.id)
                    .with("asn", request.asn)
                    .with("status", request.status.as_str()),
            )
            .await?;
        }
    }
    if !after.is_empty() {
        let restored = join_request::Entity::update_many()
            .col_expr(join_request::Column::AffiliationLostAt, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .filter(join_request::Column::UserId.eq(user_id))
            .filter(join_request::Column::Asn.is_in(after.to_vec()))
            .filter(join_request::Column::AffiliationLostAt.is_not_null())
            .exec_with_returning(conn)
            .await?;
        for request in restored {
            audit::record(
                conn,
                AuditEntry::new(actor, AuditAction::JoinRequestAffiliationDecided, "join_request", request.id)
                    .with("decision", contract::AffiliationDecision::Restored.as_str())
                    .with("asn", request.asn),
            )
            .await?;
        }
    }
    Ok(())
}
