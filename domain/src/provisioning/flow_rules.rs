//! The peering LAN's ZeroTier flow rules, from one definition: rendered in the
//! controller's JSON rule form (what preflight and reconcile set on every configured
//! network, and what drift checks compare) and as rules-language text (what the admin
//! pages and `docs/operations.md` show).
//!
//! A ZT-IX peering LAN carries IPv6 only (IPv4 routes ride on IPv6 BGP sessions with
//! extended next hop), each member may only send from the address the controller
//! assigned it (`chr ipauth`: the controller's certificate of ownership covers exactly the
//! member's `ipAssignments`; neighbor solicitations are exempt, advertisements are
//! checked by their target), and no member may act as a router or an address server on
//! the LAN (router advertisements, redirects, DHCPv6 replies). Everything else — neighbor
//! discovery, multicast listener reports, BGP between members and to the route servers —
//! is accepted. Rules are checked by the sender and the receiver alike.

use serde_json::{json, Map, Value};

/// `ethertype ipv6`
const ETHERTYPE_IPV6: u16 = 0x86dd;
/// `chr ipauth`: the sender's IP is covered by its certificate of ownership.
const CHR_IPAUTH: u64 = 1 << 60;
const IPPROTO_UDP: u8 = 17;
const ICMPV6_ROUTER_ADVERTISEMENT: u8 = 134;
const ICMPV6_REDIRECT: u8 = 137;
const DHCPV6_SERVER_PORT: u16 = 547;

/// One match of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    EtherType(u16),
    Characteristics(u64),
    IpProtocol(u8),
    /// An ICMP (on IPv6: ICMPv6) type, any code.
    Icmp(u8),
    SourcePort(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Drop,
    Accept,
}

/// A match, possibly inverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Term {
    not: bool,
    matches: Match,
}

/// An action taken when all its terms hold, with why it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    why: &'static str,
    action: Action,
    terms: Vec<Term>,
}

const fn is(matches: Match) -> Term {
    Term { not: false, matches }
}

const fn not(matches: Match) -> Term {
    Term { not: true, matches }
}

/// The rules of every exchange network, in order (the first action that applies wins).
pub fn peering_lan() -> Vec<Rule> {
    vec![
        Rule { why: "IPv6 only: IPv4 routes ride on IPv6 sessions", action: Action::Drop, terms: vec![not(Match::EtherType(ETHERTYPE_IPV6))] },
        Rule {
            why: "a member sends only from the address the exchange assigned it",
            action: Action::Drop,
            terms: vec![not(Match::Characteristics(CHR_IPAUTH))],
        },
        Rule { why: "no router advertisements from members", action: Action::Drop, terms: vec![is(Match::Icmp(ICMPV6_ROUTER_ADVERTISEMENT))] },
        Rule { why: "no ICMPv6 redirects from members", action: Action::Drop, terms: vec![is(Match::Icmp(ICMPV6_REDIRECT))] },
        Rule {
            why: "no DHCPv6 servers on the peering LAN",
            action: Action::Drop,
            terms: vec![is(Match::IpProtocol(IPPROTO_UDP)), is(Match::SourcePort(DHCPV6_SERVER_PORT))],
        },
        Rule { why: "everything else a peering LAN needs: neighbor discovery, BGP, …", action: Action::Accept, terms: vec![] },
    ]
}

impl Match {
    fn json(self) -> Map<String, Value> {
        let value = match self {
            Self::EtherType(t) => json!({"type": "MATCH_ETHERTYPE", "etherType": t}),
            Self::Characteristics(mask) => json!({"type": "MATCH_CHARACTERISTICS", "mask": format!("{mask:016x}")}),
            Self::IpProtocol(p) => json!({"type": "MATCH_IP_PROTOCOL", "ipProtocol": p}),
            Self::Icmp(t) => json!({"type": "MATCH_ICMP", "icmpType": t, "icmpCode": null}),
            Self::SourcePort(p) => json!({"type": "MATCH_IP_SOURCE_PORT_RANGE", "start": p, "end": p}),
        };
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn text(self) -> String {
        match self {
            Self::EtherType(ETHERTYPE_IPV6) => "ethertype ipv6".into(),
            Self::EtherType(t) => format!("ethertype 0x{t:04x}"),
            Self::Characteristics(CHR_IPAUTH) => "chr ipauth".into(),
            Self::Characteristics(mask) => format!("chr {}", mask.trailing_zeros()),
            Self::IpProtocol(IPPROTO_UDP) => "ipprotocol udp".into(),
            Self::IpProtocol(p) => format!("ipprotocol {p}"),
            Self::Icmp(t) => format!("icmp {t} -1"),
            Self::SourcePort(p) => format!("sport {p}"),
        }
    }
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::Drop => "drop",
            Self::Accept => "accept",
        }
    }
}

