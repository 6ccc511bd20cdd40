//! Validated values of the domain. Each can only be built by `parse`, so an invalid ASN,
//! node id or network id cannot travel past the edge of the system.

mod asn;
mod ipv6_prefix;
mod network_id;
mod node_id;

pub use asn::Asn;
pub use ipv6_prefix::Ipv6Prefix;
pub use network_id::{ControllerAddress, NetworkId, NetworkSuffix};
pub use node_id::NodeId;

/// Why a value was refused, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

impl InvalidValue {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// `s` is exactly `len` hex digits (either case).
pub(crate) fn is_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}
