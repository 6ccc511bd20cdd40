use super::*;

const EXAMPLE: &str = r#"
[workflow]
approval_mode = "policy_auto"

[auth]
oauth_state_ttl_seconds = 300

[[networks]]
suffix = "000001"
name = "ZT-IX Frankfurt"
description = "Peering LAN"
ipv6_prefix = "2001:db8:1::/64"

[[networks]]
id = "8056c2e21c000002"
name = "ZT-IX Amsterdam"
ipv6_prefix = "2001:db8:2::/64"
"#;

fn error_of(text: &str) -> String {
    RuntimeSettings::from_toml(text, "test.toml").unwrap_err().to_string()
}

#[test]
fn an_empty_file_gives_the_documented_defaults() {
    let s = RuntimeSettings::from_toml("", "test.toml").unwrap();
    assert_eq!(s.workflow.approval_mode, ApprovalMode::ManualAdmin);
    assert_eq!(s.auth.oauth_state_ttl_seconds, 600);
    assert_eq!(s.auth.password_min_length, 12);
    assert_eq!(s.auth.max_failures_per_username, 5);
    assert_eq!(s.auth.max_failures_per_client, 30);
    assert_eq!(s.auth.failure_window_seconds, 900);
    assert_eq!(s.worker.lease_seconds, 60);
    assert!(!s.peeringdb.require_manage_peering_sessions);
    assert!(s.networks.is_empty());
}

#[test]
fn the_example_parses() {
    let s = RuntimeSettings::from_toml(EXAMPLE, "test.toml").unwrap();
    assert_eq!(s.workflow.approval_mode, ApprovalMode::PolicyAuto);
    assert_eq!(s.auth.oauth_state_ttl_seconds, 300);
    assert_eq!(s.networks.len(), 2);
    let controller = crate::types::ControllerAddress::parse("8056c2e21c").unwrap();
    let first = s.networks[0].resolve(0, Some(&controller)).unwrap();
    assert_eq!(first.id.as_str(), "8056c2e21c000001");
    assert!(s.networks[0].resolve(0, None).is_err());
    assert_eq!(s.networks[1].resolve(1, None).unwrap().id.as_str(), "8056c2e21c000002");
}

#[test]
fn unknown_keys_are_refused_with_their_name() {
    let message = error_of("[workflow]\napproval_mod = \"manual_admin\"\n");
    assert!(message.contains("approval_mod"), "{message}");
}

#[test]
fn an_unknown_approval_mode_is_refused() {
    let message = error_of("[workflow]\napproval_mode = \"yolo\"\n");
    assert!(message.contains("yolo") || message.contains("approval_mode"), "{message}");
}

#[test]
fn bad_networks_are_refused_with_a_reason() {
    let base = "name = \"X\"\nipv6_prefix = \"2001:db8:1::/64\"\n";
    let cases = [
        (format!("[[networks]]\n{base}"), "needs `suffix`"),
        (format!("[[networks]]\nsuffix = \"000001\"\nid = \"8056c2e21c000001\"\n{base}"), "both"),
        (format!("[[networks]]\nsuffix = \"00000G\"\n{base}"), "6 lower-case"),
        (format!("[[networks]]\nsuffix = \"000001\"\n{base}[[networks]]\nsuffix = \"000001\"\nname = \"Y\"\nipv6_prefix = \"2001:db8:2::/64\"\n"), "twice"),
        (format!("[[networks]]\nsuffix = \"000001\"\n{base}[[networks]]\nsuffix = \"000002\"\n{base}"), "used by another"),
        ("[[networks]]\nsuffix = \"000001\"\nname = \"X\"\nipv6_prefix = \"2001:db8:1::/48\"\n".into(), "/64"),
        ("[[networks]]\nsuffix = \"000001\"\nname = \" \"\nipv6_prefix = \"2001:db8:1::/64\"\n".into(), "name"),
    ];
    for (text, expected) in cases {
        let message = error_of(&text);
        assert!(message.contains(expected), "{expected:?} not in {message:?} for\n{text}");
    }
}

