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

