//! The members' PeeringDB entries on the exchange's LAN compared with the portal: every
//! `peeringdb.netixlan_interval_seconds` one `GET /api/netixlan?ixlan_id=…` (never a
//! write), compared with the member list. What differs is stored with the time of the
//! check; when PeeringDB cannot be read the previous findings stay, marked stale.

use std::net::Ipv6Addr;

use chrono::Utc;
use contract::view::{ConnectionState, FindingKind, MemberList, NetixlanCheck, NetixlanFinding};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DbErr, EntityTrait, Set};

use crate::clock::rfc3339;
use crate::entities::netixlan_check;
use crate::policy::peeringdb::NetixlanRecord;
use crate::Services;

fn v6(text: Option<&str>) -> Option<Ipv6Addr> {
    text.and_then(|t| t.trim().parse().ok())
}

fn finding(kind: FindingKind, asn: u32, address: Option<String>, portal: Option<String>, peeringdb: Option<String>, netixlan_id: Option<i64>) -> NetixlanFinding {
    NetixlanFinding { kind, asn, address, portal, peeringdb, netixlan_id }
}

/// What differs between the member list and PeeringDB's entries of the exchange LAN.
pub fn compare(list: &MemberList, records: &[NetixlanRecord]) -> Vec<NetixlanFinding> {
    let mut used = vec![false; records.len()];
    let connections: Vec<_> = list.members.iter().flat_map(|m| m.connections.iter().map(move |c| (m.asn, c))).collect();
    let mut findings = Vec::new();
    let mut unmatched = Vec::new();
    // Entries with the member's own address first, so a member on several networks
    // matches each of its entries before any counts as a wrong address.
    for &(asn, c) in &connections {
        let ours = v6(Some(&c.ipv6));
        let exact = records.iter().enumerate().position(|(i, r)| !used[i] && i64::from(asn) == r.asn && ours.is_some() && v6(r.ipaddr6.as_deref()) == ours);
        let Some(i) = exact else {
            unmatched.push((asn, c));
            continue;
        };
        used[i] = true;
        let record = &records[i];
        let active = c.state == ConnectionState::Active;
        if record.operational != active {
            let kind = if active { FindingKind::NotOperational } else { FindingKind::Operational };
            findings.push(finding(kind, asn, Some(c.ipv6.clone()), Some(active.to_string()), Some(record.operational.to_string()), Some(record.id)));
        }
        if record.is_rs_peer != c.routeserver {
            let (portal, peeringdb) = (c.routeserver.to_string(), record.is_rs_peer.to_string());
            findings.push(finding(FindingKind::RsPeer, asn, Some(c.ipv6.clone()), Some(portal), Some(peeringdb), Some(record.id)));
        }
    }
    for (asn, c) in unmatched {
        let other = records.iter().enumerate().position(|(i, r)| !used[i] && i64::from(asn) == r.asn);
        match other {
            Some(i) => {
                used[i] = true;
                let theirs = records[i].ipaddr6.clone();
                findings.push(finding(FindingKind::WrongAddress, asn, Some(c.ipv6.clone()), Some(c.ipv6.clone()), theirs, Some(records[i].id)));
            }
            None => findings.push(finding(FindingKind::Missing, asn, Some(c.ipv6.clone()), Some(c.ipv6.clone()), None, None)),
        }
    }
    for (record, _) in records.iter().zip(&used).filter(|(_, used)| !**used) {
        let Ok(asn) = u32::try_from(record.asn) else { continue };
        let address = record.ipaddr6.clone().or_else(|| record.ipaddr4.clone());
        findings.push(finding(FindingKind::NotAMember, asn, address.clone(), None, address, Some(record.id)));
    }
    findings.sort_by(|a, b| (a.asn, a.kind, &a.address).cmp(&(b.asn, b.kind, &b.address)));
    findings
}