#[test]
fn zero_limits_are_refused() {
    assert!(error_of("[worker]\nlease_seconds = 0\n").contains("worker.lease_seconds"));
    assert!(error_of("[auth]\npassword_min_length = 4\n").contains("password_min_length"));
}

#[test]
fn a_missing_optional_file_gives_defaults_but_a_missing_required_file_is_an_error() {
    let path = std::path::Path::new("/nonexistent/zt-ix-runtime.toml");
    assert_eq!(RuntimeSettings::load(path, true).unwrap(), RuntimeSettings::default());
    assert!(RuntimeSettings::load(path, false).is_err());
}

#[test]
fn route_server_policy_and_irr_settings_are_read_and_checked() {
    let s = RuntimeSettings::from_toml(
        "[irr]\nhost = \"rr.example.net:43\"\nsources = [\"RIPE\", \"RADB\"]\nempty_set = \"tag\"\n\n\
         [route_servers]\nmax_prefixes_floor = 5\nmax_prefixes_ceiling = 9000\ntransit_free_asns = [174]\n\n\
         [[networks]]\nsuffix = \"000001\"\nname = \"x\"\nipv6_prefix = \"2001:db8:1::/64\"\nirr_filter = \"tag\"\n",
        "test.toml",
    )
    .unwrap();
    assert_eq!(s.irr.host.as_deref(), Some("rr.example.net:43"));
    assert_eq!(s.irr.empty_set, crate::routeservers::EmptySet::Tag);
    assert_eq!(s.networks[0].irr_filter, crate::routeservers::IrrMode::Tag);
    assert_eq!(s.route_servers.hygiene().transit_free_asns, [174]);
    let defaults = RuntimeSettings::default();
    assert_eq!(defaults.irr.host, None, "IRR filtering is off unless an IRR server is named");
    assert_eq!(defaults.route_servers.transit_free_asns.len(), 19);
    assert!(error_of("[irr]\nhost = \"-h x\"\n").contains("irr.host"));
    assert!(error_of("[irr]\nhost = \"rr\"\nsources = []\n").contains("irr.sources"));
    assert!(error_of("[irr]\nhost = \"rr\"\nsources = [\"RIPE,-x\"]\n").contains("irr.sources"));
    assert!(error_of("[route_servers]\nmax_prefixes_floor = 100\nmax_prefixes_ceiling = 10\n").contains("ceiling"));
    assert!(error_of("[[networks]]\nsuffix = \"000001\"\nname = \"x\"\nipv6_prefix = \"2001:db8:1::/64\"\nirr_filter = \"maybe\"\n").contains("irr_filter"));
}

#[test]
fn the_shipped_example_parses() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime-config.example.toml")).unwrap();
    RuntimeSettings::from_toml(&text, "runtime-config.example.toml").unwrap();
}

