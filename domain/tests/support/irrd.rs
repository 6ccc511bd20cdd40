//! A real IRRd (PyPI `irrd`, installed by `scripts/irrd.sh`) for tests: its own
//! PostgreSQL database and Redis database index, whois on a free loopback port, loaded
//! from RPSL text given by the test. bgpq4 talks to it as it would to any IRR server.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where `scripts/irrd.sh` installs IRRd (readable by the unprivileged user it runs as).
const DEFAULT_VENV: &str = "/var/cache/zt-ix/irrd";
pub const SOURCE: &str = "ZTIXTEST";

pub struct Irrd {
    pub port: u16,
    child: Child,
    /// Its own Redis: IRRd signals through Redis channels, which are shared by every
    /// database index of one server.
    redis: Child,
    _dir: tempfile::TempDir,
    admin_url: String,
    database: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn psql(url: &str, sql: &str) {
    let output = Command::new("psql").arg(url).args(["-qtAc", sql]).output().expect("psql (postgresql-client) is installed");
    assert!(output.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&output.stderr));
}

/// One whois query (IRRd's `!` protocol); the raw answer.
pub fn whois(port: u16, query: &str) -> String {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return String::new() };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.write_all(format!("{query}\n!q\n").as_bytes());
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

impl Irrd {
    /// Loads `rpsl` into a fresh IRRd and waits until `probe` (a `!` query) answers with
    /// `expect` in it. Blocking.
    pub fn start(rpsl: &str, probe: &str, expect: &str) -> Self {
        let redis_port = free_port();
        let redis = Command::new("redis-server")
            .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server) is installed");
        let redis_db = 0;
        let venv = PathBuf::from(std::env::var("ZTIX_IRRD_VENV").unwrap_or_else(|_| DEFAULT_VENV.to_owned()));
        assert!(venv.join("bin/irrd").exists(), "IRRd is not installed at {}; run scripts/irrd.sh", venv.display());
        let admin_url = std::env::var("ZTIX_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let database = format!("ztix_irrd_{}_{redis_port}", std::process::id());
        psql(&admin_url, &format!("DROP DATABASE IF EXISTS {database}"));
        psql(&admin_url, &format!("CREATE DATABASE {database}"));
        let (base, _) = admin_url.split('?').next().and_then(|u| u.rsplit_once('/')).expect("the PostgreSQL URL names a database");
        // SQLAlchemy knows only the long scheme.
        let base = base.replacen("postgres://", "postgresql://", 1);
        let dir = tempfile::Builder::new().prefix("ztix-irrd").tempdir().unwrap();
        // IRRd drops to an unprivileged user, which must read its files.
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        for sub in ["pid", "gnupg"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::set_permissions(dir.path().join(sub), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        }
        let port = free_port();
        let http_port = free_port();
        let config = dir.path().join("irrd.yaml");
        std::fs::write(
            &config,
            format!(
                "irrd:\n  database_url: '{base}/{database}'\n  redis_url: 'redis://127.0.0.1:{redis_port}/{redis_db}'\n  piddir: {pid}\n  \
                 user: nobody\n  group: nogroup\n  access_lists:\n    local: ['127.0.0.1', '::1']\n  server:\n    \
                 http:\n      interface: '127.0.0.1'\n      port: {http}\n      url: 'http://127.0.0.1:{http}/'\n    \
                 whois:\n      interface: '127.0.0.1'\n      port: {port}\n      max_connections: 4\n  auth:\n    \
                 gnupg_keyring: {gnupg}\n    set_creation:\n      COMMON:\n        prefix_required: false\n    \
                 password_hashers:\n      crypt-pw: legacy\n  email:\n    from: irrd@example.net\n    footer: ''\n    \
                 smtp: localhost\n  rpki:\n    roa_source: null\n  sources_default: [{SOURCE}]\n  sources:\n    {SOURCE}:\n      \
                 keep_journal: false\n",
                pid = dir.path().join("pid").display(),
                gnupg = dir.path().join("gnupg").display(),
                http = http_port,
            ),
        )
        .unwrap();
        let objects = dir.path().join("objects.db");
        std::fs::write(&objects, rpsl).unwrap();
        for (tool, args) in [
            ("irrd_database_upgrade", vec![]),
            ("irrd_load_database", vec!["--source", SOURCE, objects.to_str().unwrap()]),
        ] {
            let output = Command::new(venv.join("bin").join(tool)).arg("--config").arg(&config).args(args).output().unwrap();
            assert!(output.status.success(), "{tool}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        }
        let log = std::fs::File::create(dir.path().join("irrd.log")).unwrap();
        let child = Command::new(venv.join("bin/irrd"))
            .arg("--foreground")
            .arg("--config")
            .arg(&config)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .process_group(0)
            .spawn()
            .unwrap();
        let irrd = Self { port, child, redis, _dir: dir, admin_url, database };
        let deadline = Instant::now() + Duration::from_secs(120);
        // Ready once every part has started (the HTTP server comes last) and the probe
        // answers three times in a row: queries sent while workers still start can stall.
        let mut answered = 0;
        while answered < 3 {
            let ready = std::net::TcpStream::connect(("127.0.0.1", http_port)).is_ok() && whois(port, probe).contains(expect);
            answered = if ready { answered + 1 } else { 0 };
            assert!(
                Instant::now() < deadline,
                "IRRd did not answer {probe} within 120 s: {}",
                std::fs::read_to_string(irrd._dir.path().join("irrd.log")).unwrap_or_default().lines().rev().take(20).collect::<Vec<_>>().join("\n")
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        irrd
    }

    /// `host:port` for bgpq4's `-h`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops the daemon and all its workers (it stays stopped; the database remains
    /// until drop).
    pub fn stop(&mut self) {
        let _ = Command::new("kill").args(["-s", "TERM", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", self.child.id())]).status();
    }
}

impl Drop for Irrd {
    fn drop(&mut self) {
        self.stop();
        let _ = self.redis.kill();
        let _ = self.redis.wait();
        let _ = Command::new("psql").arg(&self.admin_url).args(["-qtAc", &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database)]).output();
    }
}
