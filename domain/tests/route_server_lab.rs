//! The route-server policy over real BGP sessions: a real BIRD as route server, loaded
//! with the peer files ZT-IX renders (IRR sets expanded by the real bgpq4 from a real
//! IRRd), and three real BIRD members on one peering LAN (network namespaces, veth, a
//! bridge, the network's IPv6 prefix). Member A announces a fixed table of good and bad
//! routes and routes with control communities; every route is checked on the route
//! server (accepted, or filtered with the expected reason community) and on the other
//! members (exported only where the communities allow, RS communities stripped).

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use domain::policy::irr;
use domain::routeservers::{EmptySet, Hygiene, IrrMode, IrrPolicy, PeerConfig, Reason};
use domain::settings::IrrSettings;
use domain::types::Asn;
use support::irrd::{Irrd, SOURCE};
use support::lab::{lan, Bird};
use uuid::Uuid;

const RS_ASN: u32 = 64512;
const LAN: &str = "2001:db8:1::";
const RS_ADDRESS: &str = "2001:db8:1::fe";

const OBJECTS: &str = "\
as-set:  AS-MEMBERA
members: AS1001, AS1011
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route:   193.0.10.0/24
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1001::/48
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1011::/48
origin:  AS1011
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:2000::/48
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1001:5::/48
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1001:7::/48
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1002::/48
origin:  AS1002
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1003::/48
origin:  AS1003
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST
";

/// The route server's configuration: static ROAs, then the peer files.
fn route_server_conf(dir: &Path) -> String {
    format!(
        "router id 192.0.2.254;\nroa4 table ztix_roa_v4;\nroa6 table ztix_roa_v6;\nprotocol device {{}}\n\
         protocol static roas6 {{ roa6 {{ table ztix_roa_v6; }}; route 2a0a:1001::/32 max 48 as 1001; \
         route 2a0a:1011::/32 max 48 as 1011; route 2a0a:2000::/32 max 48 as 9999; \
         route 2a0a:1002::/32 max 48 as 1002; route 2a0a:1003::/32 max 48 as 1003; }}\n\
         protocol static roas4 {{ roa4 {{ table ztix_roa_v4; }}; route 193.0.10.0/23 max 24 as 1001; }}\n\
         include \"{}/peers/*.conf\";\n",
        dir.display()
    )
}

/// A member router: its static routes (IPv6 and IPv4) and an export filter, one
/// session to the route server with IPv4 over the IPv6 session.
fn member_conf(asn: u32, id: u8, routes6: &str, routes4: &str, export: &str) -> String {
    format!(
        "router id 192.0.2.{id};\nprotocol device {{}}\n\
         protocol static s6 {{ ipv6; {routes6} }}\nprotocol static s4 {{ ipv4; {routes4} }}\n\
         filter member_out {{ {export} accept; }}\n\
         protocol bgp upstream {{\n  local as {asn};\n  neighbor {RS_ADDRESS} as {RS_ASN};\n  connect delay time 1;\n  \
         connect retry time 2;\n  ipv6 {{ import all; export filter member_out; next hop keep; }};\n  \
         ipv4 {{ extended next hop on; import all; export filter member_out; }};\n}}\n"
    )
}

/// `birdc show route … all`, by prefix.
fn routes(output: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in output.lines() {
        let first = line.split_whitespace().next().unwrap_or_default();
        if !line.starts_with(char::is_whitespace) && first.contains('/') {
            current = Some(first.to_owned());
            out.entry(first.to_owned()).or_default();
        }
        if let Some(prefix) = &current {
            let block = out.get_mut(prefix).unwrap();
            block.push_str(line);
            block.push('\n');
        }
    }
    out
}

fn large(code: u32, asn: u32) -> String {
    format!("({RS_ASN}, {code}, {asn})")
}

