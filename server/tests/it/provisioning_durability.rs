//! Provisioning survives crashes and scales out: a server killed mid-provisioning
//! finishes the request exactly once after a restart, and two workers on one
//! PostgreSQL never work on one request at the same time.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::entities::{audit_event, join_request, zt_ipv6_assignment, zt_membership};
use domain::provisioning::lifecycle;
use domain::provisioning::worker::Worker;
use domain::testing::{fixtures, Backend, TestDb};
use domain::workflow::RequestStatus;
use domain::RuntimeSettings;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::provisioning::{wait_until, NET, SUFFIX_TOML};
use crate::support::worker_services::worker_services;
use crate::support::zt_controller::{ControllerSim, Fault, TOKEN};

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");
pub(crate) const PASSWORD: &str = "correct horse battery staple";

pub(crate) struct Server {
    pub child: Child,
    pub base: String,
}

pub(crate) fn start_server(db: &TestDb, sim: &ControllerSim, config: &std::path::Path) -> Server {
    spawn_server(db, sim, config, &["serve"], &[("RUST_LOG", "warn")], Stdio::null())
}

/// `zt-ix <args>` on a free port against `db` and the simulator, with `env` added.
pub(crate) fn spawn_server(db: &TestDb, sim: &ControllerSim, config: &std::path::Path, args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("APP_SECRET_KEY", "crash-test-secret-key-0123456789abcdef")
        .env("ZT_CONTROLLER_BASE_URL", sim.url())
        .env("ZT_CONTROLLER_AUTH_TOKEN", TOKEN)
        .env("ZTIX_RUNTIME_CONFIG_PATH", config)
        .envs(env.iter().copied())
        .current_dir(config.parent().unwrap())
        .args(args)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    Server { child, base: format!("http://127.0.0.1:{port}") }
}

pub(crate) async fn ready(server: &mut Server) {
    let client = reqwest::Client::new();
    let url = format!("{}/readyz", server.base);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        assert!(server.child.try_wait().unwrap().is_none(), "zt-ix exited early");
        if client.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("zt-ix did not become ready");
}

pub(crate) async fn login(base: &str, username: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/local/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    crate::helpers::session_cookie(&response).expect("logged in")
}

/// The runtime config of the crash tests (short leases, patient upstream calls) in
/// `dir`, and the accounts `op` and `admin` (both holding AS64500) in `db`.
pub(crate) async fn crash_test_setup(db: &TestDb, dir: &std::path::Path) -> std::path::PathBuf {
    let config = dir.join("runtime.toml");
    std::fs::write(&config, SUFFIX_TOML.replace("lease_seconds = 5", "lease_seconds = 2").replace("request_timeout_seconds = 1", "request_timeout_seconds = 60")).unwrap();
    for (name, admin) in [("op", false), ("admin", true)] {
        domain::identity::accounts::create(
            &db.db,
            &RuntimeSettings::default().auth,
            domain::identity::accounts::cli(),
            domain::identity::accounts::NewAccount {
                username: name.into(),
                password: Some(secrecy::SecretString::from(PASSWORD.to_owned())),
                is_admin: admin,
                asns: vec![domain::types::Asn::parse(64500).unwrap()],
                networks: vec![],
                full_name: None,
                email: None,
            },
        )
        .await
        .unwrap();
    }
    config
}

