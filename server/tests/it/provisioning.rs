//! Provisioning against the controller and Central simulators: the happy path, every
//! fault, preflight blocking, retries keeping their address, on SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use domain::entities::{zt_ipv6_assignment, zt_membership};
use domain::testing::Backend;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with_worker, TestApp};
use crate::requests::{admin, created_id, operator};
use crate::support::zt_controller::{ControllerSim, Fault, TOKEN};

pub const SUFFIX_TOML: &str = r#"
[worker]
lease_seconds = 5
request_timeout_seconds = 1
transient_retries = 1
retry_backoff_milliseconds = 20

[[networks]]
suffix = "000001"
name = "ZT-IX Frankfurt"
description = "Peering LAN"
ipv6_prefix = "2001:db8:1::/64"
"#;

pub const NET: &str = "1122334455000001";

/// Whether `check` held within `timeout` (polled every 50 ms).
pub async fn poll_until(timeout: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

pub async fn wait_until(what: &str, timeout: Duration, check: impl AsyncFnMut() -> bool) {
    assert!(poll_until(timeout, check).await, "timed out waiting for {what}");
}

pub async fn request(app: &TestApp, cookie: &str, id: &str) -> Value {
    let body: Value = app.get_as(&format!("/api/v1/requests/{id}"), cookie).await.json().await.unwrap();
    body["data"]["request"].clone()
}

/// The request as admins see it (the full `last_error`).
pub async fn admin_request(app: &TestApp, admin_cookie: &str, id: &str) -> Value {
    let body: Value = app.get_as(&format!("/api/v1/admin/requests/{id}"), admin_cookie).await.json().await.unwrap();
    body["data"]["request"].clone()
}

/// What a member reads about a failure says what to do, and nothing internal.
pub fn assert_member_safe(request: &Value, code: &str) {
    assert_eq!(request["last_error_code"], code, "{request}");
    let text = request["last_error"].as_str().expect("a member-safe last_error");
    assert_eq!(text, domain::provisioning::failure::member_message(domain::provisioning::failure::FailureCode::parse(code).unwrap()));
    for internal in ["http://", "127.0.0.1", "ZT_", "ROUTE_SERVER", "ssh", "birdc"] {
        assert!(!text.contains(internal), "{internal} shown to a member: {text}");
    }
}

pub async fn wait_for_status(app: &TestApp, cookie: &str, id: &str, status: &str) -> Value {
    let mut last = Value::Null;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        last = request(app, cookie, id).await;
        if last["status"] == status {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("request {id} did not become {status}: {last:#}");
}

pub async fn setup(backend: Backend) -> (TestApp, ControllerSim) {
    let sim = ControllerSim::start().await;
    let url = sim.url();
    let app = spawn_app_with_worker(backend, &[("ZT_CONTROLLER_BASE_URL", &url), ("ZT_CONTROLLER_AUTH_TOKEN", TOKEN)], SUFFIX_TOML).await;
    wait_until("readiness", Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    (app, sim)
}

pub async fn both(test: impl AsyncFn(Backend)) {
    crate::helpers::within_limit(test(Backend::Sqlite)).await;
    crate::helpers::within_limit(test(Backend::Postgres)).await;
}

#[tokio::test]
async fn approval_provisions_the_member_with_its_deterministic_address() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        // preflight read the controller's address and reconciled the network under it
        assert!(NET.starts_with(&sim.address));
        assert!(sim.calls() > 0);
        let network = sim.network(NET).expect("the network was created");
        assert_eq!(network["name"], "ZT-IX Frankfurt");
        assert_eq!(network["private"], true);
        assert_eq!(network["v4AssignMode"]["zt"], false);
        assert_eq!(network["routes"], json!([{"target": "2001:db8:1::/64", "via": null}]));

        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
        let started = Instant::now();
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        let active = wait_for_status(&app, &op, &id, "active").await;
        assert!(started.elapsed() < Duration::from_secs(2), "approve wakes the worker at once ({:?})", started.elapsed());
        assert_eq!(active["assigned_ipv6"], "2001:db8:1:0:6:4500:0:1");
        assert_eq!(active["ipv6_assignment"]["sequence"], 1);
        assert!(active["provisioned_at"].is_string());
        assert_eq!(active["membership"]["node_id"], "aabbccddee");
        assert_eq!(active["membership"]["member_id"], "aabbccddee");
        assert_eq!(active["membership"]["is_authorized"], true);
        assert_eq!(active["membership"]["assigned_ips"], json!(["2001:db8:1:0:6:4500:0:1"]));
        insta::assert_json_snapshot!("active_request", crate::shapes::redacted(active.clone()));

        let member = sim.member(NET, "aabbccddee").unwrap();
        assert_eq!(member["authorized"], true);
        assert_eq!(member["ipAssignments"], json!(["2001:db8:1:0:6:4500:0:1"]));
        assert_eq!(member["noAutoAssignIps"], true);
        assert_eq!(member["lastAuthorizedCredentialType"], "api");
        let writes = sim.member_writes();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes[0].2["authorized"], true);
        assert_eq!(writes[0].2["ipAssignments"], json!(["2001:db8:1:0:6:4500:0:1"]));
        assert_eq!(writes[0].2["noAutoAssignIps"], true);

        let actions: Vec<String> = domain::audit::for_target(&app.db().db, "join_request", &id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["join_request.created", "join_request.approved", "join_request.provisioning_started", "route_servers.skipped", "join_request.activated"]
        );

        // The controller saw which join request its calls were for.
        assert!(sim.request_ids().contains(&format!("ztix-request-{id}")), "{:?}", sim.request_ids());
        // Provisioning shows in the metrics.
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains("ztix_provisioning_attempts_total{outcome=\"active\"}"), "{metrics}");
        assert!(metrics.contains("ztix_approve_to_active_seconds_bucket{le=\""), "{metrics}");
        assert!(metrics.contains("ztix_join_requests{status=\"active\"}"), "{metrics}");
        assert!(metrics.contains("ztix_controller_preflight_ok "), "{metrics}");
    })
    .await;
}

