//! BIRD 2/3 peer configuration for one join request, byte-identical for the same inputs.
//!
//! One file per request (`ztix-<request id>.conf`), self-contained apart from the route
//! server's ROA tables (`ztix_roa_v4`, `ztix_roa_v6`): an import filter and one
//! `protocol bgp` per member address, with `rs client` (the route server stays
//! transparent) and an IPv4 and an IPv6 channel. Every symbol carries the request id,
//! so the files of many requests parse together.
//!
//! The import filter takes only routes whose next hop is the member's own address on
//! the peering LAN: `rs client` passes next hops through unchanged, so a member could
//! otherwise send other members' traffic to a third party's router.

use std::fmt::Write;
use std::net::IpAddr;

use uuid::Uuid;

use super::filter::{Hygiene, IrrMode, IrrPolicy, Member};
use crate::types::Asn;

/// Everything that goes into one peer file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConfig {
    pub request_id: Uuid,
    pub member_asn: Asn,
    /// The member's addresses on the peering LAN (one session each).
    pub addresses: Vec<IpAddr>,
    /// The route server's own ASN.
    pub local_asn: Asn,
    pub network_name: String,
    pub max_prefixes_v4: u32,
    pub max_prefixes_v6: u32,
    /// The member is suspended: every session is configured `disabled` (BIRD shuts it
    /// down on reconfigure and keeps it down until the file is active again).
    pub shut_down: bool,
    /// The checks every member gets.
    pub hygiene: Hygiene,
    /// IRR filtering, when an IRR server is configured.
    pub irr: Option<IrrPolicy>,
}

impl PeerConfig {
    /// `ztix-<request id>.conf`
    pub fn file_name(&self) -> String {
        Self::file_name_of(self.request_id)
    }

    /// The peer file name of a request.
    pub fn file_name_of(request_id: Uuid) -> String {
        format!("ztix-{request_id}.conf")
    }

    /// The request a peer file name belongs to, if it is one of ours.
    pub fn request_of(file_name: &str) -> Option<Uuid> {
        let id = file_name.strip_prefix("ztix-")?.strip_suffix(".conf")?;
        Uuid::parse_str(id).ok().filter(|u| Self::file_name_of(*u) == file_name)
    }

    /// The prefix of every symbol in the file: a letter, then hex digits only.
    fn symbol(&self) -> String {
        format!("ztix_{}", self.request_id.simple())
    }

    pub fn render(&self) -> String {
        let sym = self.symbol();
        let asn = self.member_asn.get();
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = writeln!(out, "# ZT-IX route-server peer: AS{asn} on {}, join request {}.", sanitize(&self.network_name), self.request_id);
        let _ = writeln!(out, "# Managed by ZT-IX; changes here are overwritten.");
        if self.shut_down {
            let _ = writeln!(out, "# Suspended by the exchange: the sessions are shut down.");
        }
        let _ = writeln!(out);
        let mut addresses = self.addresses.clone();
        addresses.sort();
        addresses.dedup();
        let own = addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let member = Member {
            symbol: &sym,
            asn,
            rs_asn: self.local_asn.get(),
            own_addresses: &own,
            hygiene: &self.hygiene,
            irr: self.irr.as_ref(),
        };
        if let Some(irr) = &self.irr {
            let mode = match irr.mode { IrrMode::Enforce => "enforced", IrrMode::Tag => "tag only" };
            let _ = writeln!(out, "# IRR: {} ({mode}, {}).", sanitize(&irr.as_set), if irr.sets.is_some() { "expanded" } else { "not expanded yet" });
        }
        member.defines(&mut out);
        member.import_filter(&mut out);
        let _ = writeln!(out);
        member.export_filter(&mut out);
        for (i, address) in addresses.iter().enumerate() {
            let _ = writeln!(out);
            let _ = writeln!(out, "protocol bgp {sym}_{} {{", i + 1);
            let _ = writeln!(out, "  description \"AS{asn} {}\";", self.request_id);
            let _ = writeln!(out, "  local as {};", self.local_asn.get());
            let _ = writeln!(out, "  neighbor {address} as {asn};");
            let _ = writeln!(out, "  rs client;");
            if self.shut_down {
                let _ = writeln!(out, "  disabled;");
            }
            let extended = if address.is_ipv6() { "    extended next hop on;\n" } else { "" };
            let _ = writeln!(out, "  ipv4 {{");
            let _ = write!(out, "{extended}");
            let _ = writeln!(out, "    import keep filtered on;");
            let _ = writeln!(out, "    import limit {} action restart;", self.max_prefixes_v4);
            let _ = writeln!(out, "    import filter {sym}_import;");
            let _ = writeln!(out, "    export filter {sym}_export;");
            let _ = writeln!(out, "  }};");
            let _ = writeln!(out, "  ipv6 {{");
            let _ = writeln!(out, "    import keep filtered on;");
            let _ = writeln!(out, "    import limit {} action restart;", self.max_prefixes_v6);
            let _ = writeln!(out, "    import filter {sym}_import;");
            let _ = writeln!(out, "    export filter {sym}_export;");
            let _ = writeln!(out, "  }};");
            let _ = writeln!(out, "}}");
        }
        out
    }
}

