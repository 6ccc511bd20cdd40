//! What `birdc` prints, read into sessions and routes. Only the portal's own protocols
//! (`ztix_<request>_<n>`) are read; everything else on the route server is ignored.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::routeservers::Reason;

/// A BGP session's state, as members and admins see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Established,
    Idle,
    Connect,
    Active,
    #[serde(rename = "opensent")]
    OpenSent,
    #[serde(rename = "openconfirm")]
    OpenConfirm,
    /// Shut down (a suspended member, or disabled by hand on the route server).
    Down,
}

impl SessionState {
    pub const ALL: [SessionState; 7] = [
        SessionState::Established,
        SessionState::Idle,
        SessionState::Connect,
        SessionState::Active,
        SessionState::OpenSent,
        SessionState::OpenConfirm,
        SessionState::Down,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Established => "established",
            SessionState::Idle => "idle",
            SessionState::Connect => "connect",
            SessionState::Active => "active",
            SessionState::OpenSent => "opensent",
            SessionState::OpenConfirm => "openconfirm",
            SessionState::Down => "down",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// BIRD's `BGP state:` value.
    fn from_bird(text: &str) -> Self {
        match text.to_ascii_lowercase().as_str() {
            "established" => Self::Established,
            "idle" => Self::Idle,
            "connect" => Self::Connect,
            "active" => Self::Active,
            "opensent" => Self::OpenSent,
            "openconfirm" => Self::OpenConfirm,
            _ => Self::Down,
        }
    }
}

/// Routes of one address family on one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRoutes {
    /// Received and accepted.
    pub imported: i64,
    /// Received and kept, but filtered (`import keep filtered on`).
    pub filtered: i64,
    /// Sent to the member.
    pub exported: i64,
}

/// One `protocol bgp` of the portal's, as `birdc show protocols all` reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub protocol: String,
    pub request_id: Uuid,
    pub neighbor: String,
    pub state: SessionState,
    /// BIRD's word for it (`Established`, `Active`, …).
    pub bgp_state: String,
    /// BIRD's "since" column as printed.
    pub since: String,
    pub last_error: Option<String>,
    pub v4: ChannelRoutes,
    pub v6: ChannelRoutes,
}

/// The request a protocol name belongs to: `ztix_<32 hex>_<n>`.
pub fn request_of(protocol: &str) -> Option<Uuid> {
    let rest = protocol.strip_prefix("ztix_")?;
    let (hex, n) = rest.split_once('_')?;
    if hex.len() != 32 || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Uuid::try_parse(hex).ok()
}

fn routes(value: &str) -> ChannelRoutes {
    let mut routes = ChannelRoutes::default();
    for part in value.split(',') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next().and_then(|n| n.parse().ok()), words.next()) else { continue };
        match what {
            "imported" => routes.imported = n,
            "filtered" => routes.filtered = n,
            "exported" => routes.exported = n,
            _ => {}
        }
    }
    routes
}

/// The since column: one word (`19:36:28.127`), or a date and a time.
fn since_of(words: &[&str]) -> (String, usize) {
    match words {
        [date, time, ..] if date.len() == 10 && date.as_bytes()[4] == b'-' && time.contains(':') => (format!("{date} {time}"), 2),
        [word, ..] => ((*word).to_owned(), 1),
        [] => (String::new(), 0),
    }
}

