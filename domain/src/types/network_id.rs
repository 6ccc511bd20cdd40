use std::fmt;

use serde::{Deserialize, Serialize};

use super::{is_hex_of_len, InvalidValue};

/// A ZeroTier network id: 16 hex digits, the controller's address followed by a
/// 6-digit network number. Stored lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NetworkId(String);

impl NetworkId {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim();
        if !is_hex_of_len(value, 16) {
            return Err(InvalidValue::new(
                "network id must be exactly 16 hexadecimal characters",
            ));
        }
        Ok(Self(value.to_ascii_lowercase()))
    }

    /// The network `suffix` served by the controller at `controller`.
    pub fn from_parts(controller: &ControllerAddress, suffix: &NetworkSuffix) -> Self {
        Self(format!("{}{}", controller.0, suffix.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 10-digit address of the controller that owns this network.
    pub fn controller(&self) -> &str {
        &self.0[..10]
    }

    /// The 6-digit network number under its controller.
    pub fn suffix(&self) -> &str {
        &self.0[10..]
    }
}

impl TryFrom<String> for NetworkId {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NetworkId> for String {
    fn from(id: NetworkId) -> Self {
        id.0
    }
}

impl fmt::Display for NetworkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 6 lower-case hex digits that name a network under a self-hosted controller.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NetworkSuffix(String);

impl NetworkSuffix {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        if value.len() == 6 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(value.to_owned()))
        } else {
            Err(InvalidValue::new(format!(
                "network suffix '{value}' must be exactly 6 lower-case hexadecimal characters"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NetworkSuffix {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NetworkSuffix> for String {
    fn from(s: NetworkSuffix) -> Self {
        s.0
    }
}

impl fmt::Display for NetworkSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 10-hex-digit node address of a ZeroTier controller (`GET /status` → `address`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ControllerAddress(String);

impl ControllerAddress {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        if is_hex_of_len(value, 10) {
            Ok(Self(value.to_ascii_lowercase()))
        } else {
            Err(InvalidValue::new(format!(
                "controller address '{value}' must be 10 hexadecimal characters"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ControllerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_id_is_normalised_to_lower_case() {
        let id = NetworkId::parse("8056C2E21C000001").unwrap();
        assert_eq!(id.as_str(), "8056c2e21c000001");
        assert_eq!(id.controller(), "8056c2e21c");
        assert_eq!(id.suffix(), "000001");
    }

    #[test]
    fn network_id_refuses_wrong_length_and_non_hex() {
        for bad in ["", "8056c2e21c00000", "8056c2e21c0000011", "8056c2e21c00000g"] {
            assert!(NetworkId::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn suffix_must_be_lower_case_hex() {
        assert!(NetworkSuffix::parse("00000a").is_ok());
        for bad in ["00000A", "0001", "0000001", "zzzzzz"] {
            assert!(NetworkSuffix::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn full_id_is_controller_address_plus_suffix() {
        let controller = ControllerAddress::parse("1122334455").unwrap();
        let suffix = NetworkSuffix::parse("000001").unwrap();
        assert_eq!(
            NetworkId::from_parts(&controller, &suffix).as_str(),
            "1122334455000001"
        );
    }
}
