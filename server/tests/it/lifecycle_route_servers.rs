//! The lifecycle on two real BIRD route servers over SSH: a suspension shuts the
//! sessions down and a resumption restores the exact bytes, a node replacement leaves
//! the file untouched, drift (a file deleted or altered by hand, a stray file) is found by
//! `zt-ix reconcile --dry-run` and repaired by `zt-ix reconcile`, and leaving removes the
//! file and the protocol everywhere, or stays `offboarding` naming a broken host until
//! it is fixed and retried.

use std::time::Duration;

use domain::entities::audit_event;
use domain::testing::Backend;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::audit_actions;
use crate::lifecycle::{active_member, post, settled};
use crate::provisioning::{admin_request, wait_until, SUFFIX_TOML};
use crate::route_servers::portal_on;
use crate::support::route_server_lab::RouteServerLab;
use crate::support::zt_controller::TOKEN;

fn protocol(id: &str) -> String {
    format!("ztix_{}_1", id.replace('-', ""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_on_real_route_servers() {
    let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(2)).await.unwrap();
    let (app, sim) = portal_on(Backend::Sqlite, lab.env()).await;
    let (id, op, admin) = active_member(&app, "aabbccddee").await;
    let name = format!("ztix-{id}.conf");
    let active = lab.peer_files(0);
    assert_eq!(active, lab.peer_files(1));
    assert_eq!(active[0].0, name);

    // suspended: the sessions are configured disabled and BIRD has them down
    post(&app, &admin, &format!("/api/v1/admin/requests/{id}/suspend"), json!({"reason": "abuse"})).await;
    settled(&app, &op, &id, "suspended").await;
    for host in 0..2 {
        let files = lab.peer_files(host);
        assert!(files[0].1.contains("  disabled;\n"), "{}", files[0].1);
        let state = lab.birdc(host, &["show", "protocols", &protocol(&id)]);
        assert!(state.contains("down"), "the session is shut down on host {host}: {state}");
    }
    // resumed: byte for byte what it was
    post(&app, &admin, &format!("/api/v1/admin/requests/{id}/resume"), json!({})).await;
    settled(&app, &op, &id, "active").await;
    assert_eq!(lab.peer_files(0), active);
    assert_eq!(lab.peer_files(1), active);

    // a new router: the file is not touched
    post(&app, &op, &format!("/api/v1/requests/{id}/replace-node"), json!({"node_id": "ccddeeff00"})).await;
    settled(&app, &op, &id, "active").await;
    assert_eq!(lab.peer_files(0), active, "replacement keeps the route-server file byte-identical");
    assert_eq!(lab.peer_files(1), active);

    // drift: a file deleted by hand on host 0, altered on host 1, and a stray file there
    std::fs::remove_file(lab.peer_dir(0).join(&name)).unwrap();
    let mut altered = active[0].1.clone();
    altered.push_str("# edited by hand\n");
    std::fs::write(lab.peer_dir(1).join(&name), altered).unwrap();
    let stray = format!("ztix-{}.conf", uuid::Uuid::new_v4());
    std::fs::write(lab.peer_dir(1).join(&stray), "# left behind\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("runtime.toml");
    std::fs::write(&config, SUFFIX_TOML.replace("request_timeout_seconds = 1", "request_timeout_seconds = 5")).unwrap();
    let mut vars: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), app.db().url.clone()),
        ("ZT_CONTROLLER_BASE_URL".into(), sim.url()),
        ("ZT_CONTROLLER_AUTH_TOKEN".into(), TOKEN.into()),
        ("ZTIX_RUNTIME_CONFIG_PATH".into(), config.display().to_string()),
        ("RUST_LOG".into(), "error".into()),
    ];
    vars.extend(lab.env());
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let reconcile = |args: &'static [&'static str]| {
        let vars = vars.clone();
        let dir = dir.path().to_owned();
        tokio::task::block_in_place(move || crate::cli::zt_ix(&dir, &vars).args(args).output().unwrap())
    };
    let dry = reconcile(&["reconcile", "--dry-run"]);
    let printed = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert_eq!(dry.status.code(), Some(0), "{printed}{}", String::from_utf8_lossy(&dry.stderr));
    assert!(printed.contains("peer_file_missing") && printed.contains(&lab.label(0)), "{printed}");
    assert!(printed.contains("stray_peer_file") && printed.contains(&lab.label(1)), "{printed}");
    assert!(printed.contains("peer_file_altered"), "{printed}");
    assert!(printed.contains("3 differences found"), "{printed}");
    assert!(lab.peer_dir(1).join(&stray).exists(), "a dry run changes nothing");
    assert!(!lab.peer_dir(0).join(&name).exists());
    let fixed = reconcile(&["reconcile"]);
    let printed = String::from_utf8_lossy(&fixed.stdout).into_owned();
    assert_eq!(fixed.status.code(), Some(0), "{printed}{}", String::from_utf8_lossy(&fixed.stderr));
    // the worker of the running portal may be the one converging: wait for both hosts
    wait_until("the files to be as written", Duration::from_secs(20), async || {
        lab.peer_files(0) == active && lab.peer_files(1) == active
    })
    .await;
    let repairs = audit_actions(&app.db().db, audit_event::Column::Action.starts_with("reconcile.")).await;
    assert_eq!(repairs, ["reconcile.drift_found", "reconcile.drift_found", "reconcile.stray_removed"]);
    let again = reconcile(&["reconcile", "--dry-run"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 differences found"));

    // leaving with host 1 broken: stays offboarding, naming the host; fixed and retried: removed
    lab.read_only_peer_dir(1);
    post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({})).await;
    let mut seen = Value::Null;
    wait_until("the failed attempt", Duration::from_secs(20), async || {
        seen = admin_request(&app, &admin, &id).await;
        seen["last_error"].is_string()
    })
    .await;
    assert_eq!(seen["status"], "offboarding");
    let error = seen["last_error"].as_str().unwrap();
    assert!(error.contains(&format!("{} failed at lock", lab.label(1))), "{error}");
    assert!(error.contains("cannot open the lock file"), "{error}");
    assert!(!error.contains(&format!("{} failed", lab.label(0))), "{error}");
    assert!(lab.peer_files(0).is_empty(), "the good host no longer has the file");
    assert_eq!(lab.peer_files(1), active, "the broken host was rolled back");
    lab.writable_peer_dir(1);
    let (status, body) = post(&app, &admin, &format!("/api/v1/admin/requests/{id}/retry"), json!({})).await;
    assert_eq!(status, 200, "{body}");
    settled(&app, &op, &id, "removed").await;
    for host in 0..2 {
        assert!(lab.peer_files(host).is_empty(), "host {host} has no peer file");
        assert!(!lab.birdc(host, &["show", "protocols"]).contains(&protocol(&id)), "host {host} has no protocol");
    }
    let removed = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id.clone()))
        .filter(audit_event::Column::Action.eq("route_server.removed"))
        .all(&app.db().db)
        .await
        .unwrap();
    assert_eq!(removed.len(), 3, "host 0 once, then both on the retry");
}
