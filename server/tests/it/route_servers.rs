//! Route servers through the whole worker: two real BIRD + OpenSSH hosts on loopback,
//! one made to fail; partial failure rolls that host back, a retry converges.

use std::time::Duration;

use domain::entities::audit_event;
use domain::testing::Backend;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{spawn_app_with_worker, TestApp};
use crate::provisioning::{admin_request, assert_member_safe, wait_for_status, wait_until, NET, SUFFIX_TOML};
use crate::requests::{admin, created_id, operator};
use crate::support::route_server_lab::RouteServerLab;
use crate::support::worker_services::worker_services;
use crate::support::zt_controller::{ControllerSim, TOKEN};
use tokio_util::sync::CancellationToken;

async fn route_server_audit(app: &crate::helpers::TestApp, id: &str) -> Vec<(String, String)> {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id))
        .filter(audit_event::Column::Action.starts_with("route_server"))
        .order_by_asc(audit_event::Column::CreatedAt)
        .all(&app.db().db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.metadata["host"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The portal with the controller simulator and these route-server variables, ready.
async fn portal(route_server_env: Vec<(String, String)>) -> (TestApp, ControllerSim) {
    portal_on(Backend::Sqlite, route_server_env).await
}

pub async fn portal_on(backend: Backend, route_server_env: Vec<(String, String)>) -> (TestApp, ControllerSim) {
    portal_with(backend, route_server_env, &SUFFIX_TOML.replace("request_timeout_seconds = 1", "request_timeout_seconds = 5")).await
}

/// The portal with the controller simulator, these variables and this runtime config, ready.
pub async fn portal_with(backend: Backend, env: Vec<(String, String)>, toml: &str) -> (TestApp, ControllerSim) {
    let sim = ControllerSim::start().await;
    let mut vars = env;
    vars.push(("ZT_CONTROLLER_BASE_URL".into(), sim.url()));
    vars.push(("ZT_CONTROLLER_AUTH_TOKEN".into(), TOKEN.into()));
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = spawn_app_with_worker(backend, &borrowed, toml).await;
    wait_until("readiness", Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    (app, sim)
}

/// An operator files a request and an admin approves it; returns the request id, the
/// operator's and the admin's sessions and the request once it reached `status`.
async fn file_and_approve(app: &TestApp, status: &str) -> (String, String, String, serde_json::Value) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    let seen_by_member = wait_for_status(app, &op, &id, status).await;
    if status == "failed" {
        assert_member_safe(&seen_by_member, "route_server_failed");
    }
    let request = admin_request(app, &admin, &id).await;
    (id, op, admin, request)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_route_server_is_rolled_back_and_a_retry_converges() {
    let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(2)).await.unwrap();
    lab.break_host(1);
    let (app, _sim) = portal(lab.env()).await;
    let (id, op, admin, failed) = file_and_approve(&app, "failed").await;
    let error = failed["last_error"].as_str().unwrap();
    assert!(error.contains(&format!("{} failed at birdc configure check", lab.label(1))), "{error}");
    assert!(!error.contains(&format!("{} failed", lab.label(0))), "{error}");
    assert!(error.contains("rolled back"), "{error}");

    // host 0 keeps its file (configured and confirmed); host 1 was rolled back
    let name = format!("ztix-{id}.conf");
    let on_good = lab.peer_files(0);
    assert_eq!(on_good.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), [name.as_str()]);
    assert!(lab.peer_files(1).is_empty(), "nothing left on the failed host");
    assert!(lab.birdc(0, &["show", "protocols"]).contains(&format!("ztix_{}_1", id.replace('-', ""))));
    assert_eq!(
        route_server_audit(&app, &id).await,
        [("route_server.applied".to_owned(), lab.label(0)), ("route_server.failed".to_owned(), lab.label(1))]
    );

    // fix the host and retry: both end with the same bytes, no duplicate peers
    lab.fix_host(1);
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/retry"), &admin, json!({})).await;
    let active = wait_for_status(&app, &op, &id, "active").await;
    assert_eq!(active["assigned_ipv6"], "2001:db8:1:0:6:4500:0:1", "the same address after the retry");
    let good = lab.peer_files(0);
    let fixed = lab.peer_files(1);
    assert_eq!(good, on_good, "the host that was right is byte-identical");
    assert_eq!(good, fixed, "same name and bytes on every host");
    assert!(good[0].1.contains("neighbor 2001:db8:1:0:6:4500:0:1 as 64500;"));
    assert!(good[0].1.contains("local as 64512;"));
    for host in 0..2 {
        let protocols = lab.birdc(host, &["show", "protocols"]);
        assert_eq!(protocols.matches(&format!("ztix_{}_1", id.replace('-', ""))).count(), 1, "{protocols}");
    }
    let trail = route_server_audit(&app, &id).await;
    assert_eq!(trail.len(), 4, "{trail:?}");
    assert!(trail[2..].iter().all(|(action, _)| action == "route_server.applied"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_route_servers_the_step_is_skipped_and_audited() {
    let (app, _sim) = portal(Vec::new()).await;
    let (id, ..) = file_and_approve(&app, "active").await;
    let skipped = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id.clone()))
        .filter(audit_event::Column::Action.eq("route_servers.skipped"))
        .one(&app.db().db)
        .await
        .unwrap()
        .expect("the skip is audited");
    assert_eq!(skipped.metadata["reason"], "no route servers are configured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_key_fails_that_host() {
    let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(1)).await.unwrap();
    let mut vars: Vec<(String, String)> = lab.env();
    let empty_known_hosts = tempfile::NamedTempFile::new().unwrap();
    for (k, v) in vars.iter_mut() {
        if k == "ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE" {
            *v = empty_known_hosts.path().display().to_string();
        }
    }
    let (app, _sim) = portal(vars).await;
    let (_, _, _, failed) = file_and_approve(&app, "failed").await;
    let error = failed["last_error"].as_str().unwrap();
    assert!(error.contains(&format!("{} failed at connect", lab.label(0))), "{error}");
    assert!(error.to_lowercase().contains("host key"), "{error}");
    assert!(lab.peer_files(0).is_empty());
}

/// A second worker, as another process has it: its own pool, provider and route-server
/// settings (so nothing in memory orders its pushes against the portal's).
async fn second_worker(app: &TestApp, sim: &ControllerSim, lab: &RouteServerLab, shutdown: CancellationToken) {
    let toml = SUFFIX_TOML.replace("request_timeout_seconds = 1", "request_timeout_seconds = 5");
    let mut env: std::collections::HashMap<String, String> = lab.env().into_iter().collect();
    env.insert("APP_SECRET_KEY".into(), "second-worker-secret-0123456789abcdef".into());
    let config = server::config::AppConfig::from_map(env).unwrap();
    let settings = domain::RuntimeSettings::from_toml(&toml, "test").unwrap();
    let services = worker_services(&app.db().url, &sim.url(), TOKEN, &toml)
        .await
        .with_route_servers(server::startup::route_servers(&config, &settings));
    domain::provisioning::lifecycle::bring_up(&services).await.unwrap();
    tokio::spawn(domain::provisioning::worker::Worker::new(services, "second-process").run(shutdown));
}

/// The `configure` calls a host saw, grouped by the change that made them; panics when
/// two calls overlapped or another change's call came between a check and its confirm.
fn changes_on(log: &[String]) -> Vec<Vec<String>> {
    let mut changes: Vec<(String, Vec<String>)> = Vec::new();
    let mut running: Option<String> = None;
    for line in log.iter().filter(|l| l.contains(" configure")) {
        let mut words = line.splitn(3, ' ');
        let (edge, caller, command) = (words.next().unwrap(), words.next().unwrap().to_owned(), words.next().unwrap().to_owned());
        match edge {
            "start" => {
                assert!(running.is_none(), "birdc calls overlapped: {log:#?}");
                running = Some(caller.clone());
                match changes.last_mut() {
                    Some((owner, calls)) if *owner == caller && calls.last().is_some_and(|c| c != "configure confirm") => calls.push(command),
                    _ => {
                        assert_eq!(command, "configure check", "a change starts with its check: {log:#?}");
                        if let Some((_, calls)) = changes.last() {
                            assert_eq!(calls.last().map(String::as_str), Some("configure confirm"), "a change was cut into: {log:#?}");
                        }
                        changes.push((caller, vec![command]));
                    }
                }
            }
            _ => assert_eq!(running.take(), Some(caller), "{log:#?}"),
        }
    }
    changes.into_iter().map(|(_, calls)| calls).collect()
}

/// `configure timeout/confirm` act on the whole daemon: two workers in two processes
/// applying changes to the same BIRD at once must take turns, or one would confirm the
/// other's unchecked change.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_reach_each_route_server_one_change_at_a_time() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        crate::helpers::within_limit(async {
            let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(2)).await.unwrap();
            // Long enough that two changes in flight at once would overlap on a host.
            lab.slow_configure(0.3);
            let (app, sim) = portal_on(backend, lab.env()).await;
            let shutdown = CancellationToken::new();
            second_worker(&app, &sim, &lab, shutdown.clone()).await;
            app.create_account("op", crate::requests::PASSWORD, false, &[64500, 64501, 64502, 64503]).await;
            let op = app.login("op", crate::requests::PASSWORD).await;
            let admin = admin(&app).await;
            let mut ids = Vec::new();
            for i in 0..8u32 {
                let asn = 64500 + i64::from(i % 4);
                let node = format!("aabbccdd{i:02}");
                ids.push(created_id(&app, &op, json!({"asn": asn, "zt_network_id": NET, "node_id": node})).await);
            }
            let paths: Vec<String> = ids.iter().map(|id| format!("/api/v1/admin/requests/{id}/approve")).collect();
            let approvals = paths.iter().map(|path| app.post_json_as(path, &admin, json!({})));
            for response in futures::future::join_all(approvals).await {
                assert_eq!(response.status(), 200);
            }
            for id in &ids {
                wait_for_status(&app, &op, id, "active").await;
            }
            shutdown.cancel();

            let workers: std::collections::BTreeSet<String> = audit_event::Entity::find()
                .filter(audit_event::Column::Action.eq("join_request.provisioning_started"))
                .all(&app.db().db)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.metadata["worker"].as_str().unwrap().split('-').next().unwrap().to_owned())
                .collect();
            assert_eq!(workers.len(), 2, "both processes provisioned requests ({backend:?}): {workers:?}");
            for host in 0..2 {
                let files = lab.peer_files(host);
                let mut expected: Vec<String> = ids.iter().map(|id| format!("ztix-{id}.conf")).collect();
                expected.sort();
                assert_eq!(files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), expected, "every file is on host {host}");
                let changes = changes_on(&lab.birdc_log(host));
                assert_eq!(changes.len(), ids.len(), "one change per request on host {host}: {changes:?}");
                for change in &changes {
                    assert_eq!(change.len(), 3, "{change:?}");
                    assert!(change[1].starts_with("configure timeout"), "{change:?}");
                    assert_eq!(change[2], "configure confirm");
                }
            }
        })
        .await;
    }
}
