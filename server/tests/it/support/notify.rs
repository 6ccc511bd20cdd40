//! The notification tests' real outside parts: an SMTP server (aiosmtpd) and a webhook
//! receiver that verifies signatures with the Standard Webhooks reference library, both
//! Python programs from `scripts/notify.sh`'s virtualenv, each writing what it received
//! as JSON files into its own directory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const DEFAULT_VENV: &str = "/var/cache/zt-ix/notify";

fn python() -> PathBuf {
    let venv = PathBuf::from(std::env::var("ZTIX_NOTIFY_VENV").unwrap_or_else(|_| DEFAULT_VENV.to_owned()));
    let python = venv.join("bin/python");
    assert!(python.exists(), "aiosmtpd and standardwebhooks are not installed at {}; run scripts/notify.sh", venv.display());
    python
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/py").join(name)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `script` with `args` and waits for its `ready` line.
fn spawn(name: &str, args: &[String]) -> Child {
    let mut child = Command::new(python()).arg(script(name)).args(args).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "{name} did not start");
    child
}

/// Every JSON record in `dir`.
fn records(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap());
        }
    }
    out
}

/// aiosmtpd on a fixed port, which can be stopped and started again.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let mut sink = Self { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None };
        sink.up();
        sink
    }

    /// A sink on a port that is not listening yet (the mail server is down).
    pub fn down() -> Self {
        Self { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None }
    }

    pub fn up(&mut self) {
        assert!(self.child.is_none());
        let args = ["--port".to_owned(), self.port.to_string(), "--dir".to_owned(), self.dir.path().display().to_string()];
        self.child = Some(spawn("smtp_sink.py", &args));
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `SMTP_URL` of this server (plain, as on a local relay).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=off", self.port)
    }

    /// The messages received, each as a mail client reads it (`rcpt_tos`, `subject`,
    /// `message_id`, `text`, `html`, …).
    pub fn messages(&self) -> Vec<Value> {
        records(self.dir.path())
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The Standard Webhooks reference receiver.
pub struct HookReceiver {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl HookReceiver {
    /// Verifies with `secret`; answers 500 to the first `fail_first` valid deliveries.
    pub fn start(secret: &str, fail_first: u32) -> Self {
        let (port, dir) = (free_port(), tempfile::tempdir().unwrap());
        let args = [
            "--port".to_owned(),
            port.to_string(),
            "--dir".to_owned(),
            dir.path().display().to_string(),
            "--secret".to_owned(),
            secret.to_owned(),
            "--fail-first".to_owned(),
            fail_first.to_string(),
        ];
        let child = spawn("webhook_receiver.py", &args);
        Self { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/zt-ix", self.port)
    }

    /// Every request received: `headers`, `body` (text), `verified`, `status`.
    pub fn requests(&self) -> Vec<Value> {
        records(self.dir.path())
    }
}

impl Drop for HookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
