//! Turn-up and visibility through the portal: the router configuration from the
//! runtime config's route servers, the node state from the controller's `GET /peer` and
//! from Central's member list, who may read sessions and filtered routes, the queue's
//! "no session for N days" filter, and the session metrics.

use chrono::Utc;
use domain::entities::{bgp_session, request_turn_up};
use domain::testing::Backend;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};

use crate::helpers::{error_code, TestApp};
use crate::provisioning::{central_portal, wait_for_status, CENTRAL_NET, NET, SUFFIX_TOML};
use crate::requests::{admin, created_id, operator};
use crate::route_servers::portal_with;

const ROUTE_SERVERS: &str = "\n[[networks.route_servers]]\nname = \"rs1\"\naddress = \"2001:db8:1::fe\"\nasn = 64512\n";

async fn turn_up(app: &TestApp, cookie: &str, path: &str) -> Value {
    let response = app.get_as(path, cookie).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json::<Value>().await.unwrap()["data"]["turn_up"].clone()
}

/// An active member on the self-hosted controller simulator.
async fn active_member(
    backend: Backend,
    env: Vec<(String, String)>,
    toml: &str,
) -> (TestApp, crate::support::zt_controller::ControllerSim, String, String, String) {
    let (app, sim) = portal_with(backend, env, toml).await;
    let op = operator(&app, "op").await;
    let admin = admin(&app).await;
    let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    wait_for_status(&app, &op, &id, "active").await;
    (app, sim, op, admin, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_gets_router_configuration_and_node_state_from_the_controller() {
    crate::provisioning::both(async |backend| {
        let (app, sim, op, admin, id) = active_member(backend, vec![], &format!("{SUFFIX_TOML}{ROUTE_SERVERS}")).await;
        let path = format!("/api/v1/requests/{id}/turn-up");
        let t = turn_up(&app, &op, &path).await;
        let config = &t["router_config"];
        assert_eq!(config["member_address"], "2001:db8:1:0:6:4500:0:1", "{t}");
        assert_eq!(config["route_servers"], json!([{"name": "rs1", "asn": 64512, "address": "2001:db8:1::fe"}]));
        assert!(config["join"].as_str().unwrap().contains(&format!("zerotier-cli join {NET}")));
        let vendors: Vec<&str> = config["snippets"].as_array().unwrap().iter().map(|s| s["vendor"].as_str().unwrap()).collect();
        assert_eq!(vendors, ["bird", "frr", "junos", "ios_xr", "eos", "routeros"]);
        assert!(config["snippets"][0]["text"].as_str().unwrap().contains("neighbor 2001:db8:1::fe as 64512;"));
        assert!(t["node"].is_null(), "not read yet: {t}");
        assert!(t["sessions"].as_array().unwrap().is_empty());

        // The controller node hears the member directly, then only through a relay, then not at all.
        let seen_at = Utc::now().timestamp_millis() - 5_000;
        sim.set_peer("aabbccddee", true, "1.14.2", 23, seen_at);
        assert_eq!(domain::sessions::nodes::refresh(app.services()).await.unwrap(), 1);
        let node = turn_up(&app, &op, &path).await["node"].clone();
        assert_eq!((node["state"].as_str(), node["version"].as_str(), node["latency_ms"].as_i64()), (Some("online"), Some("1.14.2"), Some(23)), "{node}");
        assert!(node["last_seen_at"].as_str().is_some());
        sim.set_peer("aabbccddee", false, "1.14.2", -1, 0);
        domain::sessions::nodes::refresh(app.services()).await.unwrap();
        assert_eq!(turn_up(&app, &op, &path).await["node"]["state"], "relayed");
        sim.remove_peer("aabbccddee");
        domain::sessions::nodes::refresh(app.services()).await.unwrap();
        let gone = turn_up(&app, &op, &path).await["node"].clone();
        assert_eq!(gone["state"], "offline", "seen before, not now: {gone}");
        assert_eq!(gone["version"], "1.14.2", "the last known version stays");

        // Another member reads neither the turn-up nor the filtered routes; admins do.
        let other = operator(&app, "other").await;
        assert_eq!(error_code(app.get_as(&path, &other).await).await, "request_not_found");
        let filtered = format!("/api/v1/requests/{id}/filtered-routes");
        assert_eq!(error_code(app.get_as(&filtered, &other).await).await, "request_not_found");
        assert_eq!(turn_up(&app, &admin, &format!("/api/v1/admin/requests/{id}/turn-up")).await["node"]["state"], "offline");
        assert_eq!(error_code(app.get_as(&format!("/api/v1/admin/requests/{id}/turn-up"), &op).await).await, "forbidden");
        // Without route servers to read there are no filtered routes; bad pages are refused.
        let body: Value = app.get_as(&filtered, &op).await.json().await.unwrap();
        assert_eq!((body["data"]["filtered_routes"]["total"].as_u64(), body["data"]["filtered_routes"]["pages"].as_u64()), (Some(0), Some(1)));
        for bad in ["?page=0", "?page=x", "?page=1&all=1"] {
            let response = app.get_as(&format!("{filtered}{bad}"), &op).await;
            assert_eq!(response.status(), 400, "{bad}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_state_comes_from_centrals_member_list() {
    crate::provisioning::both(async |backend| {
        let (app, central) = central_portal(backend, "").await;
        app.create_account("op", "correct horse battery staple", false, &[64500]).await;
        let op = app.login("op", "correct horse battery staple").await;
        let admin = admin(&app).await;
        let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": CENTRAL_NET, "node_id": "0102030405"})).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        wait_for_status(&app, &op, &id, "active").await;
        let path = format!("/api/v1/requests/{id}/turn-up");
        domain::sessions::nodes::refresh(app.services()).await.unwrap();
        assert_eq!(turn_up(&app, &op, &path).await["node"]["state"], "unseen", "never checked in");
        central.set_seen(CENTRAL_NET, "0102030405", Some(Utc::now().timestamp_millis() - 30_000), Some("1.12.0"));
        domain::sessions::nodes::refresh(app.services()).await.unwrap();
        let node = turn_up(&app, &op, &path).await["node"].clone();
        assert_eq!((node["state"].as_str(), node["version"].as_str()), (Some("online"), Some("1.12.0")), "{node}");
        central.set_seen(CENTRAL_NET, "0102030405", Some(Utc::now().timestamp_millis() - 3_600_000), Some("1.12.0"));
        domain::sessions::nodes::refresh(app.services()).await.unwrap();
        assert_eq!(turn_up(&app, &op, &path).await["node"]["state"], "offline");
        assert!(turn_up(&app, &op, &path).await["router_config"].is_null(), "no route servers named on this network");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_finds_members_without_a_session_and_metrics_count_sessions() {
    crate::provisioning::both(async |backend| {
        let (app, _sim, _op, admin, id) = active_member(backend, vec![], SUFFIX_TOML).await;
        let quiet = |days: &str| format!("/api/v1/admin/requests?no_session_days={days}");
        let ids = async |path: String| -> Vec<String> {
            let body: Value = app.get_as(&path, &admin).await.json().await.unwrap();
            body["data"]["requests"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
        };
        assert!(ids(quiet("1")).await.is_empty(), "provisioned just now");
        // Provisioned 10 days ago, never up: listed; up 3 days ago: listed for 1, not for 7.
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let mut row: domain::entities::join_request::ActiveModel =
            domain::entities::join_request::Entity::find_by_id(uuid).one(&app.db().db).await.unwrap().unwrap().into();
        row.provisioned_at = Set(Some(Utc::now() - chrono::Duration::days(10)));
        row.update(&app.db().db).await.unwrap();
        assert_eq!(ids(quiet("7")).await, [id.clone()]);
        request_turn_up::ActiveModel {
            join_request_id: Set(uuid),
            established_at: Set(Some(Utc::now() - chrono::Duration::days(9))),
            session_up_at: Set(Some(Utc::now() - chrono::Duration::days(3))),
        }
        .insert(&app.db().db)
        .await
        .unwrap();
        assert_eq!(ids(quiet("1")).await, [id.clone()]);
        assert!(ids(quiet("7")).await.is_empty());
        for bad in ["0", "366", "x"] {
            let response = app.get_as(&quiet(bad), &admin).await;
            assert_eq!(response.status(), 400, "{bad}");
        }

        // A session row of a route server never read counts as unknown.
        let now = Utc::now();
        bgp_session::ActiveModel {
            host: Set("rs1.example.net".into()),
            protocol: Set(format!("ztix_{}_1", uuid.simple())),
            join_request_id: Set(uuid),
            neighbor: Set("2001:db8:1:0:6:4500:0:1".into()),
            state: Set("established".into()),
            bgp_state: Set("Established".into()),
            since_text: Set("10:00:00.000".into()),
            state_changed_at: Set(now),
            last_error: Set(None),
            v4_imported: Set(1),
            v4_filtered: Set(0),
            v4_exported: Set(3),
            v6_imported: Set(2),
            v6_filtered: Set(1),
            v6_exported: Set(4),
            read_at: Set(now),
        }
        .insert(&app.db().db)
        .await
        .unwrap();
        // The gauges are process-wide (other tests scrape too): the names here, the values
        // from the count the scrape uses.
        let metrics = app.get("/metrics").await.text().await.unwrap();
        for state in ["established", "active", "down", "unknown"] {
            assert!(metrics.contains(&format!("ztix_bgp_sessions{{state=\"{state}\"}}")), "{metrics}");
        }
        let counts = domain::sessions::count_by_state(&app.db().db, &app.services().settings).await.unwrap();
        assert!(counts.contains(&("unknown", 1)) && counts.contains(&("established", 0)), "{counts:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_member_waits_for_its_session_on_a_real_route_server() {
    let lab = tokio::task::spawn_blocking(|| crate::support::route_server_lab::RouteServerLab::start(1)).await.unwrap();
    let toml = format!(
        "{}\n[[networks.route_servers]]\nname = \"rs1\"\naddress = \"2001:db8:1::fe\"\nhost = \"{}\"\n",
        SUFFIX_TOML.replace("request_timeout_seconds = 1", "request_timeout_seconds = 5\nsessions_interval_seconds = 1"),
        lab.label(0)
    );
    let (app, _sim, op, admin, id) = active_member(Backend::Sqlite, lab.env(), &toml).await;
    // The member's router is not there: BIRD keeps trying (Active or Connect), never "established".
    let path = format!("/api/v1/requests/{id}/turn-up");
    let mut seen = Value::Null;
    crate::provisioning::wait_until("the session read from the route server", std::time::Duration::from_secs(20), async || {
        seen = turn_up(&app, &op, &path).await;
        !seen["sessions"].as_array().unwrap().is_empty()
    })
    .await;
    let session = &seen["sessions"][0];
    assert_eq!(session["route_server"], "rs1", "named as configured: {seen}");
    assert_eq!(session["neighbor"], "2001:db8:1:0:6:4500:0:1");
    assert!(["active", "connect", "idle"].contains(&session["state"].as_str().unwrap()), "{seen}");
    assert!(seen["established_at"].is_null() && seen["sessions_read"] == true && seen["unread"].as_array().unwrap().is_empty(), "{seen}");

    // The pages say so before any script runs.
    let page = app.page(&format!("/requests/{id}"), Some(&op)).await.text().await.unwrap();
    assert!(page.contains("Waiting for your BGP session"), "the member's page");
    assert!(page.contains("neighbor 2001:db8:1::fe as 64512;"), "the BIRD snippet is on the page");
    let queue = app.page("/admin/requests", Some(&admin)).await.text().await.unwrap();
    assert!(queue.contains("data-sessions=\"0/1\""), "the queue shows sessions up");
    let filtered = app.page(&format!("/requests/{id}/filtered-routes"), Some(&op)).await.text().await.unwrap();
    assert!(filtered.contains("The route servers filter none of your routes."), "read live from the route server");
    let body: Value = app.get_as(&format!("/api/v1/requests/{id}/filtered-routes"), &op).await.json().await.unwrap();
    assert_eq!(body["data"]["filtered_routes"]["total"], 0, "{body}");
    assert!(body["data"]["filtered_routes"]["unread"].as_array().unwrap().is_empty(), "{body}");
    drop(lab);
}