/// Comments only: no newlines or control characters from names.
fn sanitize(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routeservers::filter::{EmptySet, IrrSets, PrefixRule, Reason, TAG_OFFSET};

    pub(crate) fn example() -> PeerConfig {
        PeerConfig {
            request_id: Uuid::parse_str("3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b").unwrap(),
            member_asn: Asn::parse(65001).unwrap(),
            addresses: vec!["2001:db8:1:0:6:5001:0:1".parse().unwrap()],
            local_asn: Asn::parse(64512).unwrap(),
            network_name: "ZT-IX Frankfurt".into(),
            max_prefixes_v4: 1000,
            max_prefixes_v6: 500,
            shut_down: false,
            hygiene: Hygiene { transit_free_asns: vec![174, 3356], max_as_path_length: 64, max_communities: 100 },
            irr: Some(IrrPolicy {
                mode: IrrMode::Enforce,
                as_set: "AS-EXAMPLE".into(),
                sets: Some(IrrSets {
                    v4: vec![PrefixRule::parse("193.0.10.0/23{23,24}").unwrap()],
                    v6: vec![PrefixRule::parse("2a0a:1001::/32").unwrap()],
                    origins: vec![65001],
                }),
                empty: EmptySet::Reject,
                rpki_roas_as_route_objects: false,
            }),
        }
    }

    /// Set `ZTIX_UPDATE_GOLDEN=1` to rewrite the golden file after an intended change.
    #[test]
    fn the_output_matches_the_golden_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(example().file_name());
        let rendered = example().render();
        if std::env::var_os("ZTIX_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &rendered).unwrap();
        }
        let golden = std::fs::read_to_string(&path).expect("the golden file exists");
        assert_eq!(rendered, golden);
        assert_eq!(example().file_name(), "ztix-3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b.conf");
    }

    #[test]
    fn the_same_inputs_give_the_same_bytes_in_any_order() {
        let mut a = example();
        a.addresses.push("2001:db8:1::2".parse().unwrap());
        let mut b = a.clone();
        b.addresses.reverse();
        assert_eq!(a.render(), b.render());
        assert!(a.render().contains("protocol bgp ztix_3f2b8a4e1c2d4e5f9a8b7c6d5e4f3a2b_2 {"));
    }

    #[test]
    fn a_suspended_member_differs_only_by_its_disabled_sessions() {
        let active = example();
        let suspended = PeerConfig { shut_down: true, ..example() };
        let (a, s) = (active.render(), suspended.render());
        assert_eq!(s.matches("  disabled;\n").count(), 1);
        let without: String = s.lines().filter(|l| *l != "  disabled;" && !l.starts_with("# Suspended")).map(|l| format!("{l}\n")).collect();
        assert_eq!(without, a, "resuming restores the active bytes exactly");
        assert_eq!(active.file_name(), suspended.file_name());
    }

    #[test]
    fn the_irr_policy_decides_what_a_failed_irr_check_does() {
        let irr = |mode, sets: Option<IrrSets>, empty, roas| PeerConfig {
            irr: Some(IrrPolicy { mode, as_set: "AS-EXAMPLE".into(), sets, empty, rpki_roas_as_route_objects: roas }),
            ..example()
        };
        let sets = example().irr.unwrap().sets;
        let enforced = irr(IrrMode::Enforce, sets.clone(), EmptySet::Reject, false).render();
        assert!(enforced.contains("_irr_v6) then bgp_large_community.add((64512, 1010, 65001));"), "{enforced}");
        let tagged = irr(IrrMode::Tag, sets.clone(), EmptySet::Reject, false).render();
        assert!(tagged.contains("_irr_v6) then bgp_large_community.add((64512, 2010, 65001));"), "{tagged}");
        assert!(!tagged.contains("(64512, 1010,"), "tag mode never rejects for the IRR");
        let roas = irr(IrrMode::Enforce, sets, EmptySet::Reject, true).render();
        assert!(roas.contains("_irr_v6) && roa_check(ztix_roa_v6, net, bgp_path.last) != ROA_VALID then"), "ROA-valid counts as registered: {roas}");
        // Never expanded, or expanded to nothing: no route passes the IRR check unnoticed.
        for sets in [None, Some(IrrSets::default())] {
            let rejected = irr(IrrMode::Enforce, sets.clone(), EmptySet::Reject, false).render();
            assert_eq!(rejected.matches("if true then bgp_large_community.add((64512, 1013, 65001));").count(), 2, "{rejected}");
            let tagged = irr(IrrMode::Enforce, sets, EmptySet::Tag, false).render();
            assert_eq!(tagged.matches("if true then bgp_large_community.add((64512, 2013, 65001));").count(), 2, "{tagged}");
        }
        assert!(!PeerConfig { irr: None, ..example() }.render().contains("irr"), "without an IRR server there is no IRR check");
    }

    #[test]
    fn reasons_have_one_code_each_and_read_back() {
        let codes: std::collections::BTreeSet<u32> = Reason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Reason::ALL.len());
        for reason in Reason::ALL {
            assert_eq!(Reason::from_code(reason.code()), Some((reason, false)));
            assert_eq!(Reason::from_code(reason.code() + TAG_OFFSET), Some((reason, true)));
        }
        assert_eq!(Reason::from_code(1000), None);
        assert_eq!(Reason::NextHop.code(), 1001);
        assert_eq!(Reason::NoIrrObjects.code(), 1013);
    }

    #[test]
    fn a_transit_free_member_is_not_a_leak_of_its_own() {
        let mut cogent = example();
        cogent.member_asn = Asn::parse(174).unwrap();
        assert!(cogent.render().contains("if bgp_path ~ [= * [3356] * =] then"), "{}", cogent.render());
    }

    #[test]
    fn names_cannot_break_out_of_comments() {
        let mut a = example();
        a.network_name = "evil\nprotocol bgp x {}".into();
        assert_eq!(a.render().lines().filter(|l| l.starts_with("protocol")).count(), 1);
    }
}
