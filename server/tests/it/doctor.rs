//! `zt-ix doctor` against a healthy setup (a migrated database, the controller simulator
//! with the network, a real route server over SSH) and against each broken part: the
//! right line, what to fix, and the exit code.

use std::process::Output;

use domain::testing::{Backend, TestDb};

use crate::provisioning::{NET, SUFFIX_TOML};
use crate::support::route_server_lab::{RouteServerLab, REMOTE_DIR};
use crate::support::zt_controller::{ControllerSim, TOKEN};

struct Setup {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Setup {
    /// `zt-ix <args>` with the setup's variables, `changes` replacing or adding some.
    fn run(&self, changes: &[(&str, &str)], args: &[&str]) -> Output {
        let vars: Vec<(&str, &str)> = self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(changes.iter().copied()).collect();
        crate::cli::zt_ix(self.dir.path(), &vars).args(args).output().expect("zt-ix runs")
    }

    fn doctor(&self, changes: &[(&str, &str)]) -> (Option<i32>, String) {
        let output = tokio::task::block_in_place(|| self.run(changes, &["doctor"]));
        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn line<'a>(report: &'a str, start: &str) -> &'a str {
    report.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line starting with {start:?} in:\n{report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_healthy_setup_and_names_each_broken_part() {
    let db = TestDb::new(Backend::Sqlite).await;
    let sim = ControllerSim::start().await;
    let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(1)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runtime.toml"), SUFFIX_TOML).unwrap();
    let mut vars: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), db.url.clone()),
        ("ZT_CONTROLLER_BASE_URL".into(), sim.url()),
        ("ZT_CONTROLLER_AUTH_TOKEN".into(), TOKEN.into()),
        ("ZTIX_RUNTIME_CONFIG_PATH".into(), dir.path().join("runtime.toml").display().to_string()),
        ("RUST_LOG".into(), "error".into()),
    ];
    vars.extend(lab.env());
    let setup = Setup { dir, vars };
    let rs = format!("route server {}", lab.label(0));

    // The network is not on the controller yet: doctor says so and changes nothing.
    let (code, report) = setup.doctor(&[]);
    assert_eq!(code, Some(1), "{report}");
    assert!(line(&report, &format!("FAIL network {NET}")).contains("zt-ix controller reconcile"), "{report}");
    assert!(sim.network(NET).is_none(), "doctor never writes to the controller");
    let reconciled = tokio::task::block_in_place(|| setup.run(&[], &["controller", "reconcile"]));
    assert!(reconciled.status.success(), "{}", String::from_utf8_lossy(&reconciled.stderr));

    let (code, report) = setup.doctor(&[]);
    assert_eq!(code, Some(0), "{report}");
    for start in ["ok   config", "ok   runtime config", "ok   database", "ok   controller", &format!("ok   network {NET}"), &format!("ok   {rs}")] {
        line(&report, start);
    }
    assert!(report.ends_with("all checks passed\n"), "{report}");
    assert!(lab.peer_files(0).is_empty(), "the write probe leaves nothing behind");

    let json = tokio::task::block_in_place(|| setup.run(&[], &["doctor", "--json"]));
    assert_eq!(json.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert!(json["checks"].as_array().unwrap().iter().all(|c| c["ok"] == true && c["name"].is_string()));

    // The mail server: a real one passes, a closed port fails with what to check.
    let sink = crate::support::notify::SmtpSink::start();
    let (code, report) = setup.doctor(&[("SMTP_URL", &sink.url()), ("SMTP_FROM", "noc@ix.example")]);
    assert_eq!(code, Some(0), "{report}");
    line(&report, "ok   mail");
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (code, report) = setup.doctor(&[("SMTP_URL", &format!("smtp://{nobody}?tls=off")), ("SMTP_FROM", "noc@ix.example")]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "FAIL mail").contains("check SMTP_URL"), "{report}");
    let (code, report) = setup.doctor(&[("SMTP_URL", "smtp://mail.example?tls=off"), ("APP_ENV", "production")]);
    assert_eq!(code, Some(1));
    assert!(report.contains("SMTP_URL") && report.contains("refused in production") && report.contains("SMTP_FROM"), "{report}");

