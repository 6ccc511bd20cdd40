//! Why a provisioning attempt failed, told twice: a stable code with a sentence a member
//! may read (what failed and what to do, nothing internal), and the full detail for
//! admins (endpoints, hosts, what the other side said, which setting to fix).

use std::fmt;

pub use contract::FailureCode;

/// What a member reads in the JSON API: what failed and what to do, with no internal
/// detail. (The pages say the same in the reader's language.)
pub fn member_message(code: FailureCode) -> &'static str {
    match code {
        FailureCode::ControllerUnavailable => {
            "The exchange's ZeroTier controller could not be reached. Nothing is needed from you: the exchange team will retry once it is back."
        }
        FailureCode::ControllerRejected => {
            "The exchange's ZeroTier controller did not accept the change. Nothing is needed from you: the exchange team will look into it and retry."
        }
        FailureCode::NodeIdMissing => {
            "The request has no ZeroTier node id, so there is nothing to authorize. File a new request with the node id of your router (`zerotier-cli info`)."
        }
        FailureCode::NodeIdInvalid => {
            "The request's node id is not a valid ZeroTier address. File a new request with the node id of your router (`zerotier-cli info`)."
        }
        FailureCode::NodeInUse => {
            "This ZeroTier node is already in use on the exchange network. Check that the node id is the one of your router (`zerotier-cli info`); if it is, contact the exchange's support."
        }
        FailureCode::AddressUnavailable => {
            "No address could be allocated for you on this exchange network. Nothing is needed from you: the exchange team will fix the network and retry."
        }
        FailureCode::RouteServerFailed => {
            "Your node is authorized, but the route servers could not be configured yet. Nothing is needed from you: the exchange team will retry."
        }
        FailureCode::LeaseLost => "Provisioning was interrupted and will continue on its own shortly.",
        FailureCode::Internal => {
            "Provisioning failed on the portal's side. Nothing is needed from you: the exchange team has been told and will retry."
        }
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
        (Some(code), _) => Some(member_message(code).to_owned()),
        (None, Some(_)) => Some(member_message(FailureCode::Internal).to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_member_messages_say_nothing_internal() {
        for code in FailureCode::ALL.iter().copied() {
            assert_eq!(FailureCode::parse(code.as_str()), Some(code));
            let text = member_message(code);
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
