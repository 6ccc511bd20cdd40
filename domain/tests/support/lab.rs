//! Hosts for tests that need a network: namespaces, and BIRD daemons inside them.

use std::path::Path;
use std::process::Command;

/// A network namespace for one test, removed with everything in it.
pub struct Netns(pub String);

impl Netns {
    pub fn new(name: String) -> Self {
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        ip(&["netns", "add", &name]);
        ip(&["-n", &name, "link", "set", "lo", "up"]);
        Self(name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

pub fn ip(args: &[&str]) {
    let output = Command::new("ip").args(args).output().expect("iproute2 runs; the test needs root");
    assert!(output.status.success(), "ip {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A BIRD daemon in a namespace, stopped with the test.
pub struct Bird {
    pid_file: std::path::PathBuf,
    socket: std::path::PathBuf,
}

impl Bird {
    pub fn start(netns: &Netns, config: &Path) -> Self {
        let socket = config.with_extension("ctl");
        let pid_file = config.with_extension("pid");
        let output = Command::new("ip")
            .args(["netns", "exec", &netns.0, "bird", "-c"])
            .arg(config)
            .arg("-s")
            .arg(&socket)
            .arg("-P")
            .arg(&pid_file)
            .output()
            .unwrap();
        assert!(output.status.success(), "bird: {}", String::from_utf8_lossy(&output.stderr));
        Self { pid_file, socket }
    }

    pub fn birdc(&self, args: &[&str]) -> String {
        let output = Command::new("birdc").arg("-s").arg(&self.socket).args(args).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for Bird {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(&self.pid_file) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}


/// A peering LAN: a bridge in its own namespace and one namespace per host, each with
/// its address on the LAN (`/64`). `name` keeps the namespaces and links of one test
/// apart from another's; returns the LAN and the hosts' namespaces, in order.
pub fn lan(name: &str, hosts: &[(&str, String)]) -> (Netns, Vec<Netns>) {
    let tag = std::process::id() % 100_000;
    let lan = Netns::new(format!("ztix-{name}lan-{tag}"));
    ip(&["-n", &lan.0, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"]);
    ip(&["-n", &lan.0, "link", "set", "br0", "up"]);
    let mut namespaces = Vec::new();
    for (i, (host, address)) in hosts.iter().enumerate() {
        let ns = Netns::new(format!("ztix-{name}{host}-{tag}"));
        let (inside, outside) = (format!("{name}h{tag}{i}"), format!("{name}l{tag}{i}"));
        let _ = Command::new("ip").args(["link", "del", &inside]).output();
        ip(&["link", "add", &inside, "type", "veth", "peer", "name", &outside]);
        ip(&["link", "set", &inside, "netns", &ns.0]);
        ip(&["link", "set", &outside, "netns", &lan.0]);
        ip(&["-n", &lan.0, "link", "set", &outside, "master", "br0", "up"]);
        ip(&["-n", &ns.0, "addr", "add", &format!("{address}/64"), "dev", &inside, "nodad"]);
        ip(&["-n", &ns.0, "link", "set", &inside, "up"]);
        namespaces.push(ns);
    }
    (lan, namespaces)
}
