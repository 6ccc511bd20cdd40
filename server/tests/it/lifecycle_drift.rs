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