#[test]
fn route_servers_on_a_network_are_read_and_checked() {
    let network = "[[networks]]\nsuffix = \"000001\"\nname = \"x\"\nipv6_prefix = \"2001:db8:1::/64\"\n";
    let s = RuntimeSettings::from_toml(
        &format!("{network}[[networks.route_servers]]\nname = \"rs1\"\naddress = \"2001:db8:1::fe\"\nhost = \"rs1.example.net\"\n\n[[networks.route_servers]]\nname = \"rs-2\"\naddress = \"192.0.2.254\"\nasn = 64513\n"),
        "test.toml",
    )
    .unwrap();
    let rs = &s.networks[0].route_servers;
    assert_eq!((rs[0].name.as_str(), rs[0].host.as_deref(), rs[0].asn), ("rs1", Some("rs1.example.net"), None));
    assert_eq!((rs[1].address.to_string().as_str(), rs[1].asn), ("192.0.2.254", Some(64513)));
    let one = |fields: &str| error_of(&format!("{network}[[networks.route_servers]]\n{fields}\n"));
    assert!(one("name = \"rs 1\"\naddress = \"2001:db8:1::fe\"").contains("route_servers[0].name"));
    assert!(one("name = \"rs1\"\naddress = \"2001:db8:2::fe\"").contains("not inside the network's ipv6_prefix"));
    assert!(one("name = \"rs1\"\naddress = \"2001:db8:1::fe\"\nasn = 0").contains("asn"));
    assert!(one("name = \"rs1\"\naddress = \"not an address\"").contains("address"));
    assert!(one("name = \"rs1\"\naddress = \"2001:db8:1::fe\"\nport = 1").contains("port"), "unknown keys are refused");
    let twice = format!("{network}[[networks.route_servers]]\nname = \"rs1\"\naddress = \"2001:db8:1::fe\"\n[[networks.route_servers]]\nname = \"rs1\"\naddress = \"2001:db8:1::fd\"\n");
    assert!(error_of(&twice).contains("used twice"));
    assert_eq!(RuntimeSettings::default().worker.sessions_interval_seconds, 60);
    assert!(error_of("[route_servers]\nfiltered_routes_per_minute = 0\n").contains("filtered_routes_per_minute"));
}

#[test]
fn the_exchange_and_its_publications_are_read_and_checked() {
    let s = RuntimeSettings::from_toml(
        "[exchange]\nshortname = \"ZT-IX\"\ncountry = \"DE\"\nurl = \"https://ztix.example.net/\"\nsupport_email = \"noc@ztix.example.net\"\n\
         [peeringdb]\nixlan_id = 42\n\n[[networks]]\nsuffix = \"000001\"\nname = \"A\"\nipv6_prefix = \"2001:db8:1::/64\"\n\
         looking_glass_urls = [\"https://lg.example.net/\"]\n\n[[networks]]\nsuffix = \"000002\"\nname = \"B\"\nipv6_prefix = \"2001:db8:2::/64\"\nvlan_id = 7\n",
        "test.toml",
    )
    .unwrap();
    assert_eq!((s.exchange.ixf_id, s.exchange.display_name(), s.peeringdb.ixlan_id), (None, "ZT-IX", Some(42)), "an IX-F id is optional");
    let controller = crate::types::ControllerAddress::parse("8056c2e21c").unwrap();
    assert_eq!(s.networks[0].resolve(0, Some(&controller)).unwrap().published.vlan_id, 1, "by position without vlan_id");
    assert_eq!(s.networks[1].resolve(1, Some(&controller)).unwrap().published.vlan_id, 7);

    let base = "[[networks]]\nsuffix = \"000001\"\nname = \"A\"\nipv6_prefix = \"2001:db8:1::/64\"\n";
    for (bad, key) in [
        ("[exchange]\nurl = \"ftp://x.example\"\n", "exchange.url"),
        ("[exchange]\nurl = \"not a url\"\n", "exchange.url"),
        ("[exchange]\ncountry = \"Germany\"\n", "exchange.country"),
        ("[exchange]\nsupport_email = \"noc\"\n", "exchange.support_email"),
        ("[exchange]\nixf_id = 0\n", "exchange.ixf_id"),
        ("[exchange]\nshortname = \" \"\n", "exchange.shortname"),
        ("[peeringdb]\nixlan_id = 0\n", "peeringdb.ixlan_id"),
    ] {
        let message = error_of(&format!("{bad}{base}"));
        assert!(message.contains(key), "{bad}: {message}");
    }
    let message = error_of(&format!("{base}looking_glass_urls = [\"javascript:alert(1)\"]\n"));
    assert!(message.contains("networks[0].looking_glass_urls[0]"), "{message}");
    let message = error_of(&format!("{base}vlan_id = 2\n[[networks]]\nsuffix = \"000002\"\nname = \"B\"\nipv6_prefix = \"2001:db8:2::/64\"\n"));
    assert!(message.contains("networks[1].vlan_id"), "{message}");
}
