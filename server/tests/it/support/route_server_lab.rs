//! Route servers for tests: each is a real BIRD daemon and a real OpenSSH server on
//! loopback, in its own mount namespace, so every host has its own `/etc/bird` (with
//! the same `ztix-peers` path) and its own `/run/bird` control socket. Needs root.
//!
//! Inside each namespace `birdc` is the real one behind a wrapper that logs every call
//! (start and end, with the calling shell's process id), so tests can see the order in
//! which changes reached a daemon.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REMOTE_DIR: &str = "/etc/bird/ztix-peers";
pub const LOCAL_ASN: &str = "64512";

const GOOD_BIRD_CONF: &str = "router id 192.0.2.1;\nroa4 table ztix_roa_v4;\nroa6 table ztix_roa_v6;\nprotocol device {}\ninclude \"/etc/bird/ztix-peers/*.conf\";\n";
/// A route server whose configuration lacks the ROA tables: any peer file fails the check.
const BROKEN_BIRD_CONF: &str = "router id 192.0.2.2;\nprotocol device {}\ninclude \"/etc/bird/ztix-peers/*.conf\";\n";

pub struct LabHost {
    pub port: u16,
    root: PathBuf,
    process: Child,
}

pub struct RouteServerLab {
    _dir: tempfile::TempDir,
    pub hosts: Vec<LabHost>,
    key: PathBuf,
    known_hosts: PathBuf,
}