async fn crash_scenario(backend: Backend) {
    let db = TestDb::new(backend).await;
    let sim = ControllerSim::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = crash_test_setup(&db, dir.path()).await;

    let mut first = start_server(&db, &sim, &config);
    ready(&mut first).await;
    let op = login(&first.base, "op").await;
    let admin = login(&first.base, "admin").await;
    let client = reqwest::Client::new();
    let created: serde_json::Value = client
        .post(format!("{}/api/v1/requests", first.base))
        .header("cookie", &op)
        .json(&json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["request"]["id"].as_str().unwrap().to_owned();
    sim.set_fault(Fault::HangMemberWrite);
    client.post(format!("{}/api/v1/admin/requests/{id}/approve", first.base)).header("cookie", &admin).json(&json!({})).send().await.unwrap();
    wait_until("the worker to be mid-provisioning", Duration::from_secs(15), async || sim.writes_in_flight() == 1).await;

    // kill -9: no shutdown, the lease is left behind
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    sim.set_fault(Fault::None);

    let mut second = start_server(&db, &sim, &config);
    ready(&mut second).await;
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    wait_until("the request to become active", Duration::from_secs(30), async || {
        join_request::Entity::find_by_id(uuid).one(&db.db).await.unwrap().unwrap().status == RequestStatus::Active
    })
    .await;
    let _ = second.child.kill();
    let _ = second.child.wait();

    let memberships = zt_membership::Entity::find().filter(zt_membership::Column::JoinRequestId.eq(uuid)).count(&db.db).await.unwrap();
    let addresses = zt_ipv6_assignment::Entity::find().filter(zt_ipv6_assignment::Column::JoinRequestId.eq(uuid)).all(&db.db).await.unwrap();
    assert_eq!(memberships, 1);
    assert_eq!(addresses.len(), 1);
    assert_eq!(addresses[0].assigned_ip, "2001:db8:1:0:6:4500:0:1");
    let actions = crate::helpers::audit_actions(&db.db, audit_event::Column::TargetId.eq(id.clone())).await;
    assert_eq!(actions.iter().filter(|a| *a == "join_request.activated").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "join_request.lease_recovered").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "join_request.failed").count(), 0, "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_provisioning_finishes_the_request_exactly_once_on_sqlite() {
    crash_scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_provisioning_finishes_the_request_exactly_once_on_postgres() {
    crash_scenario(Backend::Postgres).await;
}

/// `count` approved requests spread over 20 ASNs, each with its own node.
pub async fn approved_requests(db: &TestDb, count: usize) {
    let user = fixtures::user(&db.db, "bulk", false).await;
    for i in 0..count {
        let node = format!("{:010x}", 0x10_0000_0000_u64 + i as u64);
        fixtures::request(user.id, 64500 + (i % 20) as i64, NET, Some(&node), RequestStatus::Approved)
            .insert(&db.db)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_one_postgres_provision_200_requests_once_each() {
    let db = TestDb::new(Backend::Postgres).await;
    let sim = ControllerSim::start().await;
    let toml = SUFFIX_TOML.replace("lease_seconds = 5", "lease_seconds = 30\nconcurrency = 4");
    let a = worker_services(&db.url, &sim.url(), TOKEN, &toml).await;
    let b = worker_services(&db.url, &sim.url(), TOKEN, &toml).await;
    lifecycle::bring_up(&a).await.expect("preflight passes");
    approved_requests(&db, 200).await;

    let shutdown = CancellationToken::new();
    let first = tokio::spawn(Worker::new(a.clone(), "worker-a").run(shutdown.clone()));
    let second = tokio::spawn(Worker::new(b.clone(), "worker-b").run(shutdown.clone()));
    wait_until("200 active requests", Duration::from_secs(120), async || {
        join_request::Entity::find().filter(join_request::Column::Status.eq(RequestStatus::Active)).count(&db.db).await.unwrap() == 200
    })
    .await;
    shutdown.cancel();
    first.await.unwrap();
    second.await.unwrap();

    assert_eq!(zt_membership::Entity::find().count(&db.db).await.unwrap(), 200);
    let addresses = zt_ipv6_assignment::Entity::find().all(&db.db).await.unwrap();
    assert_eq!(addresses.len(), 200);
    assert_eq!(addresses.iter().map(|a| a.assigned_ip.as_str()).collect::<HashSet<_>>().len(), 200, "distinct addresses");
    let mut per_asn: HashMap<i64, Vec<i32>> = HashMap::new();
    for a in &addresses {
        per_asn.entry(a.asn).or_default().push(a.sequence);
    }
    for (asn, mut sequences) in per_asn {
        sequences.sort();
        assert_eq!(sequences, (1..=10).collect::<Vec<_>>(), "AS{asn} uses sequences 1..10 once each");
    }
    assert_eq!(sim.member_writes().len(), 200, "each member written exactly once");
    assert_eq!(sim.max_in_flight_per_member(), 1, "no member was worked on twice at once");
    let claims = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("join_request.provisioning_started"))
        .all(&db.db)
        .await
        .unwrap();
    assert_eq!(claims.len(), 200, "every request was claimed once");
    let workers: HashSet<String> = claims.iter().filter_map(|e| e.metadata["worker"].as_str().map(str::to_owned)).collect();
    assert_eq!(workers.len(), 2, "both workers took part");
}

/// `serve --worker-only` answers the probes and the metrics scrape (nothing else), and
/// every log line of a provisioning job names the join request it works on, including
/// the upstream calls, which carry `ztix-request-<id>` to the controller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_only_process_serves_probes_and_logs_each_job_with_its_request_id() {
    let db = TestDb::new(Backend::Postgres).await;
    let sim = ControllerSim::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("runtime.toml");
    std::fs::write(&config, SUFFIX_TOML).unwrap();
    let env = [("LOG_FORMAT", "json"), ("RUST_LOG", "info")];
    let mut server = spawn_server(&db, &sim, &config, &["serve", "--worker-only"], &env, Stdio::piped());
    ready(&mut server).await;

    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", server.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    for path in ["/", "/login", "/dashboard", "/api/v1/me", "/api/v1/openapi.json"] {
        assert_eq!(get(path).await.unwrap().status(), 404, "{path} is not served by a worker");
    }

    approved_requests(&db, 3).await;
    wait_until("three active requests", Duration::from_secs(30), async || {
        join_request::Entity::find().filter(join_request::Column::Status.eq(RequestStatus::Active)).count(&db.db).await.unwrap() == 3
    })
    .await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("ztix_controller_preflight_ok 1"), "{metrics}");
    assert!(metrics.contains("ztix_provisioning_attempts_total{outcome=\"active\"} 3"), "{metrics}");

    let kill = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let output = tokio::task::block_in_place(|| server.child.wait_with_output()).unwrap();
    assert!(output.status.success(), "SIGTERM ends the worker cleanly: {}", output.status);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();

    let ids: Vec<String> = join_request::Entity::find().all(&db.db).await.unwrap().iter().map(|r| r.id.to_string()).collect();
    for id in &ids {
        let of_job: Vec<&serde_json::Value> = lines.iter().filter(|l| l["span"]["request.id"] == id.as_str()).collect();
        assert!(
            of_job.iter().any(|l| l["message"] == "request is active"),
            "the job's outcome is logged in its span: {lines:#?}"
        );
        assert!(
            of_job.iter().any(|l| l["message"] == "upstream call" && l["correlation_id"] == format!("ztix-request-{id}")),
            "the job's controller calls are logged in its span with its correlation id: {of_job:#?}"
        );
        assert!(sim.request_ids().contains(&format!("ztix-request-{id}")), "the controller saw the id of {id}");
    }
    // No line of a job is logged outside its span.
    for line in lines.iter().filter(|l| l["correlation_id"].as_str().is_some_and(|c| c.starts_with("ztix-request-"))) {
        let id = line["correlation_id"].as_str().unwrap().trim_start_matches("ztix-request-");
        assert_eq!(line["span"]["request.id"], id, "{line:#}");
    }
}
