//! Reading users and what they may do: their ASNs and network restrictions.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::{app_user, user_asn, user_network_access};

pub async fn find<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<app_user::Model>, DbErr> {
    app_user::Entity::find_by_id(id).one(conn).await
}

/// The ASNs a user may represent, lowest first.
pub async fn asns<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<user_asn::Model>, DbErr> {
    user_asn::Entity::find()
        .filter(user_asn::Column::UserId.eq(user_id))
        .order_by_asc(user_asn::Column::Asn)
        .all(conn)
        .await
}

/// The networks a user is restricted to; empty means unrestricted.
pub async fn network_restrictions<C: ConnectionTrait>(conn: &C, user_id: Uuid) -> Result<Vec<String>, DbErr> {
    Ok(user_network_access::Entity::find()
        .filter(user_network_access::Column::UserId.eq(user_id))
        .order_by_asc(user_network_access::Column::ZtNetworkId)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.zt_network_id)
        .collect())
}
