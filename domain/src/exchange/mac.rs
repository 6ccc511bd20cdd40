//! The MAC address ZeroTier gives a node on a network: derived from the node's address
//! and the network id, so every member's MAC is known without asking the node.
//!
//! The first octet comes from the network id's last byte with the locally-administered
//! bit set and the multicast bit cleared (`0x52` is kept for another use and becomes
//! `0x32`); the other five are the node's 40-bit address XORed with bytes 1 to 5 of the
//! network id.

/// `xx:xx:xx:xx:xx:xx` (lower case) of node `node` (10 hex) on network `network` (16
/// hex); `None` if either is not hex of that length.
pub fn member_mac(node: &str, network: &str) -> Option<String> {
    if node.len() != 10 || network.len() != 16 {
        return None;
    }
    let address = u64::from_str_radix(node, 16).ok()?;
    let nwid = u64::from_str_radix(network, 16).ok()?;
    let first = match ((nwid & 0xfe) as u8) | 0x02 {
        0x52 => 0x32,
        octet => octet,
    };
    let mut mac = (u64::from(first) << 40) | address;
    for byte in 1..=5u32 {
        mac ^= ((nwid >> (8 * byte)) & 0xff) << (8 * (5 - byte));
    }
    let octets = mac.to_be_bytes();
    Some(octets[2..].iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

#[cfg(test)]
mod tests {
    use super::member_mac;

    #[test]
    fn refuses_what_is_not_an_address_and_a_network() {
        assert_eq!(member_mac("abc", "8056c2e21c000001"), None);
        assert_eq!(member_mac("zzzzzzzzzz", "8056c2e21c000001"), None);
        assert_eq!(member_mac("aabbccddee", "8056c2e21c00000"), None);
    }

    #[test]
    fn the_first_octet_is_local_unicast_and_never_0x52() {
        // Network id ending in 0x50: 0x50 | 0x02 = 0x52, which becomes 0x32.
        let mac = member_mac("0000000000", "0000000000000050").unwrap();
        assert!(mac.starts_with("32:"), "{mac}");
        let mac = member_mac("0000000000", "00000000000000ff").unwrap();
        assert!(mac.starts_with("fe:"), "multicast bit cleared: {mac}");
    }
}