/// Every portal session in the output of `birdc show protocols all "ztix_*"`.
pub fn parse_protocols(output: &str) -> Vec<Session> {
    let mut sessions: Vec<Session> = Vec::new();
    let mut family: Option<&str> = None;
    for line in output.lines() {
        if !line.starts_with(char::is_whitespace) {
            family = None;
            let words: Vec<&str> = line.split_whitespace().collect();
            let Some(request_id) = words.first().and_then(|name| request_of(name)) else { continue };
            if words.get(1) != Some(&"BGP") || words.len() < 4 {
                continue;
            }
            let (since, _) = since_of(&words[4..]);
            sessions.push(Session {
                protocol: words[0].to_owned(),
                request_id,
                neighbor: String::new(),
                state: SessionState::Down,
                bgp_state: String::new(),
                since,
                last_error: None,
                v4: ChannelRoutes::default(),
                v6: ChannelRoutes::default(),
            });
            continue;
        }
        let Some(session) = sessions.last_mut() else { continue };
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("Channel ") {
            family = Some(if name.trim() == "ipv4" { "ipv4" } else if name.trim() == "ipv6" { "ipv6" } else { "" });
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else { continue };
        let value = value.trim();
        match (key, family) {
            ("BGP state", _) => {
                session.bgp_state = value.chars().take(32).collect();
                session.state = SessionState::from_bird(value);
            }
            ("Neighbor address", _) => session.neighbor = value.chars().take(64).collect(),
            ("Last error", _) if !value.is_empty() => session.last_error = Some(value.chars().take(300).collect()),
            ("Routes", Some("ipv4")) => session.v4 = routes(value),
            ("Routes", Some("ipv6")) => session.v6 = routes(value),
            _ => {}
        }
    }
    sessions
}

/// Why a filtered route was filtered: a documented reason, or a code the portal does
/// not know (shown as the number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterReason {
    Known(Reason),
    Unknown(u32),
}

/// One route the route server keeps as filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilteredRoute {
    pub prefix: String,
    pub protocol: String,
    pub as_path: String,
    pub next_hop: String,
    pub reasons: Vec<FilterReason>,
}

