//! A route server's SSH side for tests: a real OpenSSH server on loopback, in its own
//! mount namespace where `/run/bird` is the directory of a BIRD daemon's control socket
//! (`bird.ctl`), so `birdc` run over SSH talks to that daemon as on a real route server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::routeservers::{HostTurns, RouteServer, RouteServerSettings};
use domain::types::Asn;

pub struct Sshd {
    _dir: tempfile::TempDir,
    process: Option<Child>,
    pub port: u16,
    key: PathBuf,
    known_hosts: PathBuf,
}

fn run(command: &mut Command) {
    let output = command.output().expect("command runs");
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

impl Sshd {
    /// An sshd whose `/run/bird` is `run_dir` (needs root).
    pub fn start(run_dir: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id_ed25519");
        run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key));
        let host_key = dir.path().join("host_ed25519");
        run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&host_key));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        std::fs::create_dir_all("/run/sshd").unwrap();
        std::fs::create_dir_all("/run/bird").unwrap();
        let config = dir.path().join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\nStrictModes no\nPidFile {}\n",
                host_key.display(),
                key.with_extension("pub").display(),
                dir.path().join("sshd.pid").display()
            ),
        )
        .unwrap();
        let public = std::fs::read_to_string(host_key.with_extension("pub")).unwrap();
        let mut parts = public.split_whitespace();
        let known_hosts = dir.path().join("known_hosts");
        std::fs::write(&known_hosts, format!("[127.0.0.1]:{port} {} {}\n", parts.next().unwrap(), parts.next().unwrap())).unwrap();
        let script = format!("mount --bind {} /run/bird && exec /usr/sbin/sshd -D -e -f {}", run_dir.display(), config.display());
        let process = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c", &script])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("unshare (util-linux) runs; the test needs root");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "sshd on {port} did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { _dir: dir, process: Some(process), port, key, known_hosts }
    }

    pub fn label(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The portal's route-server settings for this host.
    pub fn settings(&self, local_asn: u32) -> RouteServerSettings {
        RouteServerSettings {
            hosts: vec![RouteServer { label: self.label(), host: "127.0.0.1".into(), port: self.port }],
            user: "root".into(),
            private_key: self.key.clone(),
            known_hosts: self.known_hosts.clone(),
            connect_timeout: Duration::from_secs(5),
            remote_dir: "/etc/bird/ztix-peers".into(),
            local_asn: Asn::parse(i64::from(local_asn)).unwrap(),
            configure_timeout: Duration::from_secs(30),
            turns: HostTurns::default(),
        }
    }

    /// Stops the server: the route server cannot be read any more.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.process.take() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.stop();
    }
}
