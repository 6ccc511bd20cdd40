//! Reading users and what they may do: their ASNs and network restrictions.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::audit::{Actor, SystemActor};
use crate::entities::user_asn::AsnSource;
use crate::entities::{app_user, user_asn, user_network_access};
use crate::types::Asn;

/// An ASN a user may represent, with the PeeringDB network it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsnGrant {
    pub asn: Asn,
    pub net_id: Option<i64>,
    pub net_name: Option<String>,
}

/// Makes the user's ASNs from `source` exactly `grants`. An ASN granted locally by the
/// exchange wins over the same ASN from PeeringDB. Requests on an ASN the user no
/// longer holds at all are flagged for the admins (`requests::affiliation`).
pub async fn replace_asns<C: ConnectionTrait>(conn: &C, user_id: Uuid, source: AsnSource, grants: &[AsnGrant]) -> Result<(), DbErr> {
    let before: Vec<i64> = asns(conn, user_id).await?.into_iter().map(|a| a.asn).collect();
    store_asns(conn, user_id, source, grants).await?;
    let after: Vec<i64> = asns(conn, user_id).await?.into_iter().map(|a| a.asn).collect();
    let actor = match source {
        AsnSource::Peeringdb => Actor::System(SystemActor::Web),
        AsnSource::Local => Actor::System(SystemActor::Cli),
    };
    crate::requests::affiliation::follow(conn, user_id, &before, &after, actor).await
}

async fn store_asns<C: ConnectionTrait>(conn: &C, user_id: Uuid, source: AsnSource, grants: &[AsnGrant]) -> Result<(), DbErr> {
    user_asn::Entity::delete_many()
        .filter(user_asn::Column::UserId.eq(user_id))
        .filter(user_asn::Column::Source.eq(source))
        .exec(conn)
        .await?;
    let others: Vec<i64> = asns(conn, user_id).await?.into_iter().map(|a| a.asn).collect();
    let now = Utc::now();
    let mut done = Vec::new();
    for grant in grants {
        let asn = grant.asn.as_i64();
        if done.contains(&asn) {
            continue;
        }
        done.push(asn);
        if others.contains(&asn) {
            match source {
                AsnSource::Peeringdb => continue,
                AsnSource::Local => {
                    user_asn::Entity::delete_many()
                        .filter(user_asn::Column::UserId.eq(user_id))
                        .filter(user_asn::Column::Asn.eq(asn))
                        .exec(conn)
                        .await?;
                }
            }
        }
        user_asn::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            asn: Set(asn),
            net_id: Set(grant.net_id),
            net_name: Set(grant.net_name.clone()),
            source: Set(source),
            verified_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

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
