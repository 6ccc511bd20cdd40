//! Drift on the controller, found and repaired on SQLite and PostgreSQL: an active
//! member deleted by hand, one deauthorized or given other addresses by hand, and a
//! suspended member authorized by hand. Each repair is audited; a clean check finds
//! nothing.

use domain::entities::audit_event;
use domain::provisioning::reconcile::{self, DriftKind, Place};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::TestApp;
use crate::lifecycle::{active_member, post, settled, IP};
use crate::provisioning::{both, setup, NET, SUFFIX_TOML};
use crate::support::worker_services::worker_services;
use crate::support::zt_controller::{ControllerSim, TOKEN};

async fn check_and_repair(app: &TestApp, sim: &ControllerSim) -> Vec<DriftKind> {
    let services = worker_services(&app.db().url, &sim.url(), TOKEN, SUFFIX_TOML).await;
    let report = reconcile::check(&services).await.unwrap();
    assert!(report.unreachable.is_empty(), "{:?}", report.unreachable);
    assert!(report.networks.is_empty(), "{:?}", report.networks);
    assert!(report.drift.iter().all(|d| d.place == Place::Controller));
    reconcile::repair(&services, &report).await.unwrap();
    report.drift.iter().map(|d| d.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_controller_drift_is_found_and_repaired() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let (id, op, admin) = active_member(&app, "aabbccddee").await;
        assert_eq!(check_and_repair(&app, &sim).await, [], "nothing differs after provisioning");

        sim.remove_member(NET, "aabbccddee");
        assert_eq!(check_and_repair(&app, &sim).await, [DriftKind::MemberMissing]);
        settled(&app, &op, &id, "active").await;
        let member = sim.member(NET, "aabbccddee").expect("written back");
        assert_eq!((member["authorized"].clone(), member["ipAssignments"].clone()), (json!(true), json!([IP])));

        sim.edit_member(NET, "aabbccddee", json!({"authorized": false}));
        assert_eq!(check_and_repair(&app, &sim).await, [DriftKind::MemberChanged]);
        settled(&app, &op, &id, "active").await;
        assert_eq!(sim.member(NET, "aabbccddee").unwrap()["authorized"], true);

        sim.edit_member(NET, "aabbccddee", json!({"ipAssignments": ["2001:db8:1::99"]}));
        assert_eq!(check_and_repair(&app, &sim).await, [DriftKind::MemberChanged]);
        settled(&app, &op, &id, "active").await;
        assert_eq!(sim.member(NET, "aabbccddee").unwrap()["ipAssignments"], json!([IP]));

        post(&app, &admin, &format!("/api/v1/admin/requests/{id}/suspend"), json!({"reason": "abuse"})).await;
        settled(&app, &op, &id, "suspended").await;
        sim.edit_member(NET, "aabbccddee", json!({"authorized": true}));
        assert_eq!(check_and_repair(&app, &sim).await, [DriftKind::MemberAuthorized]);
        settled(&app, &op, &id, "suspended").await;
        assert_eq!(sim.member(NET, "aabbccddee").unwrap()["authorized"], false);
        assert_eq!(check_and_repair(&app, &sim).await, []);

        let found: Vec<String> = audit_event::Entity::find()
            .filter(audit_event::Column::TargetId.eq(id.clone()))
            .filter(audit_event::Column::Action.eq("reconcile.drift_found"))
            .all(&app.db().db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.metadata["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(found, ["member_missing", "member_changed", "member_changed", "member_authorized"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_periodic_pass_repairs_drift_on_its_own() {
    let sim = ControllerSim::start().await;
    let url = sim.url();
    let toml = SUFFIX_TOML.replace("[worker]\n", "[worker]\nreconcile_interval_seconds = 1\n");
    let app = crate::helpers::spawn_app_with_worker(
        domain::testing::Backend::Sqlite,
        &[("ZT_CONTROLLER_BASE_URL", &url), ("ZT_CONTROLLER_AUTH_TOKEN", TOKEN)],
        &toml,
    )
    .await;
    crate::provisioning::wait_until("readiness", std::time::Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    let (id, _op, _admin) = active_member(&app, "aabbccddee").await;
    sim.remove_member(NET, "aabbccddee");
    crate::provisioning::wait_until("the member to be written back", std::time::Duration::from_secs(20), async || {
        sim.member(NET, "aabbccddee").is_some_and(|m| m["authorized"] == true)
    })
    .await;
    let actions = crate::helpers::audit_actions(&app.db().db, audit_event::Column::TargetId.eq(id.clone())).await;
    assert!(actions.contains(&"reconcile.drift_found".to_owned()), "{actions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_zerotier_central_suspending_and_leaving_deauthorize_and_delete_the_member() {
    let (app, central) = crate::provisioning::central_portal(
        domain::testing::Backend::Sqlite,
        "[worker]\ntransient_retries = 1\nretry_backoff_milliseconds = 20\nrequest_timeout_seconds = 2\n",
    )
    .await;
    let network = crate::provisioning::CENTRAL_NET;
    app.create_account("op", "correct horse battery staple", false, &[64500]).await;
    let op = app.login("op", "correct horse battery staple").await;
    let admin = crate::requests::admin(&app).await;
    let id = crate::requests::created_id(&app, &op, json!({"asn": 64500, "zt_network_id": network, "node_id": "0102030405"})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    settled(&app, &op, &id, "active").await;
    let rules = central.network(network).unwrap()["config"]["rules"].clone();
    assert_eq!(domain::provisioning::flow_rules::normalize(&rules), domain::provisioning::flow_rules::to_json(&domain::provisioning::flow_rules::peering_lan()));
    post(&app, &admin, &format!("/api/v1/admin/requests/{id}/suspend"), json!({"reason": "abuse"})).await;
    settled(&app, &op, &id, "suspended").await;
    let member = central.member(network, "0102030405").unwrap();
    assert_eq!(member["config"]["authorized"], false);
    assert_eq!(member["config"]["ipAssignments"], json!(["2001:db8:9:0:6:4500:0:1"]), "the address is kept");
    post(&app, &admin, &format!("/api/v1/admin/requests/{id}/resume"), json!({})).await;
    settled(&app, &op, &id, "active").await;
    assert_eq!(central.member(network, "0102030405").unwrap()["config"]["authorized"], true);
    post(&app, &op, &format!("/api/v1/requests/{id}/leave"), json!({})).await;
    settled(&app, &op, &id, "removed").await;
    assert!(central.member(network, "0102030405").is_none(), "deleted in Central");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flow_rules_are_set_on_the_controller_and_put_back_when_changed() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let expected = json!([
            {"etherType": 34525, "not": true, "or": false, "type": "MATCH_ETHERTYPE"},
            {"type": "ACTION_DROP"},
            {"mask": "1000000000000000", "not": true, "or": false, "type": "MATCH_CHARACTERISTICS"},
            {"type": "ACTION_DROP"},
            {"icmpCode": null, "icmpType": 134, "not": false, "or": false, "type": "MATCH_ICMP"},
            {"type": "ACTION_DROP"},
            {"icmpCode": null, "icmpType": 137, "not": false, "or": false, "type": "MATCH_ICMP"},
            {"type": "ACTION_DROP"},
            {"ipProtocol": 17, "not": false, "or": false, "type": "MATCH_IP_PROTOCOL"},
            {"end": 547, "not": false, "or": false, "start": 547, "type": "MATCH_IP_SOURCE_PORT_RANGE"},
            {"type": "ACTION_DROP"},
            {"type": "ACTION_ACCEPT"},
        ]);
        assert_eq!(sim.network(NET).unwrap()["rules"], expected, "exactly these rules after preflight's reconcile");

        sim.edit_network(NET, json!({"rules": [{"type": "ACTION_ACCEPT"}]}));
        let services = worker_services(&app.db().url, &sim.url(), TOKEN, SUFFIX_TOML).await;
        let report = reconcile::check(&services).await.unwrap();
        assert_eq!(report.networks, [(NET.to_owned(), "ZT-IX Frankfurt".to_owned())]);
        let repaired = reconcile::repair(&services, &report).await.unwrap();
        assert_eq!(repaired.networks, [NET.to_owned()]);
        assert_eq!(sim.network(NET).unwrap()["rules"], expected, "put back");
        assert!(reconcile::check(&services).await.unwrap().networks.is_empty());
        let audited = audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("controller.reconciled"))
            .filter(audit_event::Column::TargetId.eq(NET))
            .all(&app.db().db)
            .await
            .unwrap();
        assert_eq!(audited.len(), 1);
    })
    .await;
}
