//! The route-server filters of one member, in BIRD's filter language: what is taken
//! from the member (import) and what is passed to it (export).
//!
//! Import checks never stop at the first failure: each failed check adds the large
//! community `(rs-as, code, member-asn)` of its [`Reason`], and a route carrying any
//! of them is rejected at the end. Sessions keep filtered routes (`import keep
//! filtered`), so every filtered route on a route server says why. IRR checks in tag
//! mode add the code plus [`TAG_OFFSET`] and the route is accepted.
//!
//! Export honours the standard route-server control communities of the announcing
//! member, in standard (`0:peer`, `rs:peer`, `0:rs`, `65501..65503:rs`,
//! `65511..65513:peer`) and large form (`rs:0:peer`, `rs:1:peer`, `rs:0:0`,
//! `rs:101..103:0`, `rs:101..103:peer`), and strips them, the reason codes and every
//! other community of the route server's own ASN before the route leaves.

use std::fmt::Write;

use ipnet::IpNet;
use sea_orm::entity::prelude::{DeriveActiveEnum, EnumIter, StringLen};
use serde::Deserialize;

/// Why a route was filtered: the middle field of `(rs-as, code, member-asn)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The next hop is not one of the member's own addresses on the peering LAN.
    NextHop,
    /// The AS path is empty or does not start with the member's ASN.
    FirstAs,
    /// The AS path is longer than the configured limit.
    PathTooLong,
    /// A reserved, private or documentation ASN is in the path.
    BogonAsn,
    /// A well-known transit-free network is in the path (a leak).
    TransitFree,
    /// The prefix is shorter or longer than the route server takes.
    PrefixLength,
    /// A reserved or special-purpose prefix.
    BogonPrefix,
    /// A default route.
    DefaultRoute,
    /// RPKI says the origin may not announce this prefix.
    RpkiInvalid,
    /// The prefix is not covered by a route object of the member's AS-SET.
    NotInIrr,
    /// The origin ASN is not a member of the member's AS-SET.
    OriginNotInIrr,
    /// More communities than the configured limit.
    TooManyCommunities,
    /// The member's AS-SET expanded to nothing (or was never expanded).
    NoIrrObjects,
}

/// Informational tags (IRR checks in tag mode) use the reason's code plus this.
pub const TAG_OFFSET: u32 = 1000;

impl Reason {
    pub const ALL: [Reason; 13] = [
        Reason::NextHop,
        Reason::FirstAs,
        Reason::PathTooLong,
        Reason::BogonAsn,
        Reason::TransitFree,
        Reason::PrefixLength,
        Reason::BogonPrefix,
        Reason::DefaultRoute,
        Reason::RpkiInvalid,
        Reason::NotInIrr,
        Reason::OriginNotInIrr,
        Reason::TooManyCommunities,
        Reason::NoIrrObjects,
    ];

    /// The documented code (1001…1013).
    pub fn code(self) -> u32 {
        1001 + Self::ALL.iter().position(|r| *r == self).unwrap_or(0) as u32
    }

    /// A stable name for the API and the interface.
    pub fn slug(self) -> &'static str {
        match self {
            Reason::NextHop => "next_hop",
            Reason::FirstAs => "first_as",
            Reason::PathTooLong => "as_path_too_long",
            Reason::BogonAsn => "bogon_asn",
            Reason::TransitFree => "transit_free_asn",
            Reason::PrefixLength => "prefix_length",
            Reason::BogonPrefix => "bogon_prefix",
            Reason::DefaultRoute => "default_route",
            Reason::RpkiInvalid => "rpki_invalid",
            Reason::NotInIrr => "not_in_irr",
            Reason::OriginNotInIrr => "origin_not_in_irr",
            Reason::TooManyCommunities => "too_many_communities",
            Reason::NoIrrObjects => "no_irr_objects",
        }
    }

    /// The reason of a code, and whether the route was only tagged (accepted).
    pub fn from_code(code: u32) -> Option<(Reason, bool)> {
        let (base, tagged) = if code > TAG_OFFSET * 2 { (code - TAG_OFFSET, true) } else { (code, false) };
        Self::ALL.iter().copied().find(|r| r.code() == base).map(|r| (r, tagged))
    }
}