/// The rules in the controller's JSON form: each rule's matches, then its action;
/// `not` and `or` on every match, none on actions (as the controller renders them).
pub fn to_json(rules: &[Rule]) -> Vec<Value> {
    let mut out = Vec::new();
    for rule in rules {
        for term in &rule.terms {
            let mut entry = term.matches.json();
            entry.insert("not".into(), json!(term.not));
            entry.insert("or".into(), json!(false));
            out.push(Value::Object(entry));
        }
        out.push(json!({"type": format!("ACTION_{}", rule.action.name().to_uppercase())}));
    }
    out
}

/// The rules in the rules language, one commented line each.
pub fn to_text(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(|rule| {
            let terms: Vec<String> = rule.terms.iter().map(|t| format!("{}{}", if t.not { "not " } else { "" }, t.matches.text())).collect();
            let body = if terms.is_empty() { String::new() } else { format!(" {}", terms.join(" and ")) };
            format!("# {}\n{}{body};\n", rule.why, rule.action.name())
        })
        .collect()
}

/// A rules array as the controller returns it, made comparable with [`to_json`]:
/// actions lose `not` and `or`; matches get them (default `false`).
pub fn normalize(rules: &Value) -> Vec<Value> {
    let Some(entries) = rules.as_array() else { return Vec::new() };
    entries
        .iter()
        .map(|entry| {
            let mut entry = entry.as_object().cloned().unwrap_or_default();
            let action = entry.get("type").and_then(Value::as_str).is_some_and(|t| t.starts_with("ACTION_"));
            if action {
                entry.remove("not");
                entry.remove("or");
            } else {
                for key in ["not", "or"] {
                    entry.entry(key).or_insert(json!(false));
                }
            }
            Value::Object(entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_render_in_the_controllers_form() {
        let rules = to_json(&peering_lan());
        assert_eq!(rules[0], json!({"type": "MATCH_ETHERTYPE", "etherType": 34525, "not": true, "or": false}));
        assert_eq!(rules[1], json!({"type": "ACTION_DROP"}));
        assert_eq!(rules[2], json!({"type": "MATCH_CHARACTERISTICS", "mask": "1000000000000000", "not": true, "or": false}));
        assert_eq!(rules[4]["icmpType"], 134);
        assert_eq!(rules[4]["icmpCode"], Value::Null);
        assert_eq!(rules.last(), Some(&json!({"type": "ACTION_ACCEPT"})), "the set ends with an explicit accept");
        assert_eq!(rules.len(), 12);
    }

    #[test]
    fn the_text_says_the_same_as_the_json() {
        let text = to_text(&peering_lan());
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            ["drop not ethertype ipv6;", "drop not chr ipauth;", "drop icmp 134 -1;", "drop icmp 137 -1;", "drop ipprotocol udp and sport 547;", "accept;"]
        );
    }

    #[test]
    fn what_the_controller_returns_compares_equal_after_normalizing() {
        let mut stored = to_json(&peering_lan());
        // the controller re-renders: actions may come back with or without not/or
        stored[1] = json!({"type": "ACTION_DROP", "not": false, "or": false});
        assert_eq!(normalize(&Value::Array(stored)), to_json(&peering_lan()));
        assert_ne!(normalize(&json!([{"type": "ACTION_ACCEPT"}])), to_json(&peering_lan()));
    }
}
