//! Rendered peer files are valid BIRD: a real `bird -p` parses many of them together,
//! included from a minimal route-server configuration that defines the ROA tables.

use std::path::Path;
use std::process::Command;

use domain::routeservers::PeerConfig;
use domain::types::Asn;
use uuid::Uuid;

mod support;
use support::lab::{ip, Bird, Netns};

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
        shut_down: false,
        hygiene: domain::settings::RouteServerPolicy::default().hygiene(),
        irr: None,
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
        PeerConfig { shut_down: true, ..peer(64501, &["2001:db8:1:0:6:4501:0:1"]) },
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

/// Runs the route-server apply script locally (`sh -s`, as over SSH) with a `birdc` on
/// `PATH` that records its calls and, while the test holds it, lets `configure timeout`
/// wait (so the test can interrupt the script between its write and its confirm).
struct LocalApply {
    dir: tempfile::TempDir,
    bin: tempfile::TempDir,
}

impl LocalApply {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = tempfile::tempdir().unwrap();
        let birdc = bin.path().join("birdc");
        std::fs::write(
            &birdc,
            format!(
                "#!/bin/sh\necho \"$*\" >> {log}\ncase \"$*\" in\n  'configure check') echo 'Configuration OK' ;;\n  \
                 configure\\ timeout*) while [ -f {hold} ]; do sleep 0.05; done; echo 'Reconfigured' ;;\n  \
                 'configure confirm') echo 'Reconfiguration confirmed' ;;\n  *) echo 'Reconfigured' ;;\nesac\n",
                log = bin.path().join("calls").display(),
                hold = bin.path().join("hold").display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&birdc, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        Self { dir, bin }
    }

    fn spawn(&self, name: &str, content: &str) -> std::process::Child {
        use std::io::Write;
        let path = format!("{}:{}", self.bin.path().display(), std::env::var("PATH").unwrap_or_default());
        let mut child = Command::new("sh")
            .args(["-s", "--"])
            .arg(self.dir.path())
            .args([name, "5", "5"])
            .env("PATH", path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(domain::routeservers::apply_script(content).as_bytes()).unwrap();
        child
    }

    /// `configure timeout` waits until [`release`](Self::release).
    fn hold(&self) {
        std::fs::write(self.bin.path().join("hold"), "").unwrap();
    }

    fn release(&self) {
        let _ = std::fs::remove_file(self.bin.path().join("hold"));
    }

    fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join(name)).ok()
    }

    fn journals(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".before") || n.ends_with(".absent") || n.ends_with(".new"))
            .collect()
    }

    /// Starts a change and sends it `signal` while it waits between its write and its
    /// confirm; returns how the script ended.
    fn interrupt(&self, name: &str, content: &str, signal: &str) -> std::process::ExitStatus {
        self.hold();
        let mut child = self.spawn(name, content);
        wait_for_step(&mut child, "configure");
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(self.file(name).as_deref(), Some(content), "written, not yet confirmed");
        Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        // The shell runs its trap once the command it waits for returns.
        self.release();
        child.wait().unwrap()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.bin.path().join("calls")).unwrap_or_default().lines().map(str::to_owned).collect()
    }
}

/// Reads the script's output until it reports `step`.
fn wait_for_step(child: &mut std::process::Child, step: &str) {
    use std::io::BufRead;
    let stdout = child.stdout.as_mut().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let wanted = format!("step: {step}");
    for line in lines.by_ref() {
        if line.unwrap() == wanted {
            return;
        }
    }
    panic!("the script never reached {step}");
}

#[test]
fn an_interrupted_change_puts_the_previous_file_back() {
    let local = LocalApply::new();
    std::fs::write(local.dir.path().join("ztix-a.conf"), "previous\n").unwrap();
    let status = local.interrupt("ztix-a.conf", "new\n", "-TERM");
    assert_eq!(status.code(), Some(15), "{status:?}");
    assert_eq!(local.file("ztix-a.conf").as_deref(), Some("previous\n"), "the previous file is back");
    assert!(local.journals().is_empty(), "{:?}", local.journals());
    assert!(local.calls().iter().any(|c| c == "configure"), "BIRD was reconfigured with it: {:?}", local.calls());

    // A new file interrupted the same way is removed again.
    local.interrupt("ztix-b.conf", "fresh\n", "-TERM");
    assert_eq!(local.file("ztix-b.conf"), None);
    assert!(local.journals().is_empty());
}