fn run(command: &mut Command) {
    let output = command.output().expect("command runs");
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl RouteServerLab {
    /// Starts `count` route servers (blocking: call from `spawn_blocking`).
    pub fn start(count: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id_ed25519");
        run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key));
        let authorized = dir.path().join("authorized_keys");
        std::fs::copy(key.with_extension("pub"), &authorized).unwrap();
        std::fs::create_dir_all("/run/sshd").unwrap();
        std::fs::create_dir_all("/run/bird").unwrap();
        let mut known = String::new();
        let mut hosts = Vec::new();
        for i in 0..count {
            let root = dir.path().join(format!("rs{i}"));
            for sub in ["etc/ztix-peers", "run", "ssh"] {
                std::fs::create_dir_all(root.join(sub)).unwrap();
            }
            std::fs::write(root.join("etc/bird.conf"), GOOD_BIRD_CONF).unwrap();
            std::fs::copy("/usr/sbin/birdc", root.join("birdc.real")).expect("birdc (Debian's bird2) is installed");
            let wrapper = root.join("birdc");
            std::fs::write(
                &wrapper,
                format!(
                    "#!/bin/sh\necho \"start $PPID $*\" >> /run/bird/birdc.log\n\
                     case \"$*\" in 'configure timeout'*) [ -f /run/bird/slow ] && sleep \"$(cat /run/bird/slow)\" ;; esac\n\
                     {real} \"$@\"\nrc=$?\n\
                     echo \"end $PPID $*\" >> /run/bird/birdc.log\nexit $rc\n",
                    real = root.join("birdc.real").display()
                ),
            )
            .unwrap();
            std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
            let host_key = root.join("ssh/host_ed25519");
            run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&host_key));
            let port = free_port();
            std::fs::write(
                root.join("sshd_config"),
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPasswordAuthentication no\n\
                     KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\nStrictModes no\n\
                     PidFile {}\n",
                    host_key.display(),
                    authorized.display(),
                    root.join("run/sshd.pid").display()
                ),
            )
            .unwrap();
            let public = std::fs::read_to_string(host_key.with_extension("pub")).unwrap();
            let mut parts = public.split_whitespace();
            known.push_str(&format!("[127.0.0.1]:{port} {} {}\n", parts.next().unwrap(), parts.next().unwrap()));
            let script = format!(
                "mount --bind {etc} /etc/bird && mount --bind {run} /run/bird && mount --bind {birdc} /usr/sbin/birdc && \
                 bird -c /etc/bird/bird.conf -s /run/bird/bird.ctl -P /run/bird/bird.pid && \
                 exec /usr/sbin/sshd -D -e -f {config}",
                etc = root.join("etc").display(),
                birdc = root.join("birdc").display(),
                run = root.join("run").display(),
                config = root.join("sshd_config").display()
            );
            let process = Command::new("unshare")
                .args(["--mount", "--propagation", "private", "sh", "-c", &script])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("unshare (util-linux) runs; the tests need root");
            hosts.push(LabHost { port, root, process });
        }
        let known_hosts = dir.path().join("known_hosts");
        std::fs::write(&known_hosts, known).unwrap();
        let lab = Self { _dir: dir, hosts, key, known_hosts };
        for host in &lab.hosts {
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::net::TcpStream::connect(("127.0.0.1", host.port)).is_err() {
                assert!(Instant::now() < deadline, "sshd on {} did not start", host.port);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        lab
    }

    pub fn label(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.hosts[i].port)
    }

    /// The portal's `ROUTE_SERVER_*` variables for this lab.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("ROUTE_SERVER_HOSTS".into(), (0..self.hosts.len()).map(|i| self.label(i)).collect::<Vec<_>>().join(",")),
            ("ROUTE_SERVER_SSH_USER".into(), "root".into()),
            ("ROUTE_SERVER_SSH_PRIVATE_KEY_PATH".into(), self.key.display().to_string()),
            ("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE".into(), self.known_hosts.display().to_string()),
            ("ROUTE_SERVER_SSH_CONNECT_TIMEOUT_SECONDS".into(), "5".into()),
            ("ROUTE_SERVER_REMOTE_CONFIG_DIR".into(), REMOTE_DIR.into()),
            ("ROUTE_SERVER_LOCAL_ASN".into(), LOCAL_ASN.into()),
        ]
    }

    pub fn break_host(&self, i: usize) {
        std::fs::write(self.hosts[i].root.join("etc/bird.conf"), BROKEN_BIRD_CONF).unwrap();
    }

    pub fn fix_host(&self, i: usize) {
        std::fs::write(self.hosts[i].root.join("etc/bird.conf"), GOOD_BIRD_CONF).unwrap();
    }

    /// The peer files on host `i`, by name (not the lock file or journals of the apply script).
    pub fn peer_files(&self, i: usize) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(self.hosts[i].root.join("etc/ztix-peers"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap_or_default()))
            .collect();
        files.sort();
        files
    }

    /// Makes each `birdc configure timeout` on every host take `seconds` longer, so
    /// changes that are not ordered would overlap.
    pub fn slow_configure(&self, seconds: f32) {
        for host in &self.hosts {
            std::fs::write(host.root.join("run/slow"), format!("{seconds}")).unwrap();
        }
    }

    /// Makes the peer directory on host `i` read-only (a read-only bind mount: root
    /// ignores permission bits).
    pub fn read_only_peer_dir(&self, i: usize) {
        let script = format!("mount --bind {REMOTE_DIR} {REMOTE_DIR} && mount -o remount,bind,ro {REMOTE_DIR}");
        run(Command::new("nsenter").args(["--mount", "--target", &self.hosts[i].process.id().to_string(), "sh", "-c", &script]));
    }

    /// Makes the peer directory on host `i` writable again (undoes `read_only_peer_dir`).
    pub fn writable_peer_dir(&self, i: usize) {
        run(Command::new("nsenter").args(["--mount", "--target", &self.hosts[i].process.id().to_string(), "umount", REMOTE_DIR]));
    }

    /// The peer directory of host `i` as this process sees it (to change files by hand).
    pub fn peer_dir(&self, i: usize) -> PathBuf {
        self.hosts[i].root.join("etc/ztix-peers")
    }

    /// Every `birdc` call on host `i` so far: `start|end <caller pid> <args>`.
    pub fn birdc_log(&self, i: usize) -> Vec<String> {
        std::fs::read_to_string(self.hosts[i].root.join("run/birdc.log")).unwrap_or_default().lines().map(str::to_owned).collect()
    }

    /// `birdc <args>` on host `i`, inside its namespace.
    pub fn birdc(&self, i: usize, args: &[&str]) -> String {
        let output = Command::new("nsenter")
            .args(["--mount", "--target", &self.hosts[i].process.id().to_string(), "birdc"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

fn kill_pid_file(path: &Path) {
    if let Ok(pid) = std::fs::read_to_string(path) {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }
}

impl Drop for RouteServerLab {
    fn drop(&mut self) {
        for host in &mut self.hosts {
            kill_pid_file(&host.root.join("run/bird.pid"));
            let _ = host.process.kill();
            let _ = host.process.wait();
        }
    }
}
