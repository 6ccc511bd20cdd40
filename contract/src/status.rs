//! Where a join request stands (SPEC §3).

use crate::spelled;

spelled! {
    /// `pending → approved | rejected`, `approved → provisioning`,
    /// `provisioning → active | failed`, `failed → approved` (admin retry); after joining
    /// `pending | failed → withdrawn`, `active → offboarding → removed` and
    /// `active → suspended → active`. Nothing else.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
    #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(16))", rename_all = "snake_case"))]
    pub enum RequestStatus {
        Pending => "pending",
        Approved => "approved",
        Provisioning => "provisioning",
        Active => "active",
        Rejected => "rejected",
        Failed => "failed",
        /// The operator took the request back before it was active.
        Withdrawn => "withdrawn",
        /// The member is leaving (or being removed): the worker takes the node off the
        /// controller and the peer file off every route server.
        Offboarding => "offboarding",
        /// The member has left; its IPv6 address stays retired.
        Removed => "removed",
        /// An admin paused the member: node deauthorized, sessions shut down.
        Suspended => "suspended",
    }
}

impl RequestStatus {
    /// Statuses that hold the (ASN, network, node) slot; see the partial unique indexes.
    pub const LIVE: [RequestStatus; 6] =
        [Self::Pending, Self::Approved, Self::Provisioning, Self::Active, Self::Suspended, Self::Offboarding];

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// Nothing will change without a person acting: status views stop polling.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Active | Self::Rejected | Self::Failed | Self::Withdrawn | Self::Removed | Self::Suspended)
    }

    /// A member of the exchange: its node and peer file are kept in the state this
    /// status asks for (authorized and up, or paused).
    pub fn is_member(self) -> bool {
        matches!(self, Self::Active | Self::Suspended)
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
                | (Pending, Withdrawn)
                | (Failed, Withdrawn)
                | (Active, Offboarding)
                | (Offboarding, Removed)
                | (Active, Suspended)
                | (Suspended, Active)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::RequestStatus::{self, *};

    #[test]
    fn exactly_the_specified_edges_exist() {
        let mut edges = Vec::new();
        for from in RequestStatus::ALL {
            for to in RequestStatus::ALL {
                if from.can_become(*to) {
                    edges.push((*from, *to));
                }
            }
        }
        assert_eq!(
            edges,
            vec![
                (Pending, Approved),
                (Pending, Rejected),
                (Pending, Withdrawn),
                (Approved, Provisioning),
                (Provisioning, Active),
                (Provisioning, Failed),
                (Active, Offboarding),
                (Active, Suspended),
                (Failed, Approved),
                (Failed, Withdrawn),
                (Offboarding, Removed),
                (Suspended, Active),
            ]
        );
    }

    #[test]
    fn names_round_trip_in_text_and_json() {
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(*s));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<RequestStatus>(&json).unwrap(), *s);
        }
        assert_eq!(RequestStatus::parse("Approved"), None);
    }

    #[cfg(feature = "sea-orm")]
    #[test]
    fn the_database_spelling_is_the_same() {
        use sea_orm::ActiveEnum;
        for s in RequestStatus::ALL {
            assert_eq!(s.to_value(), s.as_str());
        }
    }
}