#[test]
fn a_change_killed_outright_is_undone_by_the_next_run() {
    let local = LocalApply::new();
    std::fs::write(local.dir.path().join("ztix-a.conf"), "previous\n").unwrap();
    // SIGKILL: no trap runs; the journal stays behind with the unconfirmed file.
    local.interrupt("ztix-a.conf", "half-done\n", "-KILL");
    assert_eq!(local.file("ztix-a.conf").as_deref(), Some("half-done\n"));
    assert_eq!(local.journals(), [".ztix-a.conf.before"]);

    // The next change (of another request) first puts the unconfirmed one back.
    let child = local.spawn("ztix-b.conf", "other\n");
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("recovered an interrupted change"), "{stdout}");
    assert_eq!(local.file("ztix-a.conf").as_deref(), Some("previous\n"));
    assert_eq!(local.file("ztix-b.conf").as_deref(), Some("other\n"));
    assert!(local.journals().is_empty());
}

#[test]
fn a_second_change_waits_for_the_first_to_finish() {
    let local = LocalApply::new();
    local.hold();
    let mut first = local.spawn("ztix-a.conf", "a\n");
    wait_for_step(&mut first, "configure");
    let second = local.spawn("ztix-b.conf", "b\n");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(local.file("ztix-b.conf"), None, "the second change is not written while the first is unconfirmed");
    local.release();
    assert!(first.wait().unwrap().success());
    let output = second.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let calls = local.calls();
    let confirms: Vec<usize> = calls.iter().enumerate().filter(|(_, c)| *c == "configure confirm").map(|(i, _)| i).collect();
    let checks: Vec<usize> = calls.iter().enumerate().filter(|(_, c)| *c == "configure check").map(|(i, _)| i).collect();
    assert!(confirms.len() == 2 && checks.len() == 2 && checks[1] > confirms[0], "one change after the other: {calls:?}");
}

/// The route server takes only routes whose next hop is the member's own address: a member
/// announcing a prefix "via" another member's address, over a real BGP session from a
/// second BIRD on the peering LAN, has it rejected while its own route is accepted.
#[test]
fn a_route_with_another_members_next_hop_is_refused_over_a_real_session() {
    let tag = std::process::id() % 1_000_000;
    let lan_rs = format!("zrs{tag}");
    let lan_member = format!("zmb{tag}");
    let rs_ns = Netns::new(format!("ztix-rs-{tag}"));
    let member_ns = Netns::new(format!("ztix-mb-{tag}"));
    let _ = Command::new("ip").args(["link", "del", &lan_rs]).output();
    ip(&["link", "add", &lan_rs, "type", "veth", "peer", "name", &lan_member]);
    ip(&["link", "set", &lan_rs, "netns", &rs_ns.0]);
    ip(&["link", "set", &lan_member, "netns", &member_ns.0]);
    let rs_address = "2001:db8:1::fe";
    let member_address = "2001:db8:1:0:20:5000:0:1";
    let elsewhere = "2001:db8:1::77"; // another member's address on the LAN
    ip(&["-n", &rs_ns.0, "addr", "add", &format!("{rs_address}/64"), "dev", &lan_rs, "nodad"]);
    ip(&["-n", &rs_ns.0, "link", "set", &lan_rs, "up"]);
    ip(&["-n", &member_ns.0, "addr", "add", &format!("{member_address}/64"), "dev", &lan_member, "nodad"]);
    ip(&["-n", &member_ns.0, "link", "set", &lan_member, "up"]);

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("peers")).unwrap();
    let mut member = peer(205_000, &[member_address]);
    member.network_name = "ZT-IX Frankfurt".into();
    std::fs::write(dir.path().join("peers").join(member.file_name()), member.render()).unwrap();
    let rs_config = main_config(dir.path(), true);
    let member_config = dir.path().join("member.conf");
    std::fs::write(
        &member_config,
        format!(
            "router id 192.0.2.50;\nprotocol device {{}}\nprotocol static announced {{\n  ipv6;\n  \
             route 2a0c:9a40::/48 via {elsewhere};\n  route 2a0c:9a41::/48 unreachable;\n}}\n\
             protocol bgp upstream {{\n  local as 205000;\n  neighbor {rs_address} as 64512;\n  \
             ipv6 {{ import none; export all; next hop keep; }};\n}}\n"
        ),
    )
    .unwrap();
    let route_server = Bird::start(&rs_ns, &rs_config);
    let member_router = Bird::start(&member_ns, &member_config);

    let session = format!("ztix_{}_1", member.request_id.simple());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let routes = route_server.birdc(&["show", "route", "protocol", &session]);
        if routes.contains("2a0c:9a41::/48") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the member's own route never arrived: {routes}\n{}",
            route_server.birdc(&["show", "protocols", "all", &session])
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let offered = member_router.birdc(&["show", "route", "export", "upstream"]);
    assert!(offered.contains("2a0c:9a40::/48") && offered.contains(elsewhere), "the member did announce it: {offered}");
    let accepted = route_server.birdc(&["show", "route", "protocol", &session, "all"]);
    assert!(!accepted.contains("2a0c:9a40::/48"), "a route via another member's address was accepted: {accepted}");
    assert!(accepted.contains(member_address), "{accepted}");
}
