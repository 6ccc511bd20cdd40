//! One route server over SSH: upload, check, timed configure, confirm, or roll back.

use std::process::Stdio;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::{RouteServer, RouteServerSettings};

/// The script run on the route server (`sh -s`).
const APPLY_SCRIPT: &str = include_str!("apply.sh");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostOutcome {
    /// The file is in place and confirmed; `changed` is false when it was already identical.
    Applied { changed: bool },
    /// Nothing of this attempt is left on the host.
    Failed { step: &'static str, detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostResult {
    /// As configured in `ROUTE_SERVER_HOSTS`.
    pub host: String,
    pub outcome: HostOutcome,
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("step: ") && !l.starts_with("BIRD ")).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

pub async fn apply(settings: &RouteServerSettings, host: &RouteServer, name: &str, content: &str) -> HostResult {
    let outcome = run(settings, host, name, content).await;
    HostResult { host: host.label.clone(), outcome }
}

async fn run(settings: &RouteServerSettings, host: &RouteServer, name: &str, content: &str) -> HostOutcome {
    let connect = settings.connect_timeout.as_secs().max(1);
    let mut child = match Command::new("ssh")
        .args([
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes",
            "-o", "LogLevel=ERROR",
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=2",
        ])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", settings.known_hosts.display()))
        .arg("-o")
        .arg(format!("ConnectTimeout={connect}"))
        .arg("-i")
        .arg(&settings.private_key)
        .arg("-p")
        .arg(host.port.to_string())
        .arg("-l")
        .arg(&settings.user)
        .arg(&host.host)
        .args(["sh", "-s", "--", &settings.remote_dir, name, &settings.configure_timeout.as_secs().max(1).to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return HostOutcome::Failed { step: "connect", detail: format!("cannot run ssh: {e}") },
    };
    let encoded = STANDARD.encode(content);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    let script = APPLY_SCRIPT.replace("__ZTIX_PEER_FILE__", &lines.join("\n"));
    if let Some(mut stdin) = child.stdin.take() {
        // A write error means ssh exited early (refused, unknown host key); its output says why.
        let _ = stdin.write_all(script.as_bytes()).await;
        drop(stdin);
    }
    let limit = settings.connect_timeout + settings.configure_timeout + Duration::from_secs(30);
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return HostOutcome::Failed { step: "connect", detail: e.to_string() },
        Err(_) => return HostOutcome::Failed { step: "configure", detail: format!("no answer within {limit:?}") },
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => HostOutcome::Applied { changed: !stdout.lines().any(|l| l == "unchanged") },
        Some(code) => {
            let step = match code {
                13 => "upload",
                10 => "birdc configure check",
                11 => "birdc configure",
                12 => "birdc configure confirm",
                255 => "connect",
                _ => "remote command",
            };
            let detail = if code == 255 || stdout.trim().is_empty() { last_lines(&stderr, 2) } else { last_lines(&stdout, 2) };
            let detail = if detail.is_empty() { format!("exit status {code}") } else { detail };
            HostOutcome::Failed { step, detail }
        }
        None => HostOutcome::Failed { step: "remote command", detail: "ssh was killed".into() },
    }
}
