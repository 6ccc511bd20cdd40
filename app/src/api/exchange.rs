//! What the exchange publishes: the public member list, a member's listing choice, and
//! the admins' view of the PeeringDB check.

use leptos::prelude::*;

pub use contract::view::{MemberList, MemberListing, NetixlanCheck};

use crate::error::AppError;

/// Everyone listed on the exchange (public; the same read model as the IX-F export).
#[server(prefix = "/api/ui", endpoint = "members")]
pub async fn public_members() -> Result<MemberList, AppError> {
    let services = crate::server::services()?;
    let built = services.published.get(&services).await.map_err(AppError::internal)?;
    Ok((*built.list).clone())
}

/// The listing choice of each ASN the viewer holds.
#[server(prefix = "/api/ui", endpoint = "my-listings")]
pub async fn my_listings() -> Result<Vec<MemberListing>, AppError> {
    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    domain::exchange::listing::of_person(&services, session.user.id).await.map_err(AppError::internal)
}

/// Lists the ASN's details publicly, or only what peers need to find it.
#[server(prefix = "/api/ui", endpoint = "set-listing")]
pub async fn choose_listing(asn: u32, details: Option<String>) -> Result<(), AppError> {
    use domain::exchange::listing::{set, ListingError};

    let session = crate::server::require_session().await?;
    let services = crate::server::services()?;
    let admin = domain::identity::second_factor::acts_as_admin(&services.db, &services.identity, &session.user).await.map_err(AppError::internal)?;
    match set(&services, session.user.id, admin, asn, details.is_some()).await {
        Ok(_) => Ok(()),
        Err(ListingError::NotHeld) => Err(AppError::refused(contract::ErrorCode::AsnNotAuthorized)),
        Err(ListingError::Database(e)) => Err(AppError::internal(e)),
    }
}

/// The last comparison of PeeringDB's entries with the portal (admins).
#[server(prefix = "/api/ui", endpoint = "netixlan-check")]
pub async fn read_netixlan_check() -> Result<Option<NetixlanCheck>, AppError> {
    crate::server::require_admin().await?;
    let services = crate::server::services()?;
    domain::exchange::netixlan::latest(&services, true).await.map_err(AppError::internal)
}
