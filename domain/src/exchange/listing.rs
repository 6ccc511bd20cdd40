//! A member's choice of what the public member list and the IX-F export show of it.
//!
//! Only the optional parts can be withheld (name, member since, max-prefix, AS-SET):
//! the ASN, the addresses, the state and route-server participation are what peers and
//! PeeringDB need to find the member, and stay listed. Whoever holds the ASN chooses;
//! admins may choose for any member.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::audit::{self, Actor, AuditAction, AuditEntry};
use crate::entities::{member_listing, user_asn};
use crate::Services;

pub use contract::view::MemberListing as Listing;

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    /// The person does not hold the ASN (and is no admin).
    #[error("not your ASN")]
    NotHeld,
    #[error(transparent)]
    Database(#[from] DbErr),
}

async fn may_choose<C: ConnectionTrait>(conn: &C, person: Uuid, admin: bool, asn: u32) -> Result<(), ListingError> {
    if admin {
        return Ok(());
    }
    let held = user_asn::Entity::find()
        .filter(user_asn::Column::UserId.eq(person))
        .filter(user_asn::Column::Asn.eq(i64::from(asn)))
        .one(conn)
        .await?
        .is_some();
    if held { Ok(()) } else { Err(ListingError::NotHeld) }
}

/// The listing of `asn` as `person` may see it.
pub async fn get(services: &Services, person: Uuid, admin: bool, asn: u32) -> Result<Listing, ListingError> {
    may_choose(&services.db, person, admin, asn).await?;
    let row = member_listing::Entity::find_by_id(i64::from(asn)).one(&services.db).await?;
    Ok(Listing { asn, details: row.as_ref().map_or(services.settings.exchange.member_details, |r| r.details), chosen: row.is_some() })
}

/// The listings of every ASN `person` holds.
pub async fn of_person(services: &Services, person: Uuid) -> Result<Vec<Listing>, DbErr> {
    let asns: Vec<i64> = user_asn::Entity::find().filter(user_asn::Column::UserId.eq(person)).all(&services.db).await?.into_iter().map(|a| a.asn).collect();
    let chosen: std::collections::HashMap<i64, bool> =
        member_listing::Entity::find().filter(member_listing::Column::Asn.is_in(asns.clone())).all(&services.db).await?.into_iter().map(|r| (r.asn, r.details)).collect();
    let mut listings: Vec<Listing> = asns
        .into_iter()
        .filter_map(|asn| {
            let choice = chosen.get(&asn).copied();
            Some(Listing { asn: u32::try_from(asn).ok()?, details: choice.unwrap_or(services.settings.exchange.member_details), chosen: choice.is_some() })
        })
        .collect();
    listings.sort_by_key(|l| l.asn);
    listings.dedup_by_key(|l| l.asn);
    Ok(listings)
}

/// Records the choice of `person` for `asn`, audited with what it was before; the
/// exchange's published list follows at its next build.
pub async fn set(services: &Services, person: Uuid, admin: bool, asn: u32, details: bool) -> Result<Listing, ListingError> {
    let txn = crate::db::begin_write(&services.db).await?;
    may_choose(&txn, person, admin, asn).await?;
    let before = member_listing::Entity::find_by_id(i64::from(asn)).one(&txn).await?.map(|r| r.details);
    member_listing::Entity::insert(member_listing::ActiveModel { asn: Set(i64::from(asn)), details: Set(details), updated_at: Set(Utc::now()) })
        .on_conflict(OnConflict::column(member_listing::Column::Asn).update_columns([member_listing::Column::Details, member_listing::Column::UpdatedAt]).to_owned())
        .exec_without_returning(&txn)
        .await?;
    if before != Some(details) {
        let entry = AuditEntry::new(Actor::User(person), AuditAction::MemberListingChanged, "asn", asn).with("details", details).with("before", before);
        audit::record(&txn, entry).await?;
    }
    txn.commit().await?;
    services.published.invalidate().await;
    Ok(Listing { asn, details, chosen: true })
}
