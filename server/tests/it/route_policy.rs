//! Per-member route-server policy through the whole portal: PeeringDB's record (from the
//! simulator, with throttling and an outage), IRR sets from the real bgpq4 against a
//! real IRRd, admin overrides over the API, and what reaches the peer file on a real
//! BIRD route server over SSH: pushed when it changed, left alone when it did not.

use std::time::Duration;

use domain::entities::{audit_event, irr_expansion, member_policy};
use domain::testing::Backend;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::provisioning::{wait_for_status, wait_until, NET};
use crate::requests::{admin, created_id, operator};
use crate::route_servers::portal_with;
use crate::support::irrd::{Irrd, SOURCE};
use crate::support::peeringdb_api::{PeeringDbApiSim, API_KEY};
use crate::support::route_server_lab::RouteServerLab;

const OBJECTS: &str = "\
as-set:  AS-EXAMPLE
members: AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route:   193.0.10.0/24
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST

route6:  2a0a:1001::/48
origin:  AS1001
mnt-by:  MAINT-ZTIX
source:  ZTIXTEST
";

fn policy_toml(irr_host: &str) -> String {
    format!(
        "[worker]\nlease_seconds = 5\nrequest_timeout_seconds = 5\ntransient_retries = 1\nretry_backoff_milliseconds = 20\n\
         policy_interval_seconds = 1\n\n[route_servers]\nmax_prefixes_floor = 10\nmax_prefixes_ceiling = 50000\n\n\
         [irr]\nhost = \"{irr_host}\"\nsources = [\"{SOURCE}\"]\ntimeout_seconds = 8\nretry_seconds = 2\n\n\
         [[networks]]\nsuffix = \"000001\"\nname = \"ZT-IX Frankfurt\"\nipv6_prefix = \"2001:db8:1::/64\"\n"
    )
}

async fn policy(app: &TestApp, cookie: &str, path: &str) -> Value {
    let response = app.get_as(path, cookie).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json::<Value>().await.unwrap()["data"]["route_policy"].clone()
}

async fn applied(app: &TestApp, id: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id))
        .filter(audit_event::Column::Action.eq("route_server.applied"))
        .count(&app.db().db)
        .await
        .unwrap()
}

/// Makes every cached record and expansion due now.
async fn make_due(app: &TestApp) {
    let past = chrono::Utc::now() - chrono::Duration::seconds(5);
    member_policy::Entity::update_many().col_expr(member_policy::Column::DueAt, Expr::value(past)).exec(&app.db().db).await.unwrap();
    irr_expansion::Entity::update_many().col_expr(irr_expansion::Column::DueAt, Expr::value(past)).exec(&app.db().db).await.unwrap();
}

/// Waits until the worker has nothing left to do for the request.
async fn settled(app: &TestApp, admin: &str, id: &str) {
    wait_until("the request to settle", Duration::from_secs(30), async || {
        let request = crate::provisioning::admin_request(app, admin, id).await;
        request["converging"] == false && request["status"] == "active"
    })
    .await;
}

fn peer_file(lab: &RouteServerLab, id: &str) -> String {
    let name = format!("ztix-{id}.conf");
    lab.peer_files(0).into_iter().find(|(n, _)| *n == name).map(|(_, c)| c).unwrap_or_default()
}

