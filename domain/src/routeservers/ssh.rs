//! One route server over SSH: upload, check, timed configure, confirm, or roll back.
//!
//! One change at a time per route server: within this process a lock per host orders
//! the pushes, and on the host the script holds a file lock from write to confirm, so
//! pushes from other workers and processes wait their turn too.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
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

/// One lock per route server: the workers of a process push to a host one at a time
/// (the file lock on the host orders them against other processes).
#[derive(Debug, Clone, Default)]
pub struct HostTurns(Arc<Mutex<HashMap<(String, u16), Arc<tokio::sync::Mutex<()>>>>>);

impl HostTurns {
    fn of(&self, host: &RouteServer) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry((host.host.clone(), host.port)).or_default().clone()
    }
}

/// The script run on the route server, with the peer file embedded.
pub fn apply_script(content: &str) -> String {
    let encoded = STANDARD.encode(content);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    APPLY_SCRIPT.replace("__ZTIX_PEER_FILE__", &lines.join("\n"))
}

/// What to do with one peer file on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange<'a> {
    /// Install these bytes.
    Write(&'a str),
    /// Take the file away (its protocols go with it).
    Remove,
}

impl FileChange<'_> {
    fn mode(self) -> &'static str {
        match self {
            Self::Write(_) => "write",
            Self::Remove => "remove",
        }
    }
}

pub async fn apply(settings: &RouteServerSettings, host: &RouteServer, name: &str, change: FileChange<'_>) -> HostResult {
    let lock = settings.turns.of(host);
    let _turn = lock.lock().await;
    let outcome = run(settings, host, name, change).await;
    HostResult { host: host.label.clone(), outcome }
}

/// How long the script waits for another change on the host to finish.
fn lock_wait(settings: &RouteServerSettings) -> Duration {
    settings.configure_timeout * 2 + Duration::from_secs(30)
}

/// The remote command, each argument quoted for the remote shell (ssh joins them into
/// one line that the remote shell splits again).
fn remote_command(settings: &RouteServerSettings, name: &str, mode: &str) -> Result<String, String> {
    let args = [
        "sh".to_owned(),
        "-s".to_owned(),
        "--".to_owned(),
        settings.remote_dir.clone(),
        name.to_owned(),
        settings.configure_timeout.as_secs().max(1).to_string(),
        lock_wait(settings).as_secs().to_string(),
        mode.to_owned(),
    ];
    let quoted: Result<Vec<_>, _> = args.iter().map(|a| shlex::try_quote(a).map(|q| q.into_owned())).collect();
    quoted.map(|q| q.join(" ")).map_err(|e| format!("the remote directory cannot be passed to the shell: {e}"))
}

