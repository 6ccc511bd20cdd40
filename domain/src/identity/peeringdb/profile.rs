//! PeeringDB's `/profile/v1` answer and which of its networks make an ASN eligible.

use serde::Deserialize;
use serde_json::Value;

use crate::types::Asn;

/// Permission bits of PeeringDB's model (grainy): read = 1, update = 2, create = 4, delete = 8.
pub const PERM_READ: i64 = 1;

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub verified_user: Option<bool>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub verified_email: Option<bool>,
    #[serde(default)]
    pub networks: Option<Vec<ProfileNetwork>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProfileNetwork {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    pub asn: i64,
    pub perms: i64,
    /// A boolean or a permission mask, depending on the PeeringDB version.
    #[serde(default)]
    pub manage_peering_sessions: Option<Value>,
}

/// An ASN the profile makes the user eligible for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibleAsn {
    pub asn: Asn,
    pub net_id: i64,
    pub net_name: Option<String>,
}

impl Profile {
    /// The account is verified, and so is its e-mail address when one is shared.
    pub fn is_verified(&self) -> bool {
        self.verified_user == Some(true) && (self.email.is_none() || self.verified_email == Some(true))
    }

    pub fn display_name(&self) -> Option<String> {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| {
                let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.trim().is_empty()).then_some(joined)
            })
    }

    /// Networks with the read bit set (and, when required, the right to manage peering
    /// sessions), one entry per ASN.
    pub fn eligible_asns(&self, require_manage_peering_sessions: bool) -> Vec<EligibleAsn> {
        let mut out: Vec<EligibleAsn> = Vec::new();
        for network in self.networks.iter().flatten() {
            if network.perms & PERM_READ == 0 {
                continue;
            }
            if require_manage_peering_sessions && !grants(network.manage_peering_sessions.as_ref()) {
                continue;
            }
            let Ok(asn) = Asn::parse(network.asn) else { continue };
            if out.iter().any(|e| e.asn == asn) {
                continue;
            }
            out.push(EligibleAsn { asn, net_id: network.id, net_name: network.name.clone() });
        }
        out.sort_by_key(|e| e.asn);
        out
    }
}

/// `true`, or a non-zero permission mask.
fn grants(flag: Option<&Value>) -> bool {
    match flag {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(networks: Value) -> Profile {
        serde_json::from_value(serde_json::json!({
            "id": 3, "name": "Jane Doe", "verified_user": true, "networks": networks
        }))
        .unwrap()
    }

    #[test]
    fn the_read_bit_decides_eligibility_not_the_create_bit() {
        let p = profile(serde_json::json!([
            {"id": 1, "name": "Read only", "asn": 64500, "perms": 1},
            {"id": 2, "name": "Create only", "asn": 64501, "perms": 4},
            {"id": 3, "name": "Full", "asn": 64502, "perms": 15},
            {"id": 4, "name": "Update only", "asn": 64503, "perms": 2},
        ]));
        let asns: Vec<u32> = p.eligible_asns(false).iter().map(|e| e.asn.get()).collect();
        assert_eq!(asns, [64500, 64502]);
    }

    #[test]
    fn manage_peering_sessions_is_required_only_when_configured() {
        let p = profile(serde_json::json!([
            {"id": 1, "asn": 64500, "perms": 1, "manage_peering_sessions": true},
            {"id": 2, "asn": 64501, "perms": 1, "manage_peering_sessions": false},
            {"id": 3, "asn": 64502, "perms": 1, "manage_peering_sessions": 15},
            {"id": 4, "asn": 64503, "perms": 1, "manage_peering_sessions": 0},
            {"id": 5, "asn": 64504, "perms": 1},
        ]));
        assert_eq!(p.eligible_asns(false).len(), 5);
        let strict: Vec<u32> = p.eligible_asns(true).iter().map(|e| e.asn.get()).collect();
        assert_eq!(strict, [64500, 64502]);
    }

    #[test]
    fn invalid_and_duplicate_asns_are_skipped() {
        let p = profile(serde_json::json!([
            {"id": 1, "asn": 0, "perms": 15},
            {"id": 2, "asn": 64500, "perms": 15},
            {"id": 3, "asn": 64500, "perms": 15},
        ]));
        assert_eq!(p.eligible_asns(false).len(), 1);
        assert!(profile(Value::Null).eligible_asns(false).is_empty());
    }

    #[test]
    fn verification_needs_the_user_and_a_shared_email() {
        let mut p = profile(Value::Null);
        assert!(p.is_verified());
        p.email = Some("jane@example.net".into());
        assert!(!p.is_verified(), "an unverified e-mail address is refused");
        p.verified_email = Some(true);
        assert!(p.is_verified());
        p.verified_user = Some(false);
        assert!(!p.is_verified());
    }
}