/// One check, if an `ixlan` is configured and PeeringDB's API is on. `Ok(None)`: off.
pub async fn pass(services: &Services) -> Result<Option<NetixlanCheck>, DbErr> {
    let (Some(ixlan_id), Some(api)) = (services.settings.peeringdb.ixlan_id, services.peeringdb_api.as_ref()) else { return Ok(None) };
    let now = Utc::now();
    let list = super::member_list(services).await?;
    let mut row = netixlan_check::ActiveModel { ixlan_id: Set(i64::from(ixlan_id)), attempted_at: Set(now), ..Default::default() };
    let mut fresh: Option<Vec<NetixlanFinding>> = None;
    let update = match api.netixlans(ixlan_id).await {
        Ok(records) => {
            let findings = compare(&list, &records);
            fresh = Some(findings.clone());
            tracing::info!(ixlan_id, entries = records.len(), findings = findings.len(), "PeeringDB entries checked");
            row.checked_at = Set(Some(now));
            row.error = Set(None);
            row.findings = Set(serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()));
            vec![netixlan_check::Column::CheckedAt, netixlan_check::Column::AttemptedAt, netixlan_check::Column::Error, netixlan_check::Column::Findings]
        }
        Err(error) => {
            tracing::warn!(%error, ixlan_id, "PeeringDB entries could not be read; the last findings stay");
            row.checked_at = Set(None);
            row.error = Set(Some(error.to_string()));
            row.findings = Set("[]".into());
            vec![netixlan_check::Column::AttemptedAt, netixlan_check::Column::Error]
        }
    };
    let txn = crate::db::begin_write(&services.db).await?;
    let before: Vec<NetixlanFinding> = netixlan_check::Entity::find_by_id(i64::from(ixlan_id))
        .one(&txn)
        .await?
        .and_then(|r| serde_json::from_str(&r.findings).ok())
        .unwrap_or_default();
    netixlan_check::Entity::insert(row)
        .on_conflict(OnConflict::column(netixlan_check::Column::IxlanId).update_columns(update).to_owned())
        .exec_without_returning(&txn)
        .await?;
    // Admins hear of mismatches when they change, not on every pass.
    if let Some(findings) = fresh.filter(|f| !f.is_empty() && *f != before) {
        let payload = serde_json::json!({ "count": findings.len(), "findings": findings });
        crate::notify::record(&txn, crate::notify::NotificationKind::NetixlanMismatch, None, payload).await?;
    }
    txn.commit().await?;
    latest(services, true).await
}

/// The last check (admins: with why PeeringDB could not be read).
pub async fn latest(services: &Services, admin: bool) -> Result<Option<NetixlanCheck>, DbErr> {
    let Some(ixlan_id) = services.settings.peeringdb.ixlan_id else { return Ok(None) };
    let Some(row) = netixlan_check::Entity::find_by_id(i64::from(ixlan_id)).one(&services.db).await? else { return Ok(None) };
    Ok(Some(NetixlanCheck {
        ixlan_id: row.ixlan_id,
        checked_at: row.checked_at.map(rfc3339),
        attempted_at: rfc3339(row.attempted_at),
        stale: row.error.is_some(),
        error: row.error.filter(|_| admin),
        findings: serde_json::from_str(&row.findings).unwrap_or_default(),
    }))
}

/// What one member should fix for its connection at `address`; `None` when nothing.
pub async fn for_connection(services: &Services, asn: i64, address: &str) -> Result<Option<NetixlanCheck>, DbErr> {
    let Some(mut check) = latest(services, false).await? else { return Ok(None) };
    let ours = v6(Some(address));
    check.findings.retain(|f| i64::from(f.asn) == asn && f.kind != FindingKind::NotAMember && v6(f.address.as_deref()) == ours);
    Ok((!check.findings.is_empty()).then_some(check))
}

