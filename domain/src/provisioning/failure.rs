//! Why a provisioning attempt failed, told twice: a stable code with a sentence a member
//! may read (what failed and what to do, nothing internal), and the full detail for
//! admins (endpoints, hosts, what the other side said, which setting to fix).

use std::fmt;

/// The kinds of failure a member is told about (`join_request.last_error_code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    /// The ZeroTier controller could not be used (preflight, token, timeouts, 5xx).
    ControllerUnavailable,
    /// The controller answered, but not as expected (missing network, odd answer).
    ControllerRejected,
    /// The request names no node.
    NodeIdMissing,
    /// The stored node id is not a valid ZeroTier address.
    NodeIdInvalid,
    /// The node is authorized for someone else on the controller, or belongs to another request.
    NodeInUse,
    /// No IPv6 address could be allocated on the network.
    AddressUnavailable,
    /// Some route server did not take the configuration.
    RouteServerFailed,
    /// The worker lost its lease while working (it will be picked up again).
    LeaseLost,
    /// The portal's own database failed.
    Internal,
}

impl FailureCode {
    pub const ALL: [FailureCode; 9] = [
        Self::ControllerUnavailable,
        Self::ControllerRejected,
        Self::NodeIdMissing,
        Self::NodeIdInvalid,
        Self::NodeInUse,
        Self::AddressUnavailable,
        Self::RouteServerFailed,
        Self::LeaseLost,
        Self::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ControllerUnavailable => "controller_unavailable",
            Self::ControllerRejected => "controller_rejected",
            Self::NodeIdMissing => "node_id_missing",
            Self::NodeIdInvalid => "node_id_invalid",
            Self::NodeInUse => "node_in_use",
            Self::AddressUnavailable => "address_unavailable",
            Self::RouteServerFailed => "route_server_failed",
            Self::LeaseLost => "lease_lost",
            Self::Internal => "internal_error",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// What a member reads: what failed and what to do, with no internal detail.
    pub fn member_message(self) -> &'static str {
        match self {
            Self::ControllerUnavailable => {
                "The exchange's ZeroTier controller could not be reached. Nothing is needed from you: the exchange team will retry once it is back."
            }
            Self::ControllerRejected => {
                "The exchange's ZeroTier controller did not accept the change. Nothing is needed from you: the exchange team will look into it and retry."
            }
            Self::NodeIdMissing => {
                "The request has no ZeroTier node id, so there is nothing to authorize. File a new request with the node id of your router (`zerotier-cli info`)."
            }
            Self::NodeIdInvalid => {
                "The request's node id is not a valid ZeroTier address. File a new request with the node id of your router (`zerotier-cli info`)."
            }
            Self::NodeInUse => {
                "This ZeroTier node is already in use on the exchange network. Check that the node id is the one of your router (`zerotier-cli info`); if it is, contact the exchange's support."
            }
            Self::AddressUnavailable => {
                "No address could be allocated for you on this exchange network. Nothing is needed from you: the exchange team will fix the network and retry."
            }
            Self::RouteServerFailed => {
                "Your node is authorized, but the route servers could not be configured yet. Nothing is needed from you: the exchange team will retry."
            }
            Self::LeaseLost => "Provisioning was interrupted and will continue on its own shortly.",
            Self::Internal => "Provisioning failed on the portal's side. Nothing is needed from you: the exchange team has been told and will retry.",
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed attempt: the code members see and the full text admins see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: FailureCode,
    /// Actionable for an admin: what failed, where, and what to do.
    pub detail: String,
}

impl Failure {
    pub fn new(code: FailureCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into() }
    }
}

impl From<super::ProviderError> for Failure {
    fn from(error: super::ProviderError) -> Self {
        use super::ProviderErrorKind as K;
        let code = match error.kind {
            K::Auth | K::Transient | K::Configuration => FailureCode::ControllerUnavailable,
            K::NotFound | K::InvalidResponse => FailureCode::ControllerRejected,
        };
        Self::new(code, error.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// The `last_error` a member may read, for a stored code and full text. Rows from before
/// codes existed get a neutral sentence, never the stored text.
pub fn member_last_error(code: Option<&str>, full: Option<&str>) -> Option<String> {
    match (code.and_then(FailureCode::parse), full) {
        (Some(code), _) => Some(code.member_message().to_owned()),
        (None, Some(_)) => Some(FailureCode::Internal.member_message().to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_member_messages_say_nothing_internal() {
        for code in FailureCode::ALL {
            assert_eq!(FailureCode::parse(code.as_str()), Some(code));
            let text = code.member_message();
            for leak in ["http", "/", "ZT_", "ROUTE_SERVER", "ssh", "birdc", "zt-ix "] {
                assert!(!text.contains(leak), "{code}: {leak} in {text}");
            }
        }
    }

    #[test]
    fn members_never_see_the_stored_text() {
        let full = "authorizing node aabbccddee failed at http://10.0.0.1:9993/controller: refused. Check ZT_CONTROLLER_AUTH_TOKEN";
        let shown = member_last_error(Some("controller_unavailable"), Some(full)).unwrap();
        assert!(!shown.contains("10.0.0.1"), "{shown}");
        let legacy = member_last_error(None, Some(full)).unwrap();
        assert!(!legacy.contains("10.0.0.1"), "{legacy}");
        assert_eq!(member_last_error(None, None), None);
    }
}
