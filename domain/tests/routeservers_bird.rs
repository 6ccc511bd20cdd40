//! Rendered peer files are valid BIRD: a real `bird -p` parses many of them together,
//! included from a minimal route-server configuration that defines the ROA tables.

use std::path::Path;
use std::process::Command;

use domain::routeservers::PeerConfig;
use domain::types::Asn;
use uuid::Uuid;

fn main_config(dir: &Path, with_roa_tables: bool) -> std::path::PathBuf {
    let roa = if with_roa_tables { "roa4 table ztix_roa_v4;\nroa6 table ztix_roa_v6;\n" } else { "" };
    let path = dir.join("bird.conf");
    std::fs::write(
        &path,
        format!("router id 192.0.2.1;\n{roa}protocol device {{}}\ninclude \"{}/peers/*.conf\";\n", dir.display()),
    )
    .unwrap();
    path
}

fn peer(asn: i64, addresses: &[&str]) -> PeerConfig {
    PeerConfig {
        request_id: Uuid::new_v4(),
        member_asn: Asn::parse(asn).unwrap(),
        addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
        local_asn: Asn::parse(64512).unwrap(),
        network_name: "ZT-IX \"Frankfurt\"".into(),
        max_prefixes_v4: 100,
        max_prefixes_v6: 50,
    }
}

fn bird_parse(config: &Path) -> (bool, String) {
    let output = Command::new("bird").arg("-p").arg("-c").arg(config).output().expect("bird (Debian's bird2) is installed");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn many_rendered_peers_parse_together_in_a_real_bird() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("peers")).unwrap();
    let peers = [
        peer(65001, &["2001:db8:1:0:6:5001:0:1"]),
        peer(64500, &["2001:db8:1:0:6:4500:0:1", "2001:db8:1:0:6:4500:0:2"]),
        peer(4_200_000_001, &["2001:db8:1::1:4200:1"]),
        peer(13335, &["192.0.2.10"]),
    ];
    for p in &peers {
        std::fs::write(dir.path().join("peers").join(p.file_name()), p.render()).unwrap();
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/ztix-3f2b8a4e-1c2d-4e5f-9a8b-7c6d5e4f3a2b.conf");
    std::fs::copy(&golden, dir.path().join("peers").join(golden.file_name().unwrap())).unwrap();
    let (ok, errors) = bird_parse(&main_config(dir.path(), true));
    assert!(ok, "bird -p refused the files: {errors}");
}

#[test]
fn without_the_roa_tables_bird_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("peers")).unwrap();
    let p = peer(65001, &["2001:db8:1:0:6:5001:0:1"]);
    std::fs::write(dir.path().join("peers").join(p.file_name()), p.render()).unwrap();
    let (ok, errors) = bird_parse(&main_config(dir.path(), false));
    assert!(!ok, "the ROA tables must be required");
    assert!(errors.contains("CF_SYM_UNDEFINED"), "an undefined symbol (the ROA table): {errors}");
}
