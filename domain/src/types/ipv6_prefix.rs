use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use ipnet::Ipv6Net;
use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// The /64 an exchange network numbers its members from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ipv6Prefix(Ipv6Net);

impl Ipv6Prefix {
    /// Accepts a /64 written in CIDR notation with no host bits set.
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let net = Ipv6Net::from_str(value.trim()).map_err(|_| {
            InvalidValue::new(format!("'{value}' is not an IPv6 prefix such as 2001:db8:1::/64"))
        })?;
        if net.prefix_len() != 64 {
            return Err(InvalidValue::new(format!(
                "'{value}' must be a /64 (each network numbers members inside one /64)"
            )));
        }
        if net.addr() != net.network() {
            return Err(InvalidValue::new(format!(
                "'{value}' has host bits set; did you mean {}?",
                net.trunc()
            )));
        }
        Ok(Self(net))
    }

    pub fn network(&self) -> Ipv6Addr {
        self.0.network()
    }

    /// The address in this prefix with the given 64-bit interface identifier.
    pub fn with_interface_id(&self, interface_id: u64) -> Ipv6Addr {
        let network = u128::from(self.0.network());
        Ipv6Addr::from(network | u128::from(interface_id))
    }
}

impl TryFrom<String> for Ipv6Prefix {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Ipv6Prefix> for String {
    fn from(p: Ipv6Prefix) -> Self {
        p.to_string()
    }
}

impl fmt::Display for Ipv6Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_clean_slash_64() {
        let p = Ipv6Prefix::parse("2001:db8:1::/64").unwrap();
        assert_eq!(p.to_string(), "2001:db8:1::/64");
        assert_eq!(
            p.with_interface_id(0x0006_5001_0000_0001).to_string(),
            "2001:db8:1:0:6:5001:0:1"
        );
    }

    #[test]
    fn refuses_other_lengths_host_bits_and_garbage() {
        for bad in ["2001:db8:1::/48", "2001:db8:1::1/64", "10.0.0.0/8", "nonsense", "2001:db8::"] {
            assert!(Ipv6Prefix::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