/// The routes in the output of `birdc show route filtered … all`, with the reasons the
/// route server's import filter recorded as `(rs_asn, code, member_asn)`.
pub fn parse_filtered(output: &str, rs_asn: u32, member_asn: u32) -> Vec<FilteredRoute> {
    let mut out: Vec<FilteredRoute> = Vec::new();
    let mut prefix = String::new();
    for line in output.lines() {
        if let Some(start) = line.find(" [ztix_") {
            let head = &line[..start];
            if let Some(first) = head.split_whitespace().next().filter(|w| w.contains('/')) {
                prefix = first.to_owned();
            }
            let protocol = line[start + 2..].split(|c: char| c == ' ' || c == ']').next().unwrap_or_default().to_owned();
            out.push(FilteredRoute { prefix: prefix.clone(), protocol, as_path: String::new(), next_hop: String::new(), reasons: Vec::new() });
            continue;
        }
        let Some(route) = out.last_mut() else { continue };
        let trimmed = line.trim();
        if let Some(path) = trimmed.strip_prefix("BGP.as_path:") {
            route.as_path = path.trim().chars().take(200).collect();
        } else if let Some(hop) = trimmed.strip_prefix("BGP.next_hop:") {
            route.next_hop = hop.split_whitespace().next().unwrap_or_default().to_owned();
        } else if let Some(list) = trimmed.strip_prefix("BGP.large_community:") {
            for tuple in list.split(')') {
                let numbers: Vec<u32> = tuple.trim_start_matches([' ', '(']).split(',').filter_map(|n| n.trim().parse().ok()).collect();
                if let [rs, code, asn] = numbers[..] {
                    if rs == rs_asn && asn == member_asn && (1000..2000).contains(&code) {
                        let reason = match Reason::from_code(code) {
                            Some((reason, false)) => FilterReason::Known(reason),
                            _ => FilterReason::Unknown(code),
                        };
                        route.reasons.push(reason);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROTOCOLS: &str = include_str!("show-protocols-all.txt");

    #[test]
    fn states_counts_and_errors_are_read_from_a_real_birdc() {
        let sessions = parse_protocols(PROTOCOLS);
        let summary: Vec<(String, SessionState, &str, &str)> = sessions
            .iter()
            .map(|s| (s.request_id.simple().to_string()[..4].to_owned(), s.state, s.neighbor.as_str(), s.since.as_str()))
            .collect();
        let expected = [
            ("3f2b", SessionState::Established, "2001:db8:1::1001", "19:36:48.458"),
            ("0d6f", SessionState::Connect, "2001:db8:1::1002", "19:36:27.339"),
            ("7a1b", SessionState::Down, "2001:db8:1::1003", "19:36:27.339"),
            ("9e8d", SessionState::Active, "2001:db8:1::1004", "19:36:53.604"),
        ];
        assert_eq!(summary, expected.map(|(a, b, c, d)| (a.to_owned(), b, c, d)));
        let up = &sessions[0];
        assert_eq!(up.v4, ChannelRoutes { imported: 1, filtered: 0, exported: 0 });
        assert_eq!(up.v6, ChannelRoutes { imported: 1, filtered: 1, exported: 0 });
        assert_eq!(up.last_error, None);
        assert_eq!(sessions[3].last_error.as_deref(), Some("Received: Administrative shutdown"));
        assert_eq!(sessions[3].v6, ChannelRoutes::default());
        assert_eq!(sessions[3].bgp_state, "Active");
    }

    #[test]
    fn every_bgp_state_bird_prints_is_read() {
        let id = Uuid::new_v4().simple().to_string();
        for (bird, state) in [
            ("Idle", SessionState::Idle),
            ("Connect", SessionState::Connect),
            ("Active", SessionState::Active),
            ("OpenSent", SessionState::OpenSent),
            ("OpenConfirm", SessionState::OpenConfirm),
            ("Established", SessionState::Established),
            ("Down", SessionState::Down),
            ("Passive", SessionState::Down),
        ] {
            let output = format!("ztix_{id}_1 BGP        ---        start  10:00:00.000  {bird}\n  BGP state:          {bird}\n");
            let sessions = parse_protocols(&output);
            assert_eq!((sessions.len(), sessions[0].state, sessions[0].bgp_state.as_str()), (1, state, bird));
            assert_eq!(SessionState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn a_date_in_the_since_column_is_kept_with_its_time() {
        let id = Uuid::new_v4().simple().to_string();
        let output = format!("ztix_{id}_1 BGP        ---        up     2026-12-02 19:36:48  Established\n  BGP state:          Established\n");
        let sessions = parse_protocols(&output);
        assert_eq!(sessions[0].since, "2026-12-02 19:36:48");
        assert_eq!(sessions[0].state, SessionState::Established);
    }

    #[test]
    fn filtered_routes_carry_the_reasons_of_the_route_server() {
        let routes = parse_filtered(include_str!("show-route-filtered-all.txt"), 64512, 1001);
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].prefix, "2a0a:1001:1::/48");
        assert_eq!(routes[0].protocol, "ztix_3f2b8a4e1c2d4e5f9a8b7c6d5e4f3a2b_1");
        assert_eq!(routes[0].as_path, "1001");
        assert_eq!(routes[0].next_hop, "2001:db8:1::1001");
        assert_eq!(routes[0].reasons, [FilterReason::Known(Reason::NextHop)]);
        // Another member's tuples and other route servers' are not reasons for this one.
        assert!(parse_filtered(include_str!("show-route-filtered-all.txt"), 64512, 1002)[0].reasons.is_empty());
        assert!(parse_filtered(include_str!("show-route-filtered-all.txt"), 64999, 1001)[0].reasons.is_empty());
        let many = "2a0a::/32 unicast [ztix_x_1 10:00] * (100)\n\tBGP.large_community: (64512, 1009, 1001) (64512, 1010, 1001) (64512, 1999, 1001) (64512, 2010, 1001)\n                     unicast [ztix_x_2 10:00] (100)\n";
        let routes = parse_filtered(many, 64512, 1001);
        assert_eq!(routes[0].reasons, [FilterReason::Known(Reason::RpkiInvalid), FilterReason::Known(Reason::NotInIrr), FilterReason::Unknown(1999)]);
        assert_eq!(routes[1].prefix, "2a0a::/32", "a second route of the same prefix");
        assert_eq!(routes[1].protocol, "ztix_x_2");
    }

    #[test]
    fn protocol_names_of_other_configurations_are_not_ours() {
        let id = Uuid::new_v4();
        assert_eq!(request_of(&format!("ztix_{}_1", id.simple())), Some(id));
        assert_eq!(request_of(&format!("ztix_{}_12", id.simple())), Some(id));
        for other in ["ztix_aaaa_1", "device1", &format!("ztix_{}", id.simple()), &format!("ztix_{}_x", id.simple()), &format!("bgp_{}_1", id.simple())] {
            assert_eq!(request_of(other), None, "{other}");
        }
    }
}
