//! Router configuration for members: one golden file per platform (set
//! `ZTIX_UPDATE_GOLDEN=1` to rewrite them after an intended change), and the BIRD and
//! FRR snippets parsed by a real `bird -p` and a real `vtysh --dryrun`.

use std::path::{Path, PathBuf};
use std::process::Command;

use domain::turnup::{RouteServerPeer, RouterConfig, Vendor};

fn example() -> RouterConfig {
    RouterConfig {
        network_id: "8056c2e21c000001".into(),
        network_name: "ZT-IX Frankfurt */ \"main\"".into(),
        member_asn: 64500,
        member_address: "2001:db8:1:0:6:4500:0:1".parse().unwrap(),
        lan_prefix_length: 64,
        route_servers: vec![
            RouteServerPeer { name: "rs1".into(), asn: 64512, address: "2001:db8:1::fe".parse().unwrap() },
            RouteServerPeer { name: "rs-2".into(), asn: 64512, address: "2001:db8:1::fd".parse().unwrap() },
        ],
        max_prefixes_v4: 100,
        max_prefixes_v6: 50,
    }
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/turnup").join(name)
}

fn check(name: &str, rendered: &str) {
    let path = golden(name);
    if std::env::var_os("ZTIX_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, rendered).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} exists", path.display()));
    assert_eq!(rendered, expected, "{name} differs from its golden file");
}

#[test]
fn every_platform_matches_its_golden_file() {
    let config = example();
    for vendor in Vendor::ALL {
        check(&format!("{}.txt", vendor.key()), &config.render(vendor));
    }
    check("join.txt", &config.join_commands());
}

#[test]
fn every_snippet_names_each_route_server_and_carries_ipv4_over_ipv6() {
    let config = example();
    for vendor in Vendor::ALL {
        let text = config.render(vendor);
        for rs in &config.route_servers {
            assert!(text.contains(&rs.address.to_string()), "{vendor:?} lacks {}", rs.address);
        }
        assert!(text.contains("64500"), "{vendor:?} lacks the member's ASN");
        assert!(!text.contains("*/"), "{vendor:?}: configuration text must not close a comment");
        let ipv4_over_ipv6 = ["extended next hop on", "extended-nexthop", "next-hop address-family ipv6", "ip,ipv6", "RFC 8950"];
        assert!(ipv4_over_ipv6.iter().any(|m| text.contains(m)), "{vendor:?} does not carry IPv4 over the IPv6 session");
    }
}

/// The member's BIRD snippet in a minimal router configuration.
fn bird_parses(snippet: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bird.conf");
    std::fs::write(&path, format!("router id 192.0.2.1;\nprotocol device {{}}\n{snippet}")).unwrap();
    let output = Command::new("bird").arg("-p").arg("-c").arg(&path).output().expect("bird (Debian's bird2) is installed");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn the_bird_snippet_parses_in_a_real_bird() {
    let (ok, errors) = bird_parses(&example().render(Vendor::Bird));
    assert!(ok, "bird -p refused the member snippet: {errors}");
    let ipv4_only = RouterConfig {
        member_address: "192.0.2.10".parse().unwrap(),
        route_servers: vec![RouteServerPeer { name: "rs1".into(), asn: 64512, address: "192.0.2.254".parse().unwrap() }],
        ..example()
    };
    let (ok, errors) = bird_parses(&ipv4_only.render(Vendor::Bird));
    assert!(ok, "bird -p refused the IPv4 snippet: {errors}");
    // The check can fail: a broken snippet is refused.
    let (ok, _) = bird_parses(&example().render(Vendor::Bird).replace("neighbor", "neighbour"));
    assert!(!ok, "bird -p must refuse a broken snippet");
}

/// `vtysh --dryrun` (Debian's frr) parses an FRR configuration without the daemons.
fn frr_parses(snippet: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("frr.conf");
    std::fs::write(&path, snippet).unwrap();
    let output = Command::new("vtysh").arg("--dryrun").arg("-f").arg(&path).output().expect("vtysh (Debian's frr) is installed");
    (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn the_frr_snippet_parses_in_a_real_frr() {
    let (ok, errors) = frr_parses(&example().render(Vendor::Frr));
    assert!(ok, "vtysh --dryrun refused the FRR snippet: {errors}");
    let (ok, _) = frr_parses(&example().render(Vendor::Frr).replace("remote-as", "remote-ass"));
    assert!(!ok, "vtysh --dryrun must refuse a broken snippet");
}