/// Findings by kind for `/metrics` (every kind, zero included), and whether they are
/// stale; `None` when no check has run.
pub async fn counts(services: &Services) -> Result<Option<(Vec<(&'static str, u64)>, bool)>, DbErr> {
    let Some(check) = latest(services, true).await? else { return Ok(None) };
    let counts = FindingKind::ALL.iter().map(|k| (k.as_str(), check.findings.iter().filter(|f| f.kind == *k).count() as u64)).collect();
    Ok(Some((counts, check.stale)))
}

#[cfg(test)]
mod tests {
    use contract::view::{ConnectionState, FindingKind, ListedConnection, ListedExchange, ListedMember, MemberList};

    use super::compare;
    use crate::policy::peeringdb::NetixlanRecord;

    fn connection(ipv6: &str, state: ConnectionState, routeserver: bool) -> ListedConnection {
        ListedConnection {
            network_id: "8056c2e21c000001".into(),
            vlan_id: 1,
            state,
            ipv6: ipv6.into(),
            mac: None,
            routeserver,
            connected_since: None,
            max_prefix_v4: None,
            max_prefix_v6: None,
            as_macro: None,
        }
    }

    fn list(members: Vec<(u32, Vec<ListedConnection>)>) -> MemberList {
        MemberList {
            exchange: ListedExchange { shortname: "X".into(), name: "X".into(), url: None, peeringdb_ix_id: None },
            networks: Vec::new(),
            members: members.into_iter().map(|(asn, connections)| ListedMember { asn, details: true, name: None, member_since: None, connections }).collect(),
            built_at: String::new(),
        }
    }

    fn record(id: i64, asn: i64, ipaddr6: Option<&str>, is_rs_peer: bool, operational: bool) -> NetixlanRecord {
        NetixlanRecord { id, asn, ipaddr4: None, ipaddr6: ipaddr6.map(str::to_owned), is_rs_peer, operational, status: Some("ok".into()) }
    }

    fn kinds(list: &MemberList, records: &[NetixlanRecord]) -> Vec<(FindingKind, u32)> {
        compare(list, records).into_iter().map(|f| (f.kind, f.asn)).collect()
    }

    #[test]
    fn a_matching_entry_finds_nothing() {
        let members = list(vec![(64500, vec![connection("2001:db8::1", ConnectionState::Active, true)])]);
        assert!(kinds(&members, &[record(1, 64500, Some("2001:DB8:0::1"), true, true)]).is_empty());
    }

    #[test]
    fn each_difference_has_its_kind() {
        let members = list(vec![
            (64500, vec![connection("2001:db8::1", ConnectionState::Active, true)]),
            (64501, vec![connection("2001:db8::2", ConnectionState::Inactive, false)]),
            (64502, vec![connection("2001:db8::3", ConnectionState::Active, false)]),
            (64503, vec![connection("2001:db8::4", ConnectionState::Active, false)]),
        ]);
        let records = [
            record(1, 64500, Some("2001:db8::1"), false, false),
            record(2, 64501, Some("2001:db8::2"), false, true),
            record(3, 64502, Some("2001:db8::99"), false, true),
            record(4, 65000, None, false, true),
        ];
        assert_eq!(
            kinds(&members, &records),
            [
                (FindingKind::NotOperational, 64500),
                (FindingKind::RsPeer, 64500),
                (FindingKind::Operational, 64501),
                (FindingKind::WrongAddress, 64502),
                (FindingKind::Missing, 64503),
                (FindingKind::NotAMember, 65000),
            ]
        );
    }

    #[test]
    fn a_member_on_two_networks_matches_each_entry_before_any_is_wrong() {
        let members = list(vec![(64500, vec![connection("2001:db8:1::1", ConnectionState::Active, false), connection("2001:db8:2::1", ConnectionState::Active, false)])]);
        // The second connection's entry comes first; it must not be taken as the first's wrong address.
        let records = [record(1, 64500, Some("2001:db8:2::1"), false, true), record(2, 64500, Some("2001:db8:1::1"), false, true)];
        assert!(kinds(&members, &records).is_empty());
        let one = [record(1, 64500, Some("2001:db8:2::1"), false, true)];
        assert_eq!(kinds(&members, &one), [(FindingKind::Missing, 64500)]);
    }
}