/// The networks that sell transit to everyone and buy it from no one; their ASN in a
/// path learnt from a member means the member leaked a route (arouteserver's list).
pub const DEFAULT_TRANSIT_FREE: &[u32] =
    &[174, 209, 286, 701, 1239, 1299, 2828, 2914, 3257, 3320, 3356, 3491, 5511, 6453, 6461, 6762, 6830, 7018, 12956];

/// The checks every member gets, from the runtime configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hygiene {
    pub transit_free_asns: Vec<u32>,
    pub max_as_path_length: u32,
    /// Standard, extended and large communities together.
    pub max_communities: u32,
}

/// What a failed IRR check does on a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, EnumIter, DeriveActiveEnum)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum IrrMode {
    /// Reject the route (with its reason community).
    #[default]
    #[sea_orm(string_value = "enforce")]
    Enforce,
    /// Accept the route with an informational community.
    #[sea_orm(string_value = "tag")]
    Tag,
}

impl IrrMode {
    pub fn as_str(self) -> &'static str {
        match self {
            IrrMode::Enforce => "enforce",
            IrrMode::Tag => "tag",
        }
    }
}

/// What an AS-SET that expands to nothing does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptySet {
    /// Every route fails the IRR check (`no_irr_objects`).
    #[default]
    Reject,
    /// Every route is tagged `no_irr_objects` and the other IRR checks are skipped.
    Tag,
}

/// One entry of an IRR prefix set: a prefix, exact or with a length range.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PrefixRule {
    pub net: IpNet,
    /// `{min,max}` lengths of more specifics; `None`: exactly this prefix.
    pub lengths: Option<(u8, u8)>,
}

impl PrefixRule {
    /// `203.0.113.0/24` or `203.0.113.0/24{24,28}`, as stored and as BIRD writes it.
    pub fn parse(text: &str) -> Option<Self> {
        let (net, lengths) = match text.split_once('{') {
            Some((net, rest)) => {
                let (lo, hi) = rest.strip_suffix('}')?.split_once(',')?;
                (net, Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?)))
            }
            None => (text, None),
        };
        let net: IpNet = net.trim().parse().ok()?;
        if net != net.trunc() {
            return None;
        }
        if let Some((lo, hi)) = lengths {
            if lo < net.prefix_len() || hi < lo || hi > net.max_prefix_len() {
                return None;
            }
        }
        Some(Self { net, lengths })
    }
}

impl std::fmt::Display for PrefixRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.lengths {
            Some((lo, hi)) => write!(f, "{}{{{lo},{hi}}}", self.net),
            None => write!(f, "{}", self.net),
        }
    }
}

/// The expansion of a member's AS-SET: route objects per family and origin ASNs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IrrSets {
    pub v4: Vec<PrefixRule>,
    pub v6: Vec<PrefixRule>,
    pub origins: Vec<u32>,
}

impl IrrSets {
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty() && self.origins.is_empty()
    }

    /// Sorted and without repeats: the same objects give the same bytes.
    pub fn normalized(mut self) -> Self {
        self.v4.sort();
        self.v4.dedup();
        self.v6.sort();
        self.v6.dedup();
        self.origins.sort_unstable();
        self.origins.dedup();
        self
    }
}

/// IRR filtering of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrrPolicy {
    pub mode: IrrMode,
    /// The AS-SET (or `AS<n>`) that was expanded, for the file's comment.
    pub as_set: String,
    /// The last good expansion; `None` when none ever succeeded (treated as empty).
    pub sets: Option<IrrSets>,
    pub empty: EmptySet,
    /// A prefix and origin RPKI-valid counts as registered.
    pub rpki_roas_as_route_objects: bool,
}

/// Everything the filters of one member need.
pub(super) struct Member<'a> {
    pub symbol: &'a str,
    pub asn: u32,
    pub rs_asn: u32,
    pub own_addresses: &'a str,
    pub hygiene: &'a Hygiene,
    pub irr: Option<&'a IrrPolicy>,
}

/// Prefixes no member may announce (RFC 6890 and friends), with the lengths covered.
const BOGONS_V4: &[&str] = &[
    "0.0.0.0/8+", "10.0.0.0/8+", "100.64.0.0/10+", "127.0.0.0/8+", "169.254.0.0/16+", "172.16.0.0/12+",
    "192.0.0.0/24+", "192.0.2.0/24+", "192.168.0.0/16+", "198.18.0.0/15+", "198.51.100.0/24+", "203.0.113.0/24+",
    "224.0.0.0/4+", "240.0.0.0/4+",
];
const BOGONS_V6: &[&str] = &[
    "::/8+", "100::/64+", "2001:2::/48+", "2001:10::/28+", "2001:db8::/32+", "2002::/16+", "3ffe::/16+",
    "fc00::/7+", "fe80::/10+", "fec0::/10+", "ff00::/8+",
];
/// ASNs that must not appear in a path: reserved, AS_TRANS, documentation and private.
const BOGON_ASNS: &str = "0, 23456, 64496..131071, 4200000000..4294967295";