/// `ssh` to `host` running `command` there, with only the options written here (no
/// user or system ssh_config), the configured key and known hosts, and no prompts.
fn ssh(settings: &RouteServerSettings, host: &RouteServer, command: String) -> Result<Command, String> {
    if host.host.starts_with('-') {
        return Err(format!("'{}' is not a host name", host.label));
    }
    let connect = settings.connect_timeout.as_secs().max(1);
    let mut ssh = Command::new("ssh");
    ssh.args([
        "-F", "/dev/null",
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
    .arg("--")
    .arg(&host.host)
    .arg(command)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    Ok(ssh)
}

async fn run(settings: &RouteServerSettings, host: &RouteServer, name: &str, change: FileChange<'_>) -> HostOutcome {
    let mut command = match remote_command(settings, name, change.mode()).and_then(|command| ssh(settings, host, command)) {
        Ok(command) => command,
        Err(detail) => return HostOutcome::Failed { step: "connect", detail },
    };
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return HostOutcome::Failed { step: "connect", detail: format!("cannot run ssh: {e}") },
    };
    let script = apply_script(match change {
        FileChange::Write(content) => content,
        FileChange::Remove => "",
    });
    if let Some(mut stdin) = child.stdin.take() {
        // A write error means ssh exited early (refused, unknown host key); its output says why.
        let _ = stdin.write_all(script.as_bytes()).await;
        drop(stdin);
    }
    let limit = settings.connect_timeout + lock_wait(settings) + settings.configure_timeout + Duration::from_secs(30);
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
                14 => "lock",
                15 => "interrupted",
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

/// Lists the peer files on a route server with their SHA-256, for the drift check.
const LIST_SCRIPT: &str = r#"dir=$1
[ -d "$dir" ] || { echo "$dir does not exist"; exit 22; }
cd "$dir" || exit 22
for f in ztix-*.conf; do [ -f "$f" ] && sha256sum -- "$f"; done
echo "end of list"
"#;

/// The peer files on `host`, by name, with the hex SHA-256 of each.
pub async fn list(settings: &RouteServerSettings, host: &RouteServer) -> Result<Vec<(String, String)>, String> {
    let remote = shlex::try_quote(&settings.remote_dir)
        .map(|dir| format!("sh -s -- {dir}"))
        .map_err(|e| format!("the remote directory cannot be passed to the shell: {e}"))?;
    let mut child = ssh(settings, host, remote)?.spawn().map_err(|e| format!("cannot run ssh: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(LIST_SCRIPT.as_bytes()).await;
    }
    let limit = settings.connect_timeout + Duration::from_secs(30);
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => return Err(format!("no answer within {limit:?}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code() != Some(0) || !stdout.lines().any(|l| l == "end of list") {
        let said = if stdout.trim().is_empty() { last_lines(&String::from_utf8_lossy(&output.stderr), 2) } else { last_lines(&stdout, 2) };
        return Err(if said.is_empty() { format!("listing the peer files failed ({})", output.status) } else { said });
    }
    Ok(stdout
        .lines()
        .filter_map(|line| line.split_once("  "))
        .map(|(hash, name)| (name.trim().to_owned(), hash.trim().to_owned()))
        .collect())
}

/// Runs `birdc <args>` on `host` (read-only commands only: the caller builds `args` from
/// fixed words and names the portal generated). At most `max_bytes` of output are read;
/// more is an error rather than a partial answer.
pub async fn birdc(settings: &RouteServerSettings, host: &RouteServer, args: &[&str], max_bytes: usize) -> Result<String, String> {
    use tokio::io::AsyncReadExt;
    let mut words = vec!["birdc".to_owned()];
    for arg in args {
        words.push(shlex::try_quote(arg).map_err(|e| format!("cannot pass {arg:?} to the shell: {e}"))?.into_owned());
    }
    let mut child = ssh(settings, host, words.join(" "))?.spawn().map_err(|e| format!("cannot run ssh: {e}"))?;
    drop(child.stdin.take());
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err("ssh gave no output".into());
    };
    let limit = settings.connect_timeout + Duration::from_secs(30);
    let read = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut bounded = stdout.take(max_bytes as u64 + 1);
        let (a, b) = tokio::join!(bounded.read_to_end(&mut out), stderr.read_to_end(&mut err));
        a.and(b).map(|_| (out, err))
    };
    let (out, err) = match tokio::time::timeout(limit, read).await {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => return Err(format!("no answer within {limit:?}")),
    };
    if out.len() > max_bytes {
        let _ = child.kill().await;
        return Err(format!("more than {max_bytes} bytes of output"));
    }
    let status = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
        Ok(Ok(status)) => status,
        _ => return Err("ssh did not exit".into()),
    };
    let stdout = String::from_utf8_lossy(&out).into_owned();
    if !status.success() {
        let said = if stdout.trim().is_empty() { last_lines(&String::from_utf8_lossy(&err), 2) } else { last_lines(&stdout, 2) };
        return Err(if said.is_empty() { format!("birdc failed ({status})") } else { said });
    }
    Ok(stdout)
}

/// Checks run on a route server by `zt-ix doctor`: `birdc` answers, the peer directory
/// exists and the SSH user can write there. Changes nothing (the write probe is removed).
const PROBE_SCRIPT: &str = r#"dir=$1
command -v birdc >/dev/null 2>&1 || { echo "birdc is not on the PATH of the SSH user"; exit 20; }
status=$(birdc show status 2>&1) || { echo "birdc cannot talk to BIRD: $(printf '%s' "$status" | tail -n 1)"; exit 21; }
[ -d "$dir" ] || { echo "$dir does not exist"; exit 22; }
probe=$(mktemp "$dir/.ztix-doctor.XXXXXX" 2>/dev/null) || { echo "$dir is not writable by the SSH user"; exit 23; }
rm -f "$probe"
echo ready
"#;

/// What `zt-ix doctor` found on one route server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    Ready,
    Failed { step: &'static str, detail: String },
}

/// Logs in to `host` as the portal would and checks that a change could be applied there.
pub async fn probe(settings: &RouteServerSettings, host: &RouteServer) -> ProbeOutcome {
    let remote = match shlex::try_quote(&settings.remote_dir) {
        Ok(dir) => format!("sh -s -- {dir}"),
        Err(e) => return ProbeOutcome::Failed { step: "connect", detail: format!("the remote directory cannot be passed to the shell: {e}") },
    };
    let mut command = match ssh(settings, host, remote) {
        Ok(command) => command,
        Err(detail) => return ProbeOutcome::Failed { step: "connect", detail },
    };
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return ProbeOutcome::Failed { step: "connect", detail: format!("cannot run ssh: {e}") },
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(PROBE_SCRIPT.as_bytes()).await;
    }
    let limit = settings.connect_timeout + Duration::from_secs(30);
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return ProbeOutcome::Failed { step: "connect", detail: e.to_string() },
        Err(_) => return ProbeOutcome::Failed { step: "connect", detail: format!("no answer within {limit:?}") },
    };
    let said = |text: &[u8]| last_lines(&String::from_utf8_lossy(text), 2);
    match output.status.code() {
        Some(0) => ProbeOutcome::Ready,
        Some(code @ (20 | 21)) => ProbeOutcome::Failed { step: "birdc", detail: or_status(said(&output.stdout), code) },
        Some(code @ (22 | 23)) => ProbeOutcome::Failed { step: "remote directory", detail: or_status(said(&output.stdout), code) },
        Some(code) => ProbeOutcome::Failed { step: "connect", detail: or_status(said(&output.stderr), code) },
        None => ProbeOutcome::Failed { step: "connect", detail: "ssh was killed".into() },
    }
}

