use std::fmt;

use serde::{Deserialize, Serialize};

use super::{is_hex_of_len, InvalidValue};

/// A ZeroTier node address: 10 hex digits, stored lower case.
///
/// `0000000000` is reserved and addresses beginning with `ff` are ZeroTier's reserved
/// range, so neither can be a member of a network.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeId(String);

impl NodeId {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim();
        if !is_hex_of_len(value, 10) {
            return Err(InvalidValue::new(
                "node id must be exactly 10 hexadecimal characters (see `zerotier-cli info`)",
            ));
        }
        let lower = value.to_ascii_lowercase();
        if lower == "0000000000" {
            return Err(InvalidValue::new("node id 0000000000 is reserved"));
        }
        if lower.starts_with("ff") {
            return Err(InvalidValue::new(
                "node ids starting with ff are reserved by ZeroTier",
            ));
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NodeId {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NodeId> for String {
    fn from(id: NodeId) -> Self {
        id.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_upper_case_input_lower_case() {
        assert_eq!(NodeId::parse("ABCDEF0123").unwrap().as_str(), "abcdef0123");
    }

    #[test]
    fn refuses_wrong_length_and_non_hex() {
        for bad in ["", "abcdef012", "abcdef01234", "abcdefg123", "abcdef 123"] {
            assert!(NodeId::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn refuses_reserved_addresses() {
        assert!(NodeId::parse("0000000000").is_err());
        assert!(NodeId::parse("ff12345678").is_err());
        assert!(NodeId::parse("FF12345678").is_err());
        assert!(NodeId::parse("f012345678").is_ok());
    }
}
