//! The `zt-ix` binary as an operator runs it: configuration errors, migrations, serve.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use domain::testing::{Backend, TestDb};
use migration::MigratorTrait;

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");

/// `zt-ix` with a clean environment, run in `dir` so no developer `.env` is read.
pub(crate) fn zt_ix(dir: &Path, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.env_clear().current_dir(dir).env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in vars {
        command.env(k, v);
    }
    command
}

fn run(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    zt_ix(dir, vars).args(args).output().expect("zt-ix runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_bad_variable_stops_startup_with_exit_code_2_and_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &[("APP_ENV", "production"), ("LOG_FORMAT", "xml")], &["serve"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("APP_SECRET_KEY: is required in production"), "{message}");
    assert!(message.contains("LOG_FORMAT: 'xml' is not one of json, pretty"), "{message}");
}

#[test]
fn production_refuses_the_example_secret_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        dir.path(),
        &[
            ("APP_ENV", "production"),
            ("APP_SECRET_KEY", server::config::EXAMPLE_SECRET_KEY),
            ("PUBLIC_BASE_URL", "https://ix.example.net"),
            ("ZT_CONTROLLER_AUTH_TOKEN", "t0ken-from-the-controller"),
        ],
        &["migrate", "status"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("APP_SECRET_KEY: is the development example value"), "{}", stderr(&output));
}

#[test]
fn a_broken_runtime_config_names_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(&path, "[workflow]\napproval_mode = \"sometimes\"\n").unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("zt.db").display());
    let output = run(
        dir.path(),
        &[("ZTIX_RUNTIME_CONFIG_PATH", path.to_str().unwrap()), ("DATABASE_URL", &url), ("LEPTOS_SITE_ADDR", "127.0.0.1:0")],
        &["serve"],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("policy.toml") && message.contains("approval_mode"), "{message}");
}

fn migrate_round_trip(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let vars = [("DATABASE_URL", url)];
    let status = |expect_applied: usize| {
        let out = run(dir.path(), &vars, &["migrate", "status"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), migration::Migrator::migrations().len(), "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("applied")).count(), expect_applied, "{text}");
    };
    let all = migration::Migrator::migrations().len();
    status(0);
    assert!(run(dir.path(), &vars, &["migrate", "up"]).status.success());
    status(all);
    let down = run(dir.path(), &vars, &["migrate", "down"]);
    assert!(down.status.success(), "{}", stderr(&down));
    status(all - 1);
    assert!(run(dir.path(), &vars, &["migrate", "down", "--all"]).status.success());
    status(0);
    assert!(run(dir.path(), &vars, &["migrate", "up"]).status.success());
    status(all);
}

#[tokio::test]
async fn migrate_up_down_and_status_on_sqlite() {
    let db = TestDb::empty(Backend::Sqlite).await;
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || migrate_round_trip(&url)).await.unwrap();
}

#[tokio::test]
async fn migrate_up_down_and_status_on_postgres() {
    let db = TestDb::empty(Backend::Postgres).await;
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || migrate_round_trip(&url)).await.unwrap();
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_until_healthy(child: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("zt-ix exited early with {status}");
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("zt-ix did not start listening on {port}");
}

#[tokio::test]
async fn serve_tags_every_log_line_with_the_request_id_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("zt.db").display());
    let mut child = zt_ix(
        dir.path(),
        &[("DATABASE_URL", &url), ("LEPTOS_SITE_ADDR", &addr), ("LOG_FORMAT", "json"), ("RUST_LOG", "info,tower_http=debug")],
    )
    .arg("serve")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    wait_until_healthy(&mut child, port);

    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://{addr}/"))
        .header("x-request-id", "trace-me-0001")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "trace-me-0001");

    let started = Instant::now();
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || {
        let output = child.wait_with_output().unwrap();
        (output.status, String::from_utf8_lossy(&output.stderr).into_owned())
    })
    .await
    .unwrap();
    assert!(status.0.success(), "SIGTERM must end serve cleanly, got {}", status.0);
    assert!(started.elapsed() < Duration::from_secs(10), "shutdown took {:?}", started.elapsed());

    let lines: Vec<serde_json::Value> = BufReader::new(status.1.as_bytes())
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    let of_request: Vec<_> = lines
        .iter()
        .filter(|l| l["span"]["path"] == "/" && l["span"]["method"] == "GET")
        .collect();
    assert!(of_request.len() >= 2, "request start and end are logged: {lines:#?}");
    assert!(
        of_request.iter().all(|l| l["span"]["request_id"] == "trace-me-0001"),
        "every line of the request carries its id: {of_request:#?}"
    );
    assert!(lines.iter().any(|l| l["message"].as_str().is_some_and(|m| m.contains("SIGTERM"))));
}

#[test]
fn an_unreadable_controller_token_file_stops_startup_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("secrets/authtoken.secret");
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("zt-ix.db").display());
    let vars = [
        ("ZT_CONTROLLER_AUTH_TOKEN_FILE", missing.to_str().unwrap()),
        ("DATABASE_URL", database.as_str()),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
    ];
    let mut child = zt_ix(dir.path(), &vars).arg("serve").stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve started with an unreadable token file instead of stopping");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!status.success());
    let message = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert!(message.contains("ZT_CONTROLLER_AUTH_TOKEN_FILE") && message.contains(missing.to_str().unwrap()), "{message}");
}
