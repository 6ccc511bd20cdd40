//! A portal killed with SIGKILL while it is sending a notification: after a restart the
//! delivery is taken over once its claim lapses and reaches the mail server exactly
//! once.

use std::process::Stdio;
use std::time::Duration;

use domain::entities::{app_user, notification_delivery};
use domain::testing::{Backend, TestDb};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use crate::provisioning::{wait_until, NET};
use crate::provisioning_durability::{crash_test_setup, login, ready, spawn_server};
use crate::support::notify::SmtpSink;
use crate::support::zt_controller::ControllerSim;

/// A mail server that accepts connections and never says a word.
fn silent_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

async fn scenario(backend: Backend) {
    let db = TestDb::new(backend).await;
    let sim = ControllerSim::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = crash_test_setup(&db, dir.path()).await;
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{toml}\n[notifications]\ninterval_seconds = 1\ntimeout_seconds = 2\nbackoff_seconds = 1\n")).unwrap();
    let admin = app_user::Entity::find().filter(app_user::Column::Username.eq("admin")).one(&db.db).await.unwrap().unwrap();
    let mut admin = admin.into_active_model();
    admin.email = Set(Some("admin@ix.example".into()));
    admin.update(&db.db).await.unwrap();

    let silent = format!("smtp://127.0.0.1:{}?tls=off", silent_server());
    let mail = |url: &str| vec![("SMTP_URL", url.to_owned()), ("SMTP_FROM", "noc@ix.example".to_owned()), ("RUST_LOG", "warn".to_owned())];
    let env = mail(&silent);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut server = spawn_server(&db, &sim, &config, &["serve"], &env, Stdio::null());
    ready(&mut server).await;
    let op = login(&server.base, "op").await;
    let created = reqwest::Client::new()
        .post(format!("{}/api/v1/requests", server.base))
        .header("cookie", &op)
        .json(&json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // The change is committed and the sender is in the middle of the SMTP exchange.
    let claimed = async || notification_delivery::Entity::find().one(&db.db).await.unwrap().is_some_and(|d| d.claimed_until.is_some() && d.attempts == 0);
    wait_until("the sender to be mid-send", Duration::from_secs(15), claimed).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let sink = SmtpSink::start();
    let env = mail(&sink.url());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut server = spawn_server(&db, &sim, &config, &["serve"], &env, Stdio::null());
    ready(&mut server).await;
    let delivered = async || notification_delivery::Entity::find().one(&db.db).await.unwrap().is_some_and(|d| d.status == "delivered");
    wait_until("the delivery after the restart", Duration::from_secs(40), delivered).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "exactly once: {messages:#?}");
    assert_eq!(messages[0]["rcpt_tos"], json!(["admin@ix.example"]));
    let delivery = notification_delivery::Entity::find().one(&db.db).await.unwrap().unwrap();
    assert_eq!(delivery.attempts, 1, "the interrupted attempt never finished; the taken-over one did");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[tokio::test]
async fn a_portal_killed_mid_send_delivers_exactly_once_after_a_restart() {
    crate::helpers::within_limit(scenario(Backend::Sqlite)).await;
    crate::helpers::within_limit(scenario(Backend::Postgres)).await;
}
