//! Deterministic IPv6 addresses (SPEC §6).
//!
//! The n-th node of ASN A on a network: write A as ten decimal digits d0…d9; the
//! interface identifier is `[d4 d5] [d6 d7 d8 d9] [d0 d1 d2 d3] [n]`, each group of
//! decimal digits read as hex digits (n, 1..9999, likewise). For ASNs up to 999999 this
//! is the usual `decimal_split_2_4` layout (third hextet 0).
//!
//! Sequences are per (network, ASN), allocated when a request is first provisioned,
//! never reused, and one request keeps its address across retries.

use std::net::Ipv6Addr;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use crate::entities::{zt_ipv6_allocation_state as state, zt_ipv6_assignment as assignment};
use crate::types::{Asn, Ipv6Prefix};

/// The largest sequence the layout can write (four decimal digits).
pub const MAX_SEQUENCE: u32 = 9999;

/// Decimal digits read as hexadecimal: "5001" → 0x5001.
fn decimal_as_hex(digits: &str) -> u16 {
    u16::from_str_radix(digits, 16).expect("decimal digits are hex digits")
}

/// The address of the `sequence`-th node of `asn` in `prefix`.
pub fn address(prefix: &Ipv6Prefix, asn: Asn, sequence: u32) -> Option<Ipv6Addr> {
    if !(1..=MAX_SEQUENCE).contains(&sequence) {
        return None;
    }
    let d = format!("{:010}", asn.get());
    let hextets = [decimal_as_hex(&d[4..6]), decimal_as_hex(&d[6..10]), decimal_as_hex(&d[0..4]), decimal_as_hex(&sequence.to_string())];
    let interface_id = hextets.iter().fold(0u64, |acc, h| (acc << 16) | u64::from(*h));
    Some(prefix.with_interface_id(interface_id))
}

/// Why no address could be given.
#[derive(Debug, thiserror::Error)]
pub enum AllocationError {
    #[error("all {MAX_SEQUENCE} addresses of AS{asn} on network {network} are used")]
    Exhausted { asn: Asn, network: String },
    #[error("network {0} has no IPv6 prefix configured")]
    NoPrefix(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The request's address: the one it already has, or the next sequence of its ASN.
pub async fn allocate<C: TransactionTrait>(
    db: &C,
    request_id: Uuid,
    network: &str,
    prefix: Option<&Ipv6Prefix>,
    asn: Asn,
) -> Result<assignment::Model, AllocationError> {
    let txn = crate::db::begin_write(db).await?;
    if let Some(existing) = assignment::Entity::find()
        .filter(assignment::Column::JoinRequestId.eq(request_id))
        .one(&txn)
        .await?
    {
        return Ok(existing);
    }
    let prefix = prefix.ok_or_else(|| AllocationError::NoPrefix(network.to_owned()))?;
    let sequence = next_sequence(&txn, network, asn).await?;
    let ip = address(prefix, asn, sequence).ok_or_else(|| AllocationError::Exhausted { asn, network: network.to_owned() })?;
    let row = assignment::ActiveModel {
        id: Set(Uuid::new_v4()),
        join_request_id: Set(request_id),
        zt_network_id: Set(network.to_owned()),
        asn: Set(asn.as_i64()),
        sequence: Set(sequence as i32),
        assigned_ip: Set(ip.to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Bumps the (network, ASN) counter in one atomic upsert and returns the new value.
async fn next_sequence<C: ConnectionTrait>(conn: &C, network: &str, asn: Asn) -> Result<u32, AllocationError> {
    let used = state::Entity::find()
        .filter(state::Column::ZtNetworkId.eq(network))
        .filter(state::Column::Asn.eq(asn.as_i64()))
        .one(conn)
        .await?
        .map_or(0, |s| s.last_sequence as u32);
    if used >= MAX_SEQUENCE {
        return Err(AllocationError::Exhausted { asn, network: network.to_owned() });
    }
    let now = Utc::now();
    let upsert = state::Entity::insert(state::ActiveModel {
        id: Set(Uuid::new_v4()),
        zt_network_id: Set(network.to_owned()),
        asn: Set(asn.as_i64()),
        last_sequence: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([state::Column::ZtNetworkId, state::Column::Asn])
            .value(state::Column::LastSequence, Expr::col((state::Entity, state::Column::LastSequence)).add(1))
            .value(state::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
    )
    .exec_with_returning(conn)
    .await?;
    Ok(upsert.last_sequence as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Ipv6Prefix {
        Ipv6Prefix::parse(s).unwrap()
    }

    fn asn(n: i64) -> Asn {
        Asn::parse(n).unwrap()
    }

    #[test]
    fn the_specified_example() {
        assert_eq!(address(&p("2001:db8:1::/64"), asn(65001), 1).unwrap().to_string(), "2001:db8:1:0:6:5001:0:1");
    }

    #[test]
    fn small_asns_match_decimal_split_2_4() {
        assert_eq!(address(&p("2001:db8::/64"), asn(64500), 2).unwrap().to_string(), "2001:db8::6:4500:0:2");
        assert_eq!(address(&p("2001:db8::/64"), asn(13335), 1).unwrap().to_string(), "2001:db8::1:3335:0:1");
        assert_eq!(address(&p("2001:db8::/64"), asn(1), 1).unwrap().to_string(), "2001:db8::1:0:1");
        assert_eq!(address(&p("2001:db8::/64"), asn(999_999), 9999).unwrap().to_string(), "2001:db8::99:9999:0:9999");
    }

    #[test]
    fn thirty_two_bit_asns_use_the_third_hextet() {
        assert_eq!(address(&p("2001:db8::/64"), asn(4_294_967_295), 1).unwrap().to_string(), "2001:db8::96:7295:4294:1");
        assert_eq!(address(&p("2001:db8::/64"), asn(4_200_000_001), 12).unwrap().to_string(), "2001:db8::1:4200:12");
    }

    #[test]
    fn sequences_are_written_in_decimal_digits() {
        assert_eq!(address(&p("2001:db8::/64"), asn(64500), 10).unwrap().segments()[7], 0x10);
        assert_eq!(address(&p("2001:db8::/64"), asn(64500), 1234).unwrap().segments()[7], 0x1234);
        assert!(address(&p("2001:db8::/64"), asn(64500), 0).is_none());
        assert!(address(&p("2001:db8::/64"), asn(64500), 10_000).is_none());
    }

    #[test]
    fn distinct_inputs_give_distinct_addresses() {
        let mut seen = std::collections::HashSet::new();
        for a in [1, 64500, 64501, 65001, 4_200_000_000, 4_294_967_295] {
            for n in 1..=50 {
                assert!(seen.insert(address(&p("2001:db8::/64"), asn(a), n).unwrap()));
            }
        }
    }
}
