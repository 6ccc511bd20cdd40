//! The small vocabularies a screen shows as words: why provisioning failed, why a member
//! cannot file a request yet, why a requester is no longer eligible, how someone logged
//! in and where an ASN came from.

use crate::spelled;

spelled! {
    /// Why a provisioning attempt failed (`join_request.last_error_code`). Members are
    /// told in plain words; admins also read the full text.
    pub enum FailureCode {
        /// The ZeroTier controller could not be used (preflight, token, timeouts, 5xx).
        ControllerUnavailable => "controller_unavailable",
        /// The controller answered, but not as expected (missing network, odd answer).
        ControllerRejected => "controller_rejected",
        /// The request names no node.
        NodeIdMissing => "node_id_missing",
        /// The stored node id is not a valid ZeroTier address.
        NodeIdInvalid => "node_id_invalid",
        /// The node is authorized for someone else on the controller, or belongs to another request.
        NodeInUse => "node_in_use",
        /// No IPv6 address could be allocated on the network.
        AddressUnavailable => "address_unavailable",
        /// Some route server did not take the configuration.
        RouteServerFailed => "route_server_failed",
        /// The worker lost its lease while working (it will be picked up again).
        LeaseLost => "lease_lost",
        /// The portal's own database failed.
        Internal => "internal_error",
    }
}

spelled! {
    /// Why someone cannot file a request yet.
    pub enum BlockedReason {
        NoEligibleAsn => "no_eligible_asn",
        NoAvailableNetwork => "no_available_network",
    }
}

spelled! {
    /// Why the person who filed a request may no longer have it approved or retried
    /// (`details.reason` of `requester_not_eligible`).
    pub enum Ineligible {
        /// They no longer hold the request's ASN.
        AsnNotHeld => "asn_not_held",
        /// Their account may no longer request this network.
        NetworkNotAllowed => "network_not_allowed",
        /// The network is no longer open for requests.
        NetworkInactive => "network_inactive",
    }
}

spelled! {
    /// How a session was opened.
    pub enum AuthMethod {
        Local => "local",
        Peeringdb => "peeringdb",
        /// A personal API token (`Authorization: Bearer ztix_…`).
        Token => "token",
    }
}

spelled! {
    /// What a personal API token may do.
    pub enum TokenScope {
        /// `GET` and `HEAD` only.
        Read => "read",
        /// Everything its user may do on the member routes.
        ReadWrite => "read-write",
        /// The admin routes too; only an admin creates one, and it works only while the
        /// user is an admin.
        Admin => "admin",
    }
}

spelled! {
    /// Where someone's right to an ASN comes from.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
    #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(16))", rename_all = "snake_case"))]
    pub enum AsnSource {
        /// Read from PeeringDB at login.
        Peeringdb => "peeringdb",
        /// Granted by the exchange (`zt-ix users`).
        Local => "local",
    }
}

spelled! {
    /// What an admin decided about a member whose requester lost the ASN (or that the
    /// requester got it back).
    pub enum AffiliationDecision {
        Keep => "keep",
        Suspend => "suspend",
        Offboard => "offboard",
        Restored => "restored",
    }
}

spelled! {
    /// Where a value of a member's route-server policy came from.
    pub enum PolicySource {
        /// Set by an admin for this request.
        Override => "override",
        /// PeeringDB's record of the network.
        Peeringdb => "peeringdb",
        /// The exchange's configured default (or `AS<asn>` for the AS-SET).
        Default => "default",
    }
}
