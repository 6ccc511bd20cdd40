//! Membership after joining, through the JSON API, the worker and the controller
//! simulator, on SQLite and PostgreSQL: withdraw, leave, suspend and resume, node
//! replacement, every refused transition, one winner for concurrent changes, offboarding
//! that fails and recovers, and the lost-affiliation flag.

use std::time::Duration;

use domain::entities::{audit_event, zt_ipv6_assignment, zt_membership};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{audit_actions, spawn_app_with_worker, TestApp};
use crate::provisioning::{admin_request, both, request, setup, wait_for_status, wait_until, NET, SUFFIX_TOML};
use crate::requests::{admin, created_id, operator};
use crate::support::zt_controller::{ControllerSim, Fault, TOKEN};

pub const IP: &str = "2001:db8:1:0:6:4500:0:1";

/// An operator's active request on node `node`: (id, operator, admin).
pub async fn active_member(app: &TestApp, node: &str) -> (String, String, String) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": node})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    wait_for_status(app, &op, &id, "active").await;
    (id, op, admin)
}

/// POSTs and returns (status, body).
pub async fn post(app: &TestApp, cookie: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app.post_json_as(path, cookie, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Waits until the request has converged (nothing left for the worker) in `status`.
pub async fn settled(app: &TestApp, cookie: &str, id: &str, status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..400 {
        last = request(app, cookie, id).await;
        if last["status"] == status && last["converging"] == false {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("request {id} did not settle as {status}: {last:#}");
}

fn refused_as(body: &Value, current: &str) {
    assert_eq!(body["error"]["code"], "invalid_status_transition", "{body}");
    assert_eq!(body["error"]["details"]["current_status"], current, "{body}");
}

async fn transitions(app: &TestApp, id: &str) -> Vec<(String, String)> {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id))
        .all(&app.db().db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| Some((e.metadata.get("from_status")?.as_str()?.to_owned(), e.metadata.get("to_status")?.as_str()?.to_owned())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_resume_replace_and_leave_converge_the_controller() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let (id, op, admin) = active_member(&app, "aabbccddee").await;
        let base = format!("/api/v1/admin/requests/{id}");

        // refused edges: 409 with the current status, nothing changes
        refused_as(&post(&app, &op, &format!("/api/v1/requests/{id}/withdraw"), json!({})).await.1, "active");
        refused_as(&post(&app, &admin, &format!("{base}/resume"), json!({})).await.1, "active");
        refused_as(&post(&app, &admin, &format!("{base}/approve"), json!({})).await.1, "active");
        let (status, body) = post(&app, &admin, &format!("{base}/suspend"), json!({"reason": "  "})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("reason_required")));
        assert_eq!(post(&app, &admin, &format!("{base}/suspend"), json!({"reason": "x", "extra": 1})).await.0, 400);
        // an operator cannot suspend; another operator cannot leave someone else's request
        assert_eq!(post(&app, &op, &format!("{base}/suspend"), json!({"reason": "x"})).await.0, 403);
        let other = operator(&app, "other").await;
        assert_eq!(post(&app, &other, &format!("/api/v1/requests/{id}/leave"), json!({})).await.0, 404);

        // suspend: deauthorized with the address kept; resume: authorized again
        let (status, body) = post(&app, &admin, &format!("{base}/suspend"), json!({"reason": "Announcing a bogon"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["request"]["status"], "suspended");
        let suspended = settled(&app, &op, &id, "suspended").await;
        assert_eq!(suspended["status_reason"], "Announcing a bogon");
        assert_eq!(suspended["membership"]["is_authorized"], false);
        let member = sim.member(NET, "aabbccddee").unwrap();
        assert_eq!((member["authorized"].clone(), member["ipAssignments"].clone()), (json!(false), json!([IP])));
        refused_as(&post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({})).await.1, "suspended");
        assert_eq!(post(&app, &admin, &format!("{base}/resume"), json!({})).await.0, 200);
        let resumed = settled(&app, &op, &id, "active").await;
        assert_eq!(resumed["status_reason"], Value::Null);
        assert_eq!(sim.member(NET, "aabbccddee").unwrap()["authorized"], true);

        // replace the node: same address, old node gone, history kept, no new sequence
        let path = format!("/api/v1/requests/{id}/replace-node");
        let (status, body) = post(&app, &op, &path, json!({"node_id": "aabbccddee"})).await;
        assert_eq!((status, body["error"]["details"]["field"].as_str()), (400, Some("node_id")));
        assert_eq!(post(&app, &op, &path, json!({"node_id": "xyz"})).await.0, 400);
        let taken = created_id(&app, &other, json!({"asn": 64501, "zt_network_id": NET, "node_id": "1111111111"})).await;
        let (status, body) = post(&app, &op, &path, json!({"node_id": "1111111111"})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("node_in_use")), "{body}");
        assert!(body["error"]["details"].get("existing_request_id").is_none(), "another member's request stays hidden");
        let (status, body) = post(&app, &op, &path, json!({"node_id": "ccddeeff00"})).await;
        assert_eq!(status, 200, "{body}");
        let replaced = settled(&app, &op, &id, "active").await;
        assert_eq!(replaced["node_id"], "ccddeeff00");
        assert_eq!(replaced["assigned_ipv6"], IP);
        assert_eq!(replaced["ipv6_assignment"]["sequence"], 1);
        assert_eq!(replaced["membership"]["node_id"], "ccddeeff00");
        assert_eq!(replaced["retiring_node_id"], Value::Null);
        assert!(sim.member(NET, "aabbccddee").is_none(), "the old node is deleted");
        let new = sim.member(NET, "ccddeeff00").unwrap();
        assert_eq!((new["authorized"].clone(), new["ipAssignments"].clone()), (json!(true), json!([IP])));
        let replacements = audit_event::Entity::find()
            .filter(audit_event::Column::TargetId.eq(id.clone()))
            .filter(audit_event::Column::Action.eq("join_request.node_replaced"))
            .all(&app.db().db)
            .await
            .unwrap();
        assert_eq!(replacements.len(), 1);
        assert_eq!((replacements[0].metadata["from_node_id"].clone(), replacements[0].metadata["to_node_id"].clone()), (json!("aabbccddee"), json!("ccddeeff00")));
        assert_eq!(post(&app, &other, &format!("/api/v1/requests/{taken}/withdraw"), json!({})).await.0, 200);

        // leave: offboarding → removed, the member is gone, the address stays retired
        let (status, body) = post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({"note": "Moving to another IX"})).await;
        assert_eq!((status, body["data"]["request"]["status"].as_str()), (200, Some("offboarding")), "{body}");
        let removed = settled(&app, &op, &id, "removed").await;
        assert_eq!(removed["assigned_ipv6"], IP, "the retired address stays in history");
        assert_eq!(removed["membership"], Value::Null);
        assert_eq!(removed["status_reason"], "Moving to another IX");
        assert!(sim.member(NET, "ccddeeff00").is_none());
        refused_as(&post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({})).await.1, "removed");
        refused_as(&post(&app, &admin, &format!("{base}/offboard"), json!({"reason": "x"})).await.1, "removed");

        // a new request of the ASN, even on the same node, gets the next sequence
        let again = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "ccddeeff00"})).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{again}/approve"), &admin, json!({})).await;
        let rejoined = wait_for_status(&app, &op, &again, "active").await;
        assert_eq!(rejoined["assigned_ipv6"], "2001:db8:1:0:6:4500:0:2");
        assert_eq!(zt_ipv6_assignment::Entity::find().count(&app.db().db).await.unwrap(), 2, "the retired address is kept");

        assert_eq!(
            transitions(&app, &id).await,
            [
                ("pending", "approved"), ("approved", "provisioning"), ("provisioning", "active"), ("active", "suspended"),
                ("suspended", "active"), ("active", "offboarding"), ("offboarding", "removed"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_and_failed_requests_can_be_withdrawn_and_a_failure_is_cleaned_up() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        let pending = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
        let other = operator(&app, "other").await;
        assert_eq!(post(&app, &other, &format!("/api/v1/requests/{pending}/withdraw"), json!({})).await.0, 404);
        let (status, body) = post(&app, &op, &format!("/api/v1/requests/{pending}/withdraw"), json!({})).await;
        assert_eq!((status, body["data"]["request"]["status"].as_str()), (200, Some("withdrawn")));
        refused_as(&post(&app, &admin, &format!("/api/v1/admin/requests/{pending}/approve"), json!({})).await.1, "withdrawn");
        refused_as(&post(&app, &op, &format!("/api/v1/requests/{pending}/withdraw"), json!({})).await.1, "withdrawn");

        // a failure left an authorized member behind (the route-server step failed after it):
        // here the controller refused at the last moment, so stage one by hand
        sim.set_fault(Fault::MemberWriteError);
        let failed = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{failed}/approve"), &admin, json!({})).await;
        wait_for_status(&app, &op, &failed, "failed").await;
        sim.set_fault(Fault::None);
        sim.put_member(NET, "aabbccddee", json!({"authorized": true, "ipAssignments": [IP], "name": format!("AS64500 {failed}")}));
        assert_eq!(post(&app, &op, &format!("/api/v1/requests/{failed}/withdraw"), json!({})).await.0, 200);
        settled(&app, &op, &failed, "withdrawn").await;
        assert!(sim.member(NET, "aabbccddee").is_none(), "what the failed attempt left is taken off");
        let actions = audit_actions(&app.db().db, audit_event::Column::TargetId.eq(failed.clone())).await;
        assert!(actions.contains(&"join_request.withdrawn".to_owned()) && actions.contains(&"join_request.converged".to_owned()), "{actions:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_leave_and_suspend_have_one_winner() {
    both(async |backend| {
        let (app, _sim) = setup(backend).await;
        let (id, op, admin) = active_member(&app, "aabbccddee").await;
        let leave_path = format!("/api/v1/requests/{id}/leave");
        let suspend_path = format!("/api/v1/admin/requests/{id}/suspend");
        let (leave, suspend) = tokio::join!(
            post(&app, &op, &leave_path, json!({})),
            post(&app, &admin, &suspend_path, json!({"reason": "abuse"})),
        );
        let mut codes = [leave.0, suspend.0];
        codes.sort();
        assert_eq!(codes, [200, 409], "{leave:?} {suspend:?}");
        let loser = if leave.0 == 409 { &leave.1 } else { &suspend.1 };
        let winner = if leave.0 == 200 { "offboarding" } else { "suspended" };
        refused_as(loser, winner);
        let trail = transitions(&app, &id).await;
        assert_eq!(trail.iter().filter(|(from, _)| from == "active").count(), 1, "{trail:?}");
    })
    .await;
}

/// The portal with a converge backoff of `backoff` seconds.
async fn portal_with_backoff(backend: domain::testing::Backend, backoff: u32) -> (TestApp, ControllerSim) {
    let sim = ControllerSim::start().await;
    let url = sim.url();
    let toml = SUFFIX_TOML.replace(
        "[worker]\n",
        &format!("[worker]\nconverge_backoff_seconds = {backoff}\nconverge_backoff_max_seconds = {backoff}\n"),
    );
    let app = spawn_app_with_worker(backend, &[("ZT_CONTROLLER_BASE_URL", &url), ("ZT_CONTROLLER_AUTH_TOKEN", TOKEN)], &toml).await;
    wait_until("readiness", Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    (app, sim)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboarding_that_fails_on_the_controller_is_retried_until_removed() {
    both(async |backend| {
        // retried on its own after the backoff
        let (app, sim) = portal_with_backoff(backend, 1).await;
        let (id, op, admin) = active_member(&app, "aabbccddee").await;
        sim.set_fault(Fault::MemberDeleteError);
        post(&app, &admin, &format!("/api/v1/admin/requests/{id}/offboard"), json!({"reason": "Unpaid"})).await;
        let mut seen = Value::Null;
        wait_until("a failed attempt", Duration::from_secs(15), async || {
            seen = admin_request(&app, &admin, &id).await;
            seen["last_error"].is_string()
        })
        .await;
        assert_eq!(seen["status"], "offboarding");
        assert_eq!(seen["last_error_code"], "controller_unavailable", "{seen}");
        assert!(seen["last_error"].as_str().unwrap().contains("deleting node aabbccddee"), "{seen}");
        assert!(seen["next_attempt_at"].is_string(), "{seen}");
        sim.set_fault(Fault::None);
        let removed = settled(&app, &op, &id, "removed").await;
        assert_eq!(removed["last_error"], Value::Null);
        assert!(sim.member(NET, "aabbccddee").is_none());
        let actions = audit_actions(&app.db().db, audit_event::Column::TargetId.eq(id.clone())).await;
        assert!(actions.iter().any(|a| a == "join_request.converge_failed"), "{actions:?}");
        assert_eq!(zt_membership::Entity::find().count(&app.db().db).await.unwrap(), 0);
    })
    .await;
    both(async |backend| {
        // an admin retries at once instead of waiting for the backoff
        let (app, sim) = portal_with_backoff(backend, 600).await;
        let (id, op, admin) = active_member(&app, "aabbccddee").await;
        sim.set_fault(Fault::MemberDeleteError);
        post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({})).await;
        wait_until("a failed attempt", Duration::from_secs(15), async || admin_request(&app, &admin, &id).await["last_error"].is_string()).await;
        sim.set_fault(Fault::None);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(request(&app, &op, &id).await["status"], "offboarding", "nothing happens before the backoff ends");
        let (status, body) = post(&app, &admin, &format!("/api/v1/admin/requests/{id}/retry"), json!({})).await;
        assert_eq!(status, 200, "{body}");
        settled(&app, &op, &id, "removed").await;
        refused_as(&post(&app, &admin, &format!("/api/v1/admin/requests/{id}/retry"), json!({})).await.1, "removed");
        let actions = audit_actions(&app.db().db, audit_event::Column::TargetId.eq(id.clone())).await;
        assert!(actions.iter().any(|a| a == "join_request.converge_retried"), "{actions:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_asn_flags_the_request_and_admins_decide() {
    both(async |backend| {
        let (app, _sim) = setup(backend).await;
        let (id, _op, admin) = active_member(&app, "aabbccddee").await;
        let take_away = async |asns: Vec<u32>| {
            let changes = domain::identity::accounts::AccountChanges {
                asns: Some(asns.into_iter().map(|a| domain::types::Asn::parse(i64::from(a)).unwrap()).collect()),
                ..Default::default()
            };
            domain::identity::accounts::update(
                &app.db().db,
                &domain::RuntimeSettings::default().auth,
                domain::identity::accounts::cli(),
                "op".into(),
                changes,
            )
            .await
            .unwrap();
        };
        take_away(vec![64501]).await;
        let flagged = admin_request(&app, &admin, &id).await;
        assert!(flagged["affiliation_lost_at"].is_string(), "{flagged}");
        assert_eq!(flagged["status"], "active", "flagged, not removed");
        let list: Value = app.get_as("/api/v1/admin/requests?flag=affiliation_lost", &admin).await.json().await.unwrap();
        assert_eq!(list["data"]["request_count"], 1);
        assert_eq!(list["data"]["filters"]["flag"], "affiliation_lost");
        assert_eq!(app.get_as("/api/v1/admin/requests?flag=lost", &admin).await.status(), 400);
        let (status, _) = post(&app, &admin, &format!("/api/v1/admin/requests/{id}/keep"), json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(admin_request(&app, &admin, &id).await["affiliation_lost_at"], Value::Null);
        let (status, body) = post(&app, &admin, &format!("/api/v1/admin/requests/{id}/keep"), json!({})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("affiliation_not_lost")));
        // held again, lost again, regained (the flag clears itself), lost once more, then
        // suspended: the suspension settles the flag
        take_away(vec![64500]).await;
        take_away(vec![]).await;
        assert!(admin_request(&app, &admin, &id).await["affiliation_lost_at"].is_string());
        take_away(vec![64500]).await;
        assert_eq!(admin_request(&app, &admin, &id).await["affiliation_lost_at"], Value::Null);
        take_away(vec![]).await;
        assert!(admin_request(&app, &admin, &id).await["affiliation_lost_at"].is_string());
        post(&app, &admin, &format!("/api/v1/admin/requests/{id}/suspend"), json!({"reason": "Not your ASN any more"})).await;
        let suspended = admin_request(&app, &admin, &id).await;
        assert_eq!((suspended["status"].as_str(), suspended["affiliation_lost_at"].clone()), (Some("suspended"), Value::Null));
        let decided: Vec<String> = audit_event::Entity::find()
            .filter(audit_event::Column::TargetId.eq(id.clone()))
            .filter(audit_event::Column::Action.eq("join_request.affiliation_decided"))
            .all(&app.db().db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.metadata["decision"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(decided, ["keep", "restored", "suspend"]);
        let lost = audit_actions(&app.db().db, audit_event::Column::Action.eq("join_request.affiliation_lost")).await;
        assert_eq!(lost.len(), 3);
    })
    .await;
}
