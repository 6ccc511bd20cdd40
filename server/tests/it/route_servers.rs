//! Route servers through the whole worker: two real BIRD + OpenSSH hosts on loopback,
//! one made to fail; partial failure rolls that host back, a retry converges.

use std::time::Duration;

use domain::entities::audit_event;
use domain::testing::Backend;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::{spawn_app_with_worker, TestApp};
use crate::provisioning::{wait_for_status, wait_until, NET, SUFFIX_TOML};
use crate::requests::{admin, created_id, operator};
use crate::support::route_server_lab::RouteServerLab;
use crate::support::zt_controller::{ControllerSim, TOKEN};

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
    let sim = ControllerSim::start().await;
    let mut vars = route_server_env;
    vars.push(("ZT_CONTROLLER_BASE_URL".into(), sim.url()));
    vars.push(("ZT_CONTROLLER_AUTH_TOKEN".into(), TOKEN.into()));
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let toml = SUFFIX_TOML.replace("request_timeout_seconds = 1", "request_timeout_seconds = 5");
    let app = spawn_app_with_worker(Backend::Sqlite, &borrowed, &toml).await;
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
    let request = wait_for_status(app, &op, &id, status).await;
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