#[tokio::test]
async fn every_fault_fails_with_an_actionable_error_and_a_retry_recovers() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        let cases: [(Fault, &str, &str); 5] = [
            (Fault::ServerError, "HTTP 500", "check that it runs"),
            (Fault::Unauthorized, "HTTP 401", "token"),
            (Fault::Hang, "no answer within the timeout", "check that it runs"),
            (Fault::None, "connection refused", "check that it runs"), // listener stopped
            (Fault::MemberWriteError, "authorizing node", "check that it runs"),
        ];
        for (i, (fault, says, advice)) in cases.into_iter().enumerate() {
            let node = format!("aabbccdd{i:02}");
            let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": node})).await;
            if says == "connection refused" {
                sim.stop();
            }
            sim.set_fault(fault);
            app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
            let failed = wait_for_status(&app, &op, &id, "failed").await;
            assert_member_safe(&failed, "controller_unavailable");
            let full = admin_request(&app, &admin, &id).await;
            let error = full["last_error"].as_str().unwrap().to_owned();
            assert!(error.contains(says) && error.contains(advice), "{fault:?}: {error}");
            assert!(error.contains("http://127.0.0.1:"), "names where it failed: {error}");
            assert_eq!(failed["retry_count"], 1);
            let address_at_failure = failed["assigned_ipv6"].clone();

            sim.set_fault(Fault::None);
            if says == "connection refused" {
                sim.restart().await;
            }
            let retried = app.post_json_as(&format!("/api/v1/admin/requests/{id}/retry"), &admin, json!({})).await;
            assert_eq!(retried.status(), 200);
            let active = wait_for_status(&app, &op, &id, "active").await;
            let expected = format!("2001:db8:1:0:6:4500:0:{}", i + 1);
            assert_eq!(active["assigned_ipv6"], expected.as_str(), "{fault:?}");
            if !address_at_failure.is_null() {
                assert_eq!(address_at_failure, active["assigned_ipv6"], "one stable address across retries");
            }
        }
        // the next request of the ASN gets the next sequence
        let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccdd99"})).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        let active = wait_for_status(&app, &op, &id, "active").await;
        assert_eq!(active["assigned_ipv6"], "2001:db8:1:0:6:4500:0:6");
        assert_eq!(zt_membership::Entity::find().count(&app.db().db).await.unwrap(), 6);
    })
    .await;
}