fn or_status(detail: String, code: i32) -> String {
    if detail.is_empty() { format!("exit status {code}") } else { detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(remote_dir: &str) -> RouteServerSettings {
        RouteServerSettings {
            hosts: vec![],
            user: "ztix".into(),
            private_key: "/k".into(),
            known_hosts: "/h".into(),
            connect_timeout: Duration::from_secs(5),
            remote_dir: remote_dir.into(),
            local_asn: crate::types::Asn::parse(64512).unwrap(),
            configure_timeout: Duration::from_secs(60),
            turns: HostTurns::default(),
        }
    }

    #[test]
    fn the_remote_directory_reaches_the_remote_shell_as_one_word() {
        let command = remote_command(&settings("/etc/bird/ztix peers; rm -rf /"), "ztix-x.conf", "write").unwrap();
        assert_eq!(command, "sh -s -- '/etc/bird/ztix peers; rm -rf /' ztix-x.conf 60 150 write");
        assert_eq!(shlex::split(&command).unwrap()[3], "/etc/bird/ztix peers; rm -rf /");
    }

    #[tokio::test]
    async fn a_host_that_looks_like_an_option_is_never_passed_to_ssh() {
        let host = RouteServer { label: "-oProxyCommand=x".into(), host: "-oProxyCommand=x".into(), port: 22 };
        let outcome = run(&settings("/etc/bird/ztix-peers"), &host, "ztix-x.conf", FileChange::Remove).await;
        assert!(matches!(outcome, HostOutcome::Failed { step: "connect", .. }), "{outcome:?}");
    }
}
