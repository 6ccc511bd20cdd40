use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// An autonomous system number: 32 bits, 0 (reserved) excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Asn(u32);

impl Asn {
    pub const MAX: i64 = 4_294_967_295;

    /// Accepts 1..=4294967295.
    pub fn parse(value: i64) -> Result<Self, InvalidValue> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value as u32))
        } else {
            Err(InvalidValue::new(format!(
                "ASN must be between 1 and {}, got {value}",
                Self::MAX
            )))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The database stores ASNs as 64-bit integers (PostgreSQL has no unsigned type).
    pub fn as_i64(self) -> i64 {
        i64::from(self.0)
    }
}

impl TryFrom<i64> for Asn {
    type Error = InvalidValue;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<Asn> for i64 {
    fn from(asn: Asn) -> Self {
        asn.as_i64()
    }
}

impl FromStr for Asn {
    type Err = InvalidValue;
    /// Accepts `65001`, `AS65001` and `as65001`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s
            .strip_prefix("AS")
            .or_else(|| s.strip_prefix("as"))
            .unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 10 {
            return Err(InvalidValue::new(format!("'{s}' is not an ASN")));
        }
        let value: i64 = digits
            .parse()
            .map_err(|_| InvalidValue::new(format!("'{s}' is not an ASN")))?;
        Self::parse(value)
    }
}

impl fmt::Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_whole_32_bit_range() {
        assert_eq!(Asn::parse(1).unwrap().get(), 1);
        assert_eq!(Asn::parse(4_294_967_295).unwrap().get(), u32::MAX);
    }

    #[test]
    fn refuses_zero_negative_and_too_large() {
        for bad in [0, -1, 4_294_967_296, i64::MAX] {
            assert!(Asn::parse(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn parses_text_with_or_without_the_as_prefix() {
        assert_eq!("AS65001".parse::<Asn>().unwrap().get(), 65001);
        assert_eq!("65001".parse::<Asn>().unwrap().get(), 65001);
        for bad in ["", "AS", "65 001", "-1", "0x10", "99999999999"] {
            assert!(bad.parse::<Asn>().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn deserializing_applies_the_same_rule() {
        assert!(serde_json::from_str::<Asn>("0").is_err());
        assert_eq!(serde_json::from_str::<Asn>("64500").unwrap().get(), 64500);
    }
}
