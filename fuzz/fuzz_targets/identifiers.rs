//! Node ids, network ids, ASNs and IPv6 prefixes: any text is either refused or parsed
//! into a value that prints back to text which parses to the same value.
#![no_main]

use std::str::FromStr;

use domain::types::{Asn, ControllerAddress, Ipv6Prefix, NetworkId, NetworkSuffix, NodeId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(node) = NodeId::parse(text) {
        assert_eq!(NodeId::parse(node.as_str()).unwrap(), node);
        assert_eq!(node.as_str().len(), 10);
    }
    if let Ok(network) = NetworkId::parse(text) {
        assert_eq!(NetworkId::parse(network.as_str()).unwrap(), network);
        assert_eq!(format!("{}{}", network.controller(), network.suffix()), network.as_str());
    }
    if let Ok(suffix) = NetworkSuffix::parse(text) {
        assert_eq!(NetworkSuffix::parse(suffix.as_str()).unwrap(), suffix);
    }
    if let Ok(controller) = ControllerAddress::parse(text) {
        assert_eq!(ControllerAddress::parse(controller.as_str()).unwrap(), controller);
    }
    if let Ok(asn) = Asn::from_str(text) {
        assert_eq!(Asn::from_str(&asn.to_string()).unwrap(), asn);
        assert_eq!(Asn::parse(asn.as_i64()).unwrap(), asn);
    }
    if let Ok(prefix) = Ipv6Prefix::parse(text) {
        assert_eq!(Ipv6Prefix::parse(&prefix.to_string()).unwrap(), prefix);
    }
});