    // Someone changed the network on the controller by hand.
    let renamed = reqwest::Client::new()
        .post(format!("{}/controller/network/{NET}", sim.url()))
        .header("X-ZT1-Auth", TOKEN)
        .json(&serde_json::json!({"name": "renamed by hand"}))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success());
    let (code, report) = setup.doctor(&[]);
    assert_eq!(code, Some(1));
    let failed = line(&report, &format!("FAIL network {NET}"));
    assert!(failed.contains("differs from the runtime config") && failed.contains("zt-ix controller reconcile"), "{failed}");
    assert_eq!(sim.network(NET).unwrap()["name"], "renamed by hand", "doctor corrects nothing");
    let reconciled = tokio::task::block_in_place(|| setup.run(&[], &["controller", "reconcile"]));
    assert!(reconciled.status.success());
    assert_eq!(setup.doctor(&[]).0, Some(0));

    // A wrong token.
    let (code, report) = setup.doctor(&[("ZT_CONTROLLER_AUTH_TOKEN", "not-the-token")]);
    assert_eq!(code, Some(1));
    let failed = line(&report, "FAIL controller");
    assert!(failed.contains("401") && failed.contains("set the token the controller accepts"), "{failed}");

    // The controller down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (code, report) = setup.doctor(&[("ZT_CONTROLLER_BASE_URL", &format!("http://{closed}"))]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "FAIL controller").contains("check that the controller runs"), "{report}");
    line(&report, "ok   database");

    // The database down.
    let (code, report) = setup.doctor(&[("DATABASE_URL", &format!("postgres://ztix@{closed}/ztix"))]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "FAIL database").contains("cannot connect"), "{report}");

    // A database that was never migrated.
    let empty = TestDb::empty(Backend::Sqlite).await;
    let (code, report) = setup.doctor(&[("DATABASE_URL", &empty.url)]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "FAIL database").contains("zt-ix migrate up"), "{report}");

    // A route server whose host key is not known.
    let unknown = setup.dir.path().join("empty_known_hosts");
    std::fs::write(&unknown, "").unwrap();
    let (code, report) = setup.doctor(&[("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE", unknown.to_str().unwrap())]);
    assert_eq!(code, Some(1));
    let failed = line(&report, &format!("FAIL {rs}"));
    assert!(failed.contains("Host key verification failed") && failed.contains("ROUTE_SERVER_SSH_KNOWN_HOSTS_FILE"), "{failed}");

    // A route server whose peer directory cannot be written.
    tokio::task::block_in_place(|| lab.read_only_peer_dir(0));
    let (code, report) = setup.doctor(&[]);
    assert_eq!(code, Some(1));
    let failed = line(&report, &format!("FAIL {rs}"));
    assert!(failed.contains(&format!("{REMOTE_DIR} is not writable")) && failed.contains("make it writable"), "{failed}");

    // An IRR server that does not answer, and a bgpq4 that is not there.
    let irr_config = setup.dir.path().join("irr.toml");
    std::fs::write(&irr_config, format!("{SUFFIX_TOML}\n[irr]\nhost = \"{closed}\"\ntimeout_seconds = 5\n")).unwrap();
    let (code, report) = setup.doctor(&[("ZTIX_RUNTIME_CONFIG_PATH", irr_config.to_str().unwrap())]);
    assert_eq!(code, Some(1));
    let failed = line(&report, "FAIL irr");
    assert!(failed.contains("bgpq4 failed against") && failed.contains("irr.host"), "{failed}");
    std::fs::write(&irr_config, format!("{SUFFIX_TOML}\n[irr]\nhost = \"{closed}\"\nbgpq4 = \"/nonexistent/bgpq4\"\n")).unwrap();
    let (_, report) = setup.doctor(&[("ZTIX_RUNTIME_CONFIG_PATH", irr_config.to_str().unwrap())]);
    assert!(line(&report, "FAIL irr").contains("could not be started"), "{report}");

    // A configuration that cannot be read: one line per variable.
    let (code, report) = setup.doctor(&[("LOG_FORMAT", "xml")]);
    assert_eq!(code, Some(1));
    assert!(line(&report, "FAIL config LOG_FORMAT").contains("xml"), "{report}");
}