fn peer(asn: u32, address: &str, hygiene: &Hygiene, irr: Option<IrrPolicy>) -> PeerConfig {
    PeerConfig {
        request_id: Uuid::new_v4(),
        member_asn: Asn::parse(i64::from(asn)).unwrap(),
        addresses: vec![address.parse().unwrap()],
        local_asn: Asn::parse(i64::from(RS_ASN)).unwrap(),
        network_name: "ZT-IX lab".into(),
        max_prefixes_v4: 100,
        max_prefixes_v6: 100,
        shut_down: false,
        hygiene: hygiene.clone(),
        irr,
    }
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + timeout;
    loop {
        match check() {
            Ok(()) => return,
            Err(state) if Instant::now() > deadline => panic!("{what}: {state}"),
            Err(_) => std::thread::sleep(Duration::from_millis(300)),
        }
    }
}

#[test]
fn the_route_server_policy_holds_over_real_bgp_sessions() {
    let started = Instant::now();
    // IRRd takes a while to come up: start it first, build the LAN meanwhile.
    let irrd = std::thread::spawn(|| Irrd::start(OBJECTS, "!6AS1011", "2a0a:1011::/48"));

    let hosts: Vec<(&str, String)> =
        vec![("rs", RS_ADDRESS.into()), ("a", format!("{LAN}1001")), ("b", format!("{LAN}1002")), ("c", format!("{LAN}1003"))];
    let (_lan, namespaces) = lan("p", &hosts);

    let mut irrd = irrd.join().unwrap();
    let irr_settings = IrrSettings { host: Some(irrd.host()), sources: vec![SOURCE.into()], timeout_seconds: 10, ..IrrSettings::default() };
    let expand = |query: &str| tokio::runtime::Runtime::new().unwrap().block_on(irr::expand(&irr_settings, query));
    let query_a = irr::query_for(Some("ZTIXTEST::AS-MEMBERA"), 1001);
    assert_eq!(query_a, "AS-MEMBERA");
    let sets_a = expand(&query_a).expect("AS-MEMBERA expands");
    assert_eq!(sets_a.origins, [1001, 1011]);
    assert_eq!(
        sets_a.v6.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["2a0a:1001::/48", "2a0a:1001:5::/48", "2a0a:1001:7::/48", "2a0a:1011::/48", "2a0a:2000::/48"]
    );
    assert_eq!(sets_a.v4.iter().map(ToString::to_string).collect::<Vec<_>>(), ["193.0.10.0/24"]);
    let sets_b = expand(&irr::query_for(None, 1002)).expect("AS1002 expands");
    let sets_c = expand(&irr::query_for(Some(""), 1003)).expect("AS1003 expands");
    assert_eq!(sets_c.v6.len(), 1);
    // An IRR server that is gone is an error (the caller keeps the last good sets), never an empty set.
    irrd.stop();
    let gone = expand("AS-MEMBERA").expect_err("a stopped IRR server fails the expansion");
    assert!(gone.contains("bgpq4 failed"), "{gone}");

    let hygiene = Hygiene { transit_free_asns: vec![174, 3356], max_as_path_length: 10, max_communities: 5 };
    let irr_of = |mode, as_set: &str, sets| {
        Some(IrrPolicy { mode, as_set: as_set.into(), sets: Some(sets), empty: EmptySet::Reject, rpki_roas_as_route_objects: false })
    };
    let members = [
        (1001, peer(1001, &hosts[1].1, &hygiene, irr_of(IrrMode::Enforce, &query_a, sets_a))),
        (1002, peer(1002, &hosts[2].1, &hygiene, irr_of(IrrMode::Tag, "AS1002", sets_b))),
        (1003, peer(1003, &hosts[3].1, &hygiene, irr_of(IrrMode::Enforce, "AS1003", sets_c))),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("peers")).unwrap();
    for (_, p) in &members {
        std::fs::write(dir.path().join("peers").join(p.file_name()), p.render()).unwrap();
    }
    std::fs::write(dir.path().join("rs.conf"), route_server_conf(dir.path())).unwrap();
    let route_server = Bird::start(&namespaces[0], &dir.path().join("rs.conf"));

    let b_address = &hosts[2].1;
    let a_routes6 = format!(
        "route 2a0a:1001::/48 unreachable {{ bgp_large_community.add(({RS_ASN}, 0, 1003)); }};\n\
         route 2a0a:1011::/48 unreachable {{ bgp_community.add((0, {RS_ASN})); bgp_community.add(({RS_ASN}, 1003)); }};\n\
         route 2a0a:1001:8000::/48 unreachable;\n\
         route 2a0a:2000::/48 unreachable;\n\
         route 2a0a:1001:3::/48 unreachable;\n\
         route 2a0a:1001:1::/48 via {b_address};\n\
         route 2001:db8:1234::/48 unreachable;\n\
         route 2a0a:1001:0:1::/64 unreachable;\n\
         route ::/0 unreachable;\n\
         route 2a0a:1001:7::/48 unreachable;\n\
         route 2a0a:1001:5::/48 unreachable {{ bgp_community.add((1, 1)); bgp_community.add((1, 2)); bgp_community.add((1, 3)); \
         bgp_community.add((1, 4)); bgp_community.add((1, 5)); bgp_community.add((1, 6)); }};"
    );
    let a_export = format!(
        "if net = 2a0a:1001:3::/48 then bgp_path.prepend(3356);\n\
         if net = 2a0a:1011::/48 then bgp_path.prepend(1011);\n\
         if net = 2a0a:1001:7::/48 then {{ {} }}",
        "bgp_path.prepend(1001); ".repeat(10)
    );
    let configs = [
        member_conf(1001, 11, &a_routes6, &format!("route 193.0.10.0/24 blackhole {{ bgp_community.add((65501, {RS_ASN})); }};"), &a_export),
        member_conf(1002, 12, "route 2a0a:1002::/48 unreachable; route 2a0a:1002:5::/48 unreachable;", "", ""),
        member_conf(1003, 13, "route 2a0a:1003::/48 unreachable;", "", ""),
    ];
    let mut routers = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let path = dir.path().join(format!("member{i}.conf"));
        std::fs::write(&path, config).unwrap();
        routers.push(Bird::start(&namespaces[i + 1], &path));
    }
    let session = |asn: u32| format!("ztix_{}_1", members.iter().find(|(a, _)| *a == asn).unwrap().1.request_id.simple());
    let (a, b, c) = (session(1001), session(1002), session(1003));

    // Everything member A announces reaches the route server: accepted or kept as filtered.
    let filtered_a = || routes(&route_server.birdc(&["show", "route", "protocol", &a, "filtered", "all"]));
    let accepted_a = || routes(&route_server.birdc(&["show", "route", "protocol", &a, "all"]));
    wait_for("member A's routes on the route server", Duration::from_secs(90), || {
        let (f, acc) = (filtered_a(), accepted_a());
        if f.len() == 9 && acc.len() == 3 {
            Ok(())
        } else {
            Err(format!("filtered {:?}, accepted {:?}\n{}", f.keys(), acc.keys(), route_server.birdc(&["show", "protocols"])))
        }
    });
    let accepted = accepted_a();
    assert_eq!(accepted.keys().map(String::as_str).collect::<Vec<_>>(), ["193.0.10.0/24", "2a0a:1001::/48", "2a0a:1011::/48"]);
    let filtered = filtered_a();
    let expected = [
        ("2a0a:1001:8000::/48", Reason::NotInIrr),
        ("2a0a:2000::/48", Reason::RpkiInvalid),
        ("2a0a:1001:3::/48", Reason::TransitFree),
        ("2a0a:1001:1::/48", Reason::NextHop),
        ("2001:db8:1234::/48", Reason::BogonPrefix),
        ("2a0a:1001:0:1::/64", Reason::PrefixLength),
        ("::/0", Reason::DefaultRoute),
        ("2a0a:1001:7::/48", Reason::PathTooLong),
        ("2a0a:1001:5::/48", Reason::TooManyCommunities),
    ];
    for (prefix, reason) in expected {
        let block = filtered.get(prefix).unwrap_or_else(|| panic!("{prefix} is not among the filtered routes: {filtered:?}"));
        assert!(block.contains(&large(reason.code(), 1001)), "{prefix} should be filtered as {}: {block}", reason.slug());
    }
    assert!(!filtered["2a0a:2000::/48"].contains(&large(Reason::NotInIrr.code(), 1001)), "registered in the IRR: only RPKI rejects it");
    for route in accepted.values() {
        assert!(!route.contains(&format!("({RS_ASN}, 10")), "accepted routes carry no reason: {route}");
    }

    // Tag mode (member B): an unregistered route is accepted with the informational code.
    wait_for("member B's routes on the route server", Duration::from_secs(60), || {
        let got = routes(&route_server.birdc(&["show", "route", "protocol", &b, "all"]));
        (got.len() == 2).then_some(()).ok_or_else(|| format!("{:?}", got.keys()))
    });
    let from_b = routes(&route_server.birdc(&["show", "route", "protocol", &b, "all"]));
    assert!(from_b["2a0a:1002:5::/48"].contains(&large(Reason::NotInIrr.code() + domain::routeservers::TAG_OFFSET, 1002)), "{from_b:?}");
    assert!(!from_b["2a0a:1002::/48"].contains(&format!("({RS_ASN}, 2")), "{from_b:?}");

    // What the other members received.
    let at = |router: &Bird, expect: usize| {
        let mut got = BTreeMap::new();
        wait_for("routes at a member", Duration::from_secs(60), || {
            got = routes(&router.birdc(&["show", "route", "protocol", "upstream", "all"]));
            (got.len() == expect).then_some(()).ok_or_else(|| format!("{:?}", got.keys()))
        });
        got
    };
    // B: A's route not meant for C and A's prepended IPv4 route, C's route; not the route meant only for C.
    let at_b = at(&routers[1], 3);
    assert_eq!(at_b.keys().map(String::as_str).collect::<Vec<_>>(), ["193.0.10.0/24", "2a0a:1001::/48", "2a0a:1003::/48"]);
    assert!(at_b["193.0.10.0/24"].contains("BGP.as_path: 1001 1001"), "prepended once for everyone: {}", at_b["193.0.10.0/24"]);
    assert!(!at_b["2a0a:1001::/48"].contains(&format!("({RS_ASN}, 0, 1003)")), "control communities are stripped: {}", at_b["2a0a:1001::/48"]);
    assert!(!at_b["193.0.10.0/24"].contains(&format!("(65501,{RS_ASN})")), "prepend communities are stripped: {}", at_b["193.0.10.0/24"]);
    assert!(at_b["2a0a:1001::/48"].contains(&format!("BGP.next_hop: {}", hosts[1].1)), "the route server stays transparent");
    // C: the route meant only for C, both of B's (one tagged), A's IPv4 route; not the one A kept from C.
    let at_c = at(&routers[2], 4);
    assert_eq!(
        at_c.keys().map(String::as_str).collect::<Vec<_>>(),
        ["193.0.10.0/24", "2a0a:1002:5::/48", "2a0a:1002::/48", "2a0a:1011::/48"]
    );
    for community in [format!("(0,{RS_ASN})"), format!("({RS_ASN},1003)")] {
        assert!(!at_c["2a0a:1011::/48"].contains(&community), "RS communities are stripped: {}", at_c["2a0a:1011::/48"]);
    }
    assert!(at_c["2a0a:1002:5::/48"].contains(&large(2010, 1002)), "informational tags stay: {}", at_c["2a0a:1002:5::/48"]);
    assert!(at_c["2a0a:1011::/48"].contains("BGP.as_path: 1001 1011"), "{}", at_c["2a0a:1011::/48"]);
    // A hears B's and C's routes, nothing of its own.
    let at_a = at(&routers[0], 3);
    assert!(at_a.keys().all(|p| p.starts_with("2a0a:1002") || p.starts_with("2a0a:1003")), "{:?}", at_a.keys());
    let _ = c;
    eprintln!("route-server lab finished in {:.1} s", started.elapsed().as_secs_f32());
}
