//! A server killed with SIGKILL halfway through a node replacement or an offboarding:
//! after a restart the next worker takes the lease over and converges, and no node is
//! left authorized that should not be.

use std::time::Duration;

use domain::entities::{audit_event, join_request, zt_membership};
use domain::testing::{Backend, TestDb};
use domain::workflow::RequestStatus;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::lifecycle::IP;
use crate::provisioning::{wait_until, NET};
use crate::provisioning_durability::{crash_test_setup, login, ready, start_server, Server};
use crate::support::zt_controller::{ControllerSim, Fault};

async fn request(db: &TestDb, id: uuid::Uuid) -> join_request::Model {
    join_request::Entity::find_by_id(id).one(&db.db).await.unwrap().unwrap()
}

/// Kills the server once the worker hangs in a member write on the controller (the
/// `hanging`-th hanging write; the simulator's earlier ones still hang).
async fn kill_mid_write(server: &mut Server, sim: &ControllerSim, hanging: usize) {
    wait_until("the worker to be mid-change", Duration::from_secs(15), async || sim.writes_in_flight() == hanging).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    sim.set_fault(Fault::None);
}

async fn crash_scenario(backend: Backend) {
    let db = TestDb::new(backend).await;
    let sim = ControllerSim::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = crash_test_setup(&db, dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start_server(&db, &sim, &config);
    ready(&mut server).await;
    let (op, admin) = (login(&server.base, "op").await, login(&server.base, "admin").await);
    let created: serde_json::Value = client
        .post(format!("{}/api/v1/requests", server.base))
        .header("cookie", &op)
        .json(&json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["request"]["id"].as_str().unwrap().to_owned();
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    client.post(format!("{}/api/v1/admin/requests/{id}/approve", server.base)).header("cookie", &admin).json(&json!({})).send().await.unwrap();
    wait_until("active", Duration::from_secs(20), async || request(&db, uuid).await.status == RequestStatus::Active).await;

    // killed while taking the old node off the controller
    sim.set_fault(Fault::HangMemberWrite);
    let replaced = client
        .post(format!("{}/api/v1/requests/{id}/replace-node", server.base))
        .header("cookie", &op)
        .json(&json!({"node_id": "ccddeeff00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status(), 200);
    kill_mid_write(&mut server, &sim, 1).await;
    let mut server = start_server(&db, &sim, &config);
    ready(&mut server).await;
    wait_until("the replacement to converge", Duration::from_secs(30), async || request(&db, uuid).await.sync_due_at.is_none()).await;
    let after = request(&db, uuid).await;
    assert_eq!((after.status, after.node_id.as_deref(), after.retiring_node_id.as_deref()), (RequestStatus::Active, Some("ccddeeff00"), None));
    assert!(sim.member(NET, "aabbccddee").is_none(), "the old node is not left on the controller");
    let new = sim.member(NET, "ccddeeff00").unwrap();
    assert_eq!((new["authorized"].clone(), new["ipAssignments"].clone()), (json!(true), json!([IP])));

    // killed while leaving
    let op = login(&server.base, "op").await;
    sim.set_fault(Fault::HangMemberWrite);
    client.post(format!("{}/api/v1/requests/{id}/leave", server.base)).header("cookie", &op).json(&json!({})).send().await.unwrap();
    kill_mid_write(&mut server, &sim, 2).await;
    let mut server = start_server(&db, &sim, &config);
    ready(&mut server).await;
    wait_until("removed", Duration::from_secs(30), async || request(&db, uuid).await.status == RequestStatus::Removed).await;
    let _ = server.child.kill();
    let _ = server.child.wait();
    assert!(sim.member(NET, "ccddeeff00").is_none(), "no member is left authorized");
    assert_eq!(zt_membership::Entity::find().count(&db.db).await.unwrap(), 0);
    let actions = crate::helpers::audit_actions(&db.db, audit_event::Column::TargetId.eq(id.clone())).await;
    assert_eq!(actions.iter().filter(|a| *a == "join_request.lease_recovered").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "join_request.removed").count(), 1, "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_replacement_and_mid_offboarding_converges_on_sqlite() {
    crash_scenario(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_replacement_and_mid_offboarding_converges_on_postgres() {
    crash_scenario(Backend::Postgres).await;
}
