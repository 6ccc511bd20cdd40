use std::fmt;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a join request stands.
///
/// `pending → approved | rejected`, `approved → provisioning`,
/// `provisioning → active | failed`, `failed → approved` (admin retry). Nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "provisioning")]
    Provisioning,
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "rejected")]
    Rejected,
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl RequestStatus {
    /// Statuses that hold the (ASN, network, node) slot; see the partial unique indexes.
    pub const LIVE: [RequestStatus; 4] = [Self::Pending, Self::Approved, Self::Provisioning, Self::Active];

    pub const ALL: [RequestStatus; 6] = [
        Self::Pending,
        Self::Approved,
        Self::Provisioning,
        Self::Active,
        Self::Rejected,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Provisioning => "provisioning",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// Nothing will change without a person acting: status views stop polling.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Active | Self::Rejected | Self::Failed)
    }

    /// Whether `self → to` is an edge of the status machine.
    pub fn can_become(self, to: Self) -> bool {
        use RequestStatus::*;
        matches!(
            (self, to),
            (Pending, Approved)
                | (Pending, Rejected)
                | (Approved, Provisioning)
                | (Provisioning, Active)
                | (Provisioning, Failed)
                | (Failed, Approved)
        )
    }
}

impl fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::RequestStatus::{self, *};

    #[test]
    fn exactly_the_six_specified_edges_exist() {
        let mut edges = Vec::new();
        for from in RequestStatus::ALL {
            for to in RequestStatus::ALL {
                if from.can_become(to) {
                    edges.push((from, to));
                }
            }
        }
        assert_eq!(
            edges,
            vec![
                (Pending, Approved),
                (Pending, Rejected),
                (Approved, Provisioning),
                (Provisioning, Active),
                (Provisioning, Failed),
                (Failed, Approved),
            ]
        );
    }

    #[test]
    fn names_round_trip() {
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RequestStatus::parse("Approved"), None);
    }
}