async fn wait_for_file(lab: &RouteServerLab, id: &str, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let mut file = String::new();
    wait_until(what, Duration::from_secs(30), async || {
        file = peer_file(lab, id);
        wanted(&file)
    })
    .await;
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peeringdb_and_the_irr_shape_each_members_peer_file() {
    crate::provisioning::both(policy_flow).await;
}

async fn policy_flow(backend: Backend) {
    let lab = tokio::task::spawn_blocking(|| RouteServerLab::start(1));
    let irrd = tokio::task::spawn_blocking(|| Irrd::start(OBJECTS, "!6AS1001", "2a0a:1001::/48")).await.unwrap();
    let lab = lab.await.unwrap();
    let pdb = PeeringDbApiSim::start().await;
    pdb.set_net(64500, "ZTIXTEST::AS-EXAMPLE", Some(5), Some(300_000), true);
    let mut env = lab.env();
    env.push(("PEERINGDB_API_URL".into(), pdb.url()));
    env.push(("PEERINGDB_API_KEY".into(), API_KEY.into()));
    let (app, _sim) = portal_with(backend, env, &policy_toml(&irrd.host())).await;
    let op = operator(&app, "op").await;
    let admin = admin(&app).await;
    let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;

    // Onboarding: the member is warned before anyone approves.
    let member_path = format!("/api/v1/requests/{id}/route-policy");
    let admin_path = format!("/api/v1/admin/requests/{id}/route-policy");
    wait_until("PeeringDB's record", Duration::from_secs(15), async || policy(&app, &op, &member_path).await["peeringdb_fetched_at"].is_string()).await;
    let seen = policy(&app, &op, &member_path).await;
    assert_eq!(seen["never_via_route_servers"], true, "{seen}");
    assert_eq!((seen["max_prefixes_v4"].as_u64(), seen["max_prefixes_v4_source"].as_str()), (Some(10), Some("peeringdb")), "raised to the floor: {seen}");
    assert_eq!(seen["max_prefixes_v6"], 50_000, "lowered to the ceiling: {seen}");
    assert_eq!((seen["as_set"].as_str(), seen["as_set_source"].as_str()), (Some("AS-EXAMPLE"), Some("peeringdb")));
    assert!(seen["peeringdb_error"].is_null() && seen["override_max_prefixes_v4"].is_null(), "admins only: {seen}");
    let calls = pdb.calls();
    assert!(calls.iter().all(|(q, auth)| q.contains("asn__in=64500") && auth.as_deref() == Some(&format!("Api-Key {API_KEY}"))), "{calls:?}");

    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    wait_for_status(&app, &op, &id, "active").await;
    // A stalled IRR answer is retried after `retry_seconds`; the wait says what it last saw.
    let mut last = Value::Null;
    let expanded = crate::provisioning::poll_until(Duration::from_secs(45), async || {
        last = policy(&app, &admin, &admin_path).await;
        last["irr_prefixes_v6"] == 1
    })
    .await;
    assert!(expanded, "the IRR sets were not expanded: {last:#}");
    let file = wait_for_file(&lab, &id, "the IRR sets in the peer file", |f| f.contains("_irr_v6 = [ 2a0a:1001::/48 ]")).await;
    assert!(file.contains("import limit 10 action restart;") && file.contains("import limit 50000 action restart;"), "{file}");
    assert!(file.contains("_irr_v4 = [ 193.0.10.0/24 ]") && file.contains("_irr_origins = [ 1001 ]"), "{file}");
    assert!(file.contains("# IRR: AS-EXAMPLE (enforced, expanded)."), "{file}");
    let shown = policy(&app, &admin, &admin_path).await;
    assert_eq!((shown["irr_prefixes_v4"].as_u64(), shown["irr_prefixes_v6"].as_u64(), shown["irr_origins"].as_u64()), (Some(1), Some(1), Some(1)));
    assert_eq!(shown["irr_mode"], "enforce");

    // Passes that change nothing push nothing (counted once the last push is recorded).
    settled(&app, &admin, &id).await;
    let pushes = applied(&app, &id).await;
    make_due(&app).await;
    wait_until("a pass over fresh records", Duration::from_secs(15), async || pdb.calls().len() >= calls.len() + 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(applied(&app, &id).await, pushes, "an unchanged policy is not pushed again");

    // PeeringDB changes the IPv6 limit: the file follows, audited.
    pdb.set_net(64500, "ZTIXTEST::AS-EXAMPLE", Some(5), Some(20_000), true);
    make_due(&app).await;
    wait_for_file(&lab, &id, "the new IPv6 limit", |f| f.contains("import limit 20000 action restart;")).await;
    let changed = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(id.as_str()))
        .filter(audit_event::Column::Action.eq("route_policy.changed"))
        .all(&app.db().db)
        .await
        .unwrap();
    assert!(changed.iter().any(|e| e.metadata["after"]["max_prefixes_v6"] == 20_000), "{changed:?}");

    // Throttled, then down: the last known values stay, the admin sees why.
    for fault in ["throttled", "503"] {
        if fault == "throttled" {
            pdb.throttle(100);
        } else {
            pdb.throttle(0);
            pdb.set_down(true);
        }
        settled(&app, &admin, &id).await;
        let before = applied(&app, &id).await;
        make_due(&app).await;
        wait_until("the failed fetch recorded", Duration::from_secs(15), async || {
            policy(&app, &admin, &admin_path).await["peeringdb_error"].as_str().is_some_and(|e| e.contains(fault))
        })
        .await;
        let kept = policy(&app, &admin, &admin_path).await;
        assert_eq!((kept["max_prefixes_v6"].as_u64(), kept["max_prefixes_v6_source"].as_str()), (Some(20_000), Some("peeringdb")), "{kept}");
        assert_eq!(applied(&app, &id).await, before, "a failed fetch changes nothing on the route servers");
    }
    pdb.set_down(false);

    // The IRR server goes away: the last good sets stay.
    let irrd = tokio::task::spawn_blocking(move || {
        let mut irrd = irrd;
        irrd.stop();
        irrd
    })
    .await
    .unwrap();
    make_due(&app).await;
    wait_until("the failed expansion recorded", Duration::from_secs(40), async || policy(&app, &admin, &admin_path).await["irr_error"].is_string()).await;
    assert!(peer_file(&lab, &id).contains("_irr_v6 = [ 2a0a:1001::/48 ]"), "the last good sets stay");

    // An admin's AS-SET that was never expanded (the IRR is down) never opens the filter.
    let response = app.put_json_as(&admin_path, &admin, json!({"max_prefixes_v4": 777, "max_prefixes_v6": null, "irr_as_set": "RIPE::AS-OTHER"})).await;
    assert_eq!(response.status(), 200);
    let set: Value = response.json().await.unwrap();
    assert_eq!(set["data"]["route_policy"]["override_max_prefixes_v4"], 777);
    assert_eq!((set["data"]["route_policy"]["as_set"].as_str(), set["data"]["route_policy"]["as_set_source"].as_str()), (Some("AS-OTHER"), Some("override")));
    let file = wait_for_file(&lab, &id, "the override in the peer file", |f| f.contains("import limit 777 action restart;")).await;
    assert!(file.contains("# IRR: AS-OTHER (enforced, not expanded yet)."), "{file}");
    assert!(file.contains("if true then bgp_large_community.add((64512, 1013, 64500));"), "everything fails the IRR check: {file}");
    assert!(!file.contains("_irr_v6 = ["), "{file}");
    let overridden = audit_event::Entity::find().filter(audit_event::Column::Action.eq("route_policy.overridden")).count(&app.db().db).await.unwrap();
    assert_eq!(overridden, 1);
    drop(irrd);
}

/// Overrides refuse bad input with the JSON envelope and leave nothing behind, on both
/// databases; members can read their own policy only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overrides_are_validated_and_scoped() {
    crate::provisioning::both(async |backend| {
        let (app, _sim) = portal_with(backend, vec![], crate::provisioning::SUFFIX_TOML).await;
        let op = operator(&app, "op").await;
        let other = operator(&app, "other").await;
        let admin = admin(&app).await;
        let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
        let path = format!("/api/v1/admin/requests/{id}/route-policy");
        for (body, field) in [
            (json!({"max_prefixes_v4": 0}), "max-prefix"),
            (json!({"max_prefixes_v6": 10_000_001}), "max-prefix"),
            (json!({"irr_as_set": "-h evil"}), "AS-SET"),
            (json!({"irr_as_set": "AS-FOO; rm"}), "AS-SET"),
            (json!({"max_prefixes_v4": -1}), ""),
            (json!({"color": "blue"}), ""),
        ] {
            let response = app.put_json_as(&path, &admin, body.clone()).await;
            assert_eq!(response.status(), 400, "{body}");
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["error"]["code"], "validation_error", "{error}");
            assert!(error["error"]["message"].as_str().unwrap().contains(field), "{error}");
        }
        let none = domain::entities::request_policy_override::Entity::find().count(&app.db().db).await.unwrap();
        assert_eq!(none, 0, "nothing was stored");
        let missing = app.put_json_as("/api/v1/admin/requests/8f1d0c1e-0000-4000-8000-000000000000/route-policy", &admin, json!({})).await;
        assert_eq!(missing.status(), 404);
        assert_eq!(app.put_json_as(&path, &op, json!({"max_prefixes_v4": 5})).await.status(), 403, "members cannot override");
        assert_eq!(app.get_as(&format!("/api/v1/requests/{id}/route-policy"), &other).await.status(), 404, "another member's");
        let defaults = policy(&app, &op, &format!("/api/v1/requests/{id}/route-policy")).await;
        assert_eq!((defaults["max_prefixes_v4"].as_u64(), defaults["max_prefixes_v4_source"].as_str()), (Some(1000), Some("default")));
        assert_eq!((defaults["as_set"].as_str(), defaults["as_set_source"].as_str()), (Some("AS64500"), Some("default")));
        assert!(defaults["irr_mode"].is_null(), "no IRR server configured");
        let ok = app.put_json_as(&path, &admin, json!({"max_prefixes_v6": 42, "irr_as_set": "as-foo"})).await;
        assert_eq!(ok.status(), 200);
        let cleared = app.put_json_as(&path, &admin, json!({})).await.json::<Value>().await.unwrap();
        assert_eq!(cleared["data"]["route_policy"]["max_prefixes_v6_source"], "default", "{cleared}");
    })
    .await;
}