/// Accepted prefix lengths per family.
const V4_LENGTHS: (u8, u8) = (8, 24);
const V6_LENGTHS: (u8, u8) = (16, 48);

/// A 16-bit ASN can be written in a standard community.
fn short(asn: u32) -> Option<u32> {
    (asn <= 0xffff).then_some(asn)
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl Member<'_> {
    fn tag(&self, reason: Reason, tagged: bool) -> String {
        let code = reason.code() + if tagged { TAG_OFFSET } else { 0 };
        format!("bgp_large_community.add(({}, {code}, {}));", self.rs_asn, self.asn)
    }

    fn check(&self, out: &mut String, indent: &str, condition: &str, reason: Reason) {
        let _ = writeln!(out, "{indent}if {condition} then {}", self.tag(reason, false));
    }

    /// The prefix sets and the origin set of the IRR policy, as `define`s.
    pub fn defines(&self, out: &mut String) {
        let Some(sets) = self.irr.and_then(|i| i.sets.as_ref()) else { return };
        let sym = self.symbol;
        if !sets.v4.is_empty() {
            let _ = writeln!(out, "define {sym}_irr_v4 = [ {} ];", join(&sets.v4));
        }
        if !sets.v6.is_empty() {
            let _ = writeln!(out, "define {sym}_irr_v6 = [ {} ];", join(&sets.v6));
        }
        if !sets.origins.is_empty() {
            let _ = writeln!(out, "define {sym}_irr_origins = [ {} ];", join(&sets.origins));
        }
        let _ = writeln!(out);
    }

    pub fn import_filter(&self, out: &mut String) {
        let (sym, asn, rs) = (self.symbol, self.asn, self.rs_asn);
        let h = self.hygiene;
        let _ = writeln!(out, "filter {sym}_import {{");
        let _ = writeln!(out, "  bgp_large_community.delete([({rs}, 1000..2999, *)]);");
        self.check(out, "  ", &format!("!(bgp_next_hop ~ [ {} ])", self.own_addresses), Reason::NextHop);
        self.check(out, "  ", &format!("bgp_path.len = 0 || bgp_path.first != {asn}"), Reason::FirstAs);
        self.check(out, "  ", &format!("bgp_path.len > {}", h.max_as_path_length), Reason::PathTooLong);
        self.check(out, "  ", &format!("bgp_path ~ [= * [{BOGON_ASNS}] * =]"), Reason::BogonAsn);
        let transit_free: Vec<u32> = h.transit_free_asns.iter().copied().filter(|a| *a != asn).collect();
        if !transit_free.is_empty() {
            self.check(out, "  ", &format!("bgp_path ~ [= * [{}] * =]", join(&transit_free)), Reason::TransitFree);
        }
        self.check(
            out,
            "  ",
            &format!("bgp_community.len + bgp_ext_community.len + bgp_large_community.len > {}", h.max_communities),
            Reason::TooManyCommunities,
        );
        self.check(out, "  ", "net.len = 0", Reason::DefaultRoute);
        for (family, lengths, bogons, roa, set) in [
            ("NET_IP4", V4_LENGTHS, BOGONS_V4, "ztix_roa_v4", "v4"),
            ("NET_IP6", V6_LENGTHS, BOGONS_V6, "ztix_roa_v6", "v6"),
        ] {
            let _ = writeln!(out, "  if net.type = {family} then {{");
            self.check(out, "    ", &format!("net.len > 0 && (net.len < {} || net.len > {})", lengths.0, lengths.1), Reason::PrefixLength);
            self.check(out, "    ", &format!("net ~ [ {} ]", bogons.join(", ")), Reason::BogonPrefix);
            self.check(out, "    ", &format!("roa_check({roa}, net, bgp_path.last) = ROA_INVALID"), Reason::RpkiInvalid);
            self.irr_checks(out, roa, set);
            let _ = writeln!(out, "  }}");
        }
        let _ = writeln!(out, "  if bgp_large_community ~ [({rs}, 1001..1999, *)] then reject;");
        let _ = writeln!(out, "  accept;");
        let _ = writeln!(out, "}}");
    }

    /// The IRR checks of one family (`set` is `v4` or `v6`).
    fn irr_checks(&self, out: &mut String, roa: &str, set: &str) {
        let Some(irr) = self.irr else { return };
        let sym = self.symbol;
        let tagged = irr.mode == IrrMode::Tag;
        let indent = "    ";
        let empty = IrrSets::default();
        let sets = irr.sets.as_ref().unwrap_or(&empty);
        // A ROA-valid route counts as registered when the policy says so.
        let unless_roa = if irr.rpki_roas_as_route_objects { format!(" && roa_check({roa}, net, bgp_path.last) != ROA_VALID") } else { String::new() };
        if sets.is_empty() {
            let tagged = tagged || irr.empty == EmptySet::Tag;
            let _ = writeln!(out, "{indent}if true{unless_roa} then {}", self.tag(Reason::NoIrrObjects, tagged));
            return;
        }
        let prefixes = if set == "v4" { &sets.v4 } else { &sets.v6 };
        let not_registered = if prefixes.is_empty() { "true".to_owned() } else { format!("!(net ~ {sym}_irr_{set})") };
        let _ = writeln!(out, "{indent}if {not_registered}{unless_roa} then {}", self.tag(Reason::NotInIrr, tagged));
        let not_origin = if sets.origins.is_empty() { "true".to_owned() } else { format!("!(bgp_path.last ~ {sym}_irr_origins)") };
        let _ = writeln!(out, "{indent}if {not_origin}{unless_roa} then {}", self.tag(Reason::OriginNotInIrr, tagged));
    }

    pub fn export_filter(&self, out: &mut String) {
        let (sym, peer, rs) = (self.symbol, self.asn, self.rs_asn);
        let any = |std: Option<String>, large: String| match std {
            Some(std) => format!("{std} ~ bgp_community || {large} ~ bgp_large_community"),
            None => format!("{large} ~ bgp_large_community"),
        };
        let not_to_peer = any(short(peer).map(|p| format!("(0, {p})")), format!("({rs}, 0, {peer})"));
        let not_to_any = any(short(rs).map(|r| format!("(0, {r})")), format!("({rs}, 0, 0)"));
        let to_peer = any(short(rs).zip(short(peer)).map(|(r, p)| format!("({r}, {p})")), format!("({rs}, 1, {peer})"));
        let to_some = match short(rs) {
            Some(r) => format!("bgp_community ~ [({r}, *)] || bgp_large_community ~ [({rs}, 1, *)]"),
            None => format!("bgp_large_community ~ [({rs}, 1, *)]"),
        };
        let _ = writeln!(out, "filter {sym}_export {{");
        let _ = writeln!(out, "  if {not_to_peer} then reject;");
        let _ = writeln!(out, "  if ({not_to_any}) && !({to_peer}) then reject;");
        let _ = writeln!(out, "  if ({to_some}) && !({to_peer}) then reject;");
        for times in 1..=3u32 {
            let to_all = any(short(rs).map(|r| format!("({}, {r})", 65500 + times)), format!("({rs}, {}, 0)", 100 + times));
            let to_this = any(short(peer).map(|p| format!("({}, {p})", 65510 + times)), format!("({rs}, {}, {peer})", 100 + times));
            let prepend = "bgp_path.prepend(bgp_path.first); ".repeat(times as usize);
            let _ = writeln!(out, "  if {to_all} || {to_this} then {{ {prepend}}}");
        }
        let mut standard = vec!["(0, *)".to_owned(), "(65501..65503, *)".to_owned(), "(65511..65513, *)".to_owned()];
        if let Some(r) = short(rs) {
            standard.insert(1, format!("({r}, *)"));
        }
        let _ = writeln!(out, "  bgp_community.delete([{}]);", standard.join(", "));
        let _ = writeln!(
            out,
            "  bgp_large_community.delete([({rs}, 0..{}, *), ({rs}, {}..4294967295, *)]);",
            2 * TAG_OFFSET - 1,
            3 * TAG_OFFSET
        );
        let _ = writeln!(out, "  accept;");
        let _ = writeln!(out, "}}");
    }
}