#[tokio::test]
async fn a_failing_preflight_blocks_provisioning_and_readiness() {
    both(async |backend| {
        let sim = ControllerSim::start().await;
        let url = sim.url();
        let vars = [
            ("ZT_CONTROLLER_BASE_URL", url.as_str()),
            ("ZT_CONTROLLER_AUTH_TOKEN", "a-wrong-token"),
            ("METRICS_TOKEN", crate::helpers::OPERATOR_TOKEN),
        ];
        let app = spawn_app_with_worker(backend, &vars, &format!("{SUFFIX_TOML}\n")).await;
        wait_until("preflight to fail", Duration::from_secs(10), async || {
            let (_, body) = app.readiness(Some(crate::helpers::OPERATOR_TOKEN)).await;
            body["reason"].as_str().is_some_and(|r| r.contains("controller preflight failed"))
        })
        .await;
        let (_, body) = app.readiness(Some(crate::helpers::OPERATOR_TOKEN)).await;
        assert!(body["checks"]["controller"].as_str().unwrap().contains("token"), "{body}");
        assert!(sim.network(NET).is_none(), "nothing is reconciled without a passing preflight");

        // requests reaching the worker fail, saying why
        app.create_account("op", "correct horse battery staple", false, &[64500]).await;
        let op = app.login("op", "correct horse battery staple").await;
        let admin = admin(&app).await;
        domain::networks::sync_configured(
            &app.db().db,
            &[domain::settings::ConfiguredNetwork {
                id: domain::types::NetworkId::parse(NET).unwrap(),
                name: "ZT-IX Frankfurt".into(),
                description: None,
                irr_filter: Default::default(),
                route_servers: Vec::new(),
                published: Default::default(),
                ipv6_prefix: domain::types::Ipv6Prefix::parse("2001:db8:1::/64").unwrap(),
            }],
        )
        .await
        .unwrap();
        let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        let failed = wait_for_status(&app, &op, &id, "failed").await;
        assert_member_safe(&failed, "controller_unavailable");
        let full = admin_request(&app, &admin, &id).await;
        let error = full["last_error"].as_str().unwrap();
        assert!(error.starts_with("Controller preflight failed, so provisioning is blocked"), "{error}");
        assert!(failed["assigned_ipv6"].is_null(), "no address is used by a blocked attempt");
        assert_eq!(sim.member_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_request_without_a_node_id_fails_with_an_explanation() {
    let (app, _sim) = setup(Backend::Sqlite).await;
    let op = operator(&app, "op").await;
    let admin = admin(&app).await;
    let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    let failed = wait_for_status(&app, &op, &id, "failed").await;
    assert_member_safe(&failed, "node_id_missing");
    assert!(admin_request(&app, &admin, &id).await["last_error"].as_str().unwrap().contains("no ZeroTier node id"), "{failed}");
}

pub const CENTRAL_NET: &str = "8056c2e21c000001";

/// The portal against the ZeroTier Central simulator with one network, ready; `worker`
/// adds runtime settings.
pub async fn central_portal(backend: Backend, worker: &str) -> (TestApp, crate::support::zt_central::CentralSim) {
    use crate::support::zt_central::{CentralSim, TOKEN as CENTRAL_TOKEN};
    let central = CentralSim::start(&[CENTRAL_NET]).await;
    let url = central.url();
    let toml = format!("{worker}\n[[networks]]\nid = \"{CENTRAL_NET}\"\nname = \"Central LAN\"\nipv6_prefix = \"2001:db8:9::/64\"\n");
    let vars = [("ZT_PROVIDER", "central"), ("ZT_CENTRAL_BASE_URL", url.as_str()), ("ZT_CENTRAL_API_TOKEN", CENTRAL_TOKEN)];
    let app = spawn_app_with_worker(backend, &vars, &toml).await;
    wait_until("readiness", Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    (app, central)
}

#[tokio::test]
async fn central_authorizes_members_and_honours_rate_limits() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (app, central) = central_portal(backend, "[worker]\ntransient_retries = 3\nretry_backoff_milliseconds = 20\nrequest_timeout_seconds = 2\n").await;
        let network = CENTRAL_NET;
        app.create_account("op", "correct horse battery staple", false, &[4_200_000_001]).await;
        let op = app.login("op", "correct horse battery staple").await;
        let admin = admin(&app).await;
        let id = created_id(&app, &op, json!({"asn": 4_200_000_001_i64, "zt_network_id": network, "node_id": "0102030405"})).await;
        let calls_before = central.call_times().len();
        central.rate_limit_next(2);
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        let active = wait_for_status(&app, &op, &id, "active").await;
        assert_eq!(active["assigned_ipv6"], "2001:db8:9::1:4200:1");
        assert_eq!(active["membership"]["member_id"], format!("{network}-0102030405"));
        let member = central.member(network, "0102030405").unwrap();
        assert_eq!(member["config"]["authorized"], true);
        assert_eq!(member["config"]["ipAssignments"], json!(["2001:db8:9::1:4200:1"]));
        assert_eq!(member["config"]["noAutoAssignIps"], true);
        let times = central.call_times()[calls_before..].to_vec();
        assert!(times.len() >= 3, "two rate-limited calls were retried");
        assert!(times[1] - times[0] >= Duration::from_millis(900), "Retry-After: 1 was honoured ({:?})", times[1] - times[0]);
        assert_eq!(zt_ipv6_assignment::Entity::find().count(&app.db().db).await.unwrap(), 1);
    }
}

/// Files a request for `node` as `op`, has it approved, and waits until it settles.
async fn provision_node(app: &TestApp, op: &str, admin: &str, network: &str, asn: i64, node: &str, until: &str) -> (String, Value) {
    let id = created_id(app, op, json!({"asn": asn, "zt_network_id": network, "node_id": node})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), admin, json!({})).await;
    let settled = wait_for_status(app, op, &id, until).await;
    (id, settled)
}

#[tokio::test]
async fn the_worker_never_takes_over_a_node_the_portal_did_not_assign() {
    both(async |backend| {
        let (app, sim) = setup(backend).await;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;

        // A route server, authorized by hand with its own address.
        let route_server = "0a0b0c0d0e";
        sim.put_member(NET, route_server, json!({"authorized": true, "ipAssignments": ["2001:db8:1::fe"], "name": "rs1"}));
        let (id, failed) = provision_node(&app, &op, &admin, NET, 64500, route_server, "failed").await;
        assert_member_safe(&failed, "node_in_use");
        let full = admin_request(&app, &admin, &id).await;
        let error = full["last_error"].as_str().unwrap();
        assert!(error.contains("2001:db8:1::fe") && error.contains("not changed"), "{error}");
        assert_eq!(sim.member(NET, route_server).unwrap()["ipAssignments"], json!(["2001:db8:1::fe"]), "the route server keeps its address");
        assert!(sim.member_writes().iter().all(|(_, node, _)| node != route_server), "the controller was not written");
        assert!(full["membership"].is_null());

        // A member the portal wrote for another request (another portal, or a lost database).
        let other = uuid::Uuid::new_v4();
        let taken = "0f0e0d0c0b";
        sim.put_member(NET, taken, json!({"authorized": false, "name": format!("AS64999 {other}")}));
        let (id, failed) = provision_node(&app, &op, &admin, NET, 64500, taken, "failed").await;
        assert_member_safe(&failed, "node_in_use");
        assert!(admin_request(&app, &admin, &id).await["last_error"].as_str().unwrap().contains(&other.to_string()));
        assert!(sim.member_writes().iter().all(|(_, node, _)| node != taken));

        // A node that joined and waits for authorization is the normal case.
        let waiting = "0102030405";
        sim.put_member(NET, waiting, json!({}));
        let (_, active) = provision_node(&app, &op, &admin, NET, 64501, waiting, "active").await;
        assert_eq!(sim.member(NET, waiting).unwrap()["authorized"], true);
        assert_eq!(active["membership"]["assigned_ips"], json!([active["assigned_ipv6"].clone()]));
    })
    .await;
}

#[tokio::test]
async fn a_retry_of_our_own_member_converges_and_central_nodes_are_protected_too() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (app, central) = central_portal(backend, "").await;
        let network = CENTRAL_NET;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;

        central.put_member(network, "0a0b0c0d0e", json!({"authorized": true, "ipAssignments": ["2001:db8:9::fe"]}), "route server");
        let (_, failed) = provision_node(&app, &op, &admin, network, 64500, "0a0b0c0d0e", "failed").await;
        assert_member_safe(&failed, "node_in_use");
        assert_eq!(central.member(network, "0a0b0c0d0e").unwrap()["config"]["ipAssignments"], json!(["2001:db8:9::fe"]));

        let (id, active) = provision_node(&app, &op, &admin, network, 64501, "0102030405", "active").await;
        assert_eq!(central.member(network, "0102030405").unwrap()["description"], format!("ZT-IX join request {id}"));
        // The same request provisioned again (say, after a route server failed): the member
        // on the controller is its own, with its own address, so the retry converges.
        use domain::entities::join_request::{Column, Entity};
        use sea_orm::{ColumnTrait, QueryFilter};
        Entity::update_many()
            .col_expr(Column::Status, sea_orm::sea_query::Expr::value("failed"))
            .filter(Column::Id.eq(uuid::Uuid::parse_str(&id).unwrap()))
            .exec(&app.db().db)
            .await
            .unwrap();
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/retry"), &admin, json!({})).await;
        let again = wait_for_status(&app, &op, &id, "active").await;
        assert_eq!(again["assigned_ipv6"], active["assigned_ipv6"]);
    }
}
