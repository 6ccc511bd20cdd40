//! `zt-ix controller …` against the controller simulator: preflight, reconcile, token
//! reload, backup with retention, restore with its preflight drill; all audited.

use std::path::Path;
use std::process::{Command, Output};

use domain::entities::audit_event;
use domain::testing::{Backend, TestDb};
use sea_orm::{ColumnTrait, EntityTrait};

use crate::provisioning::{NET, SUFFIX_TOML};
use crate::support::zt_controller::{ControllerSim, TOKEN};

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");

fn controller(dir: &Path, db: &TestDb, sim: &ControllerSim, token_file: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("ZT_CONTROLLER_BASE_URL", sim.url())
        .env("ZT_CONTROLLER_AUTH_TOKEN_FILE", token_file)
        .env("ZT_CONTROLLER_STATE_DIR", dir.join("controller.d"))
        .env("ZT_CONTROLLER_BACKUP_DIR", dir.join("backups"))
        .env("ZT_CONTROLLER_BACKUP_RETENTION_COUNT", "2")
        .env("ZTIX_RUNTIME_CONFIG_PATH", dir.join("runtime.toml"))
        .env("RUST_LOG", "warn")
        .current_dir(dir)
        .arg("controller")
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_commands_check_fix_rotate_back_up_and_restore() {
    let db = TestDb::new(Backend::Sqlite).await;
    let sim = ControllerSim::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("runtime.toml"), SUFFIX_TOML).unwrap();
    let token = d.join("authtoken.secret");
    std::fs::write(&token, "not-the-token\n").unwrap();
    let run = |args: &'static [&'static str]| {
        let (db, sim, token) = (&db, &sim, &token);
        tokio::task::block_in_place(move || controller(d, db, sim, token, args))
    };

    let out = run(&["token-reload"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("token"), "{}", text(&out));
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let out = run(&["token-reload"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = run(&["preflight"]);
    assert!(!out.status.success(), "the network does not exist on the controller yet");
    assert!(text(&out).contains("missing networks: 1122334455000001"), "{}", text(&out));
    let out = run(&["reconcile"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("network 1122334455000001: created or corrected"));
    assert!(sim.network(NET).is_some());
    let out = run(&["reconcile"]);
    assert!(text(&out).contains("already as configured"), "{}", text(&out));
    let out = run(&["preflight"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("controller 1122334455 answers and accepts the token"));

    std::fs::create_dir_all(d.join("controller.d/network")).unwrap();
    std::fs::write(d.join("controller.d/network/1122334455000001.json"), "{\"revision\":1}").unwrap();
    for _ in 0..3 {
        let out = run(&["backup"]);
        assert!(out.status.success(), "{}", text(&out));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(std::fs::read_dir(d.join("backups")).unwrap().count(), 2, "retention keeps two");
    std::fs::write(d.join("controller.d/network/1122334455000001.json"), "corrupted").unwrap();
    let out = run(&["restore", "--wait-seconds", "5"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("preflight passed after the restore"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(d.join("controller.d/network/1122334455000001.json")).unwrap(), "{\"revision\":1}");

    let actions = crate::helpers::audit_actions(&db.db, audit_event::Column::TargetType.eq("controller")).await;
    for expected in ["controller.token_reloaded", "controller.preflight", "controller.reconciled", "controller.backup_created", "controller.restored"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} missing in {actions:?}");
    }
    let events = audit_event::Entity::find().all(&db.db).await.unwrap();
    assert!(events.iter().all(|e| !e.metadata.to_string().contains(TOKEN)), "the token never reaches the audit trail");
}
