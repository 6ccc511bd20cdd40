//! `scripts/run.sh --demo` as a newcomer runs it (with the binary of this build): the
//! printed accounts log in, a request is filed and approved, and it becomes active with
//! its address on the simulated controller. And never with `APP_ENV=production`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::provisioning::ipv6;
use domain::types::{Asn, Ipv6Prefix};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn run_sh(scratch: &Path, addr: &str, extra: &[(&str, &str)]) -> Command {
    let mut command = Command::new("bash");
    command
        .arg(repo().join("scripts/run.sh"))
        .arg("--demo")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .env("ZTIX_BIN", BIN)
        .env("CARGO_TARGET_DIR", scratch)
        .env("LEPTOS_SITE_ROOT", scratch.join("site"))
        .env("LEPTOS_SITE_ADDR", addr);
    for (k, v) in extra {
        command.env(k, v);
    }
    command
}

/// The demo's process group, stopped when the test ends however it ends.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
    }
}

struct Session {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Session {
    async fn log_in(base: &str, username: &str, password: &str) -> Self {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{base}/api/v1/auth/local/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{username} logs in with the printed password");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("zt_ix_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        Self { http, base: base.to_owned(), cookie }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header("cookie", &self.cookie);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_the_whole_job_with_the_printed_accounts() {
    let scratch = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let child = run_sh(scratch.path(), &addr, &[]).stdout(Stdio::piped()).stderr(Stdio::inherit()).process_group(0).spawn().unwrap();
    let mut demo = Demo(child);

    // The passwords are printed once, before the portal starts.
    let stdout = demo.0.stdout.take().unwrap();
    let (admin_password, operator_password) = tokio::task::spawn_blocking(move || {
        let mut found = (None, None);
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        while let Some(line) = lines.next() {
            let password = || line.split("password: ").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned);
            match line.trim_start() {
                l if l.starts_with("admin ") => found.0 = password(),
                l if l.starts_with("operator ") => found.1 = password(),
                _ => {}
            }
            if let (Some(a), Some(o)) = &found {
                let accounts = (a.clone(), o.clone());
                // Keep reading, as a terminal would, so the portal can go on printing.
                std::thread::spawn(move || lines.for_each(drop));
                return accounts;
            }
        }
        panic!("run.sh --demo printed no accounts");
    })
    .await
    .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "the demo portal did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = reqwest::get(format!("{base}/login")).await.unwrap().text().await.unwrap();
    assert!(page.contains("class=\"demo-banner\"") && page.contains("simulated ZeroTier controller"), "every page says it is a demo");

    let operator = Session::log_in(&base, "operator", &operator_password).await;
    let (status, created) = operator
        .call(reqwest::Method::POST, "/api/v1/requests", Some(json!({"asn": 64500, "zt_network_id": "1122334455000001", "node_id": "0123456789"})))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["request"]["id"].as_str().unwrap().to_owned();

    let admin = Session::log_in(&base, "admin", &admin_password).await;
    let (status, approved) = admin.call(reqwest::Method::POST, &format!("/api/v1/admin/requests/{id}/approve"), Some(json!({}))).await;
    assert_eq!(status, 200, "{approved}");

    let expected = ipv6::address(&Ipv6Prefix::parse("2001:db8:de::/64").unwrap(), Asn::parse(64500).unwrap(), 1).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, shown) = operator.call(reqwest::Method::GET, &format!("/api/v1/requests/{id}"), None).await;
        let request = &shown["data"]["request"];
        if request["status"] == "active" {
            assert_eq!(request["assigned_ipv6"], expected.to_string(), "{shown}");
            assert_eq!(request["membership"]["is_authorized"], true, "{shown}");
            break;
        }
        assert!(Instant::now() < deadline, "the request did not become active: {shown}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[test]
fn a_demo_is_refused_in_production() {
    let scratch = tempfile::tempdir().unwrap();
    let output = run_sh(scratch.path(), "127.0.0.1:0", &[("APP_ENV", "production")]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("never started with APP_ENV=production"));

    let output = Command::new(BIN)
        .env_clear()
        .current_dir(scratch.path())
        .env("APP_ENV", "production")
        .env("APP_SECRET_KEY", "0123456789abcdef0123456789abcdef-prod")
        .env("PUBLIC_BASE_URL", "https://ix.example.net")
        .env("ZT_CONTROLLER_AUTH_TOKEN", "real-token")
        .env("ZTIX_DEMO", "true")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ZTIX_DEMO"), "{}", String::from_utf8_lossy(&output.stderr));
}
