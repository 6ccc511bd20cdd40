//! Who may hold a request: the ASN is theirs, the network is open, and their account may
//! use it. Checked when a request is filed and again when an admin approves or retries
//! it (PeeringDB or an admin may have taken the ASN or the network away meanwhile).

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Ineligible;
use crate::entities::{user_asn, zt_network};
use crate::identity::users;

/// `Ok(Err(why))` when `user_id` may not hold a request for `asn` on `network`.
pub async fn check<C: ConnectionTrait>(conn: &C, user_id: Uuid, asn: i64, network: &str) -> Result<Result<(), Ineligible>, DbErr> {
    let open = zt_network::Entity::find_by_id(network.to_owned()).one(conn).await?.is_some_and(|n| n.is_active);
    if !open {
        return Ok(Err(Ineligible::NetworkInactive));
    }
    let holds_asn = user_asn::Entity::find()
        .filter(user_asn::Column::UserId.eq(user_id))
        .filter(user_asn::Column::Asn.eq(asn))
        .one(conn)
        .await?
        .is_some();
    if !holds_asn {
        return Ok(Err(Ineligible::AsnNotHeld));
    }
    let restrictions = users::network_restrictions(conn, user_id).await?;
    if !restrictions.is_empty() && !restrictions.iter().any(|n| n == network) {
        return Ok(Err(Ineligible::NetworkNotAllowed));
    }
    Ok(Ok(()))
}
