//! What the exchange publishes, through the portal on SQLite and PostgreSQL: the IX-F
//! member export validated against the Euro-IX 1.0 schema (no members; one member per
//! status; a member on two networks; suspended and removed members), its caching, the
//! members' listing choice, and the PeeringDB netixlan checks against the simulator.

use std::time::Duration;

use domain::testing::Backend;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{error_code, TestApp};
use crate::provisioning::{wait_for_status, wait_until, NET};
use crate::requests::{admin, created_id, operator, PASSWORD};
use crate::route_servers::portal_with;
use crate::support::peeringdb_api::{PeeringDbApiSim, API_KEY};

/// Two networks; the first has a route server and a looking glass.
const TOML: &str = r#"
[worker]
lease_seconds = 5
request_timeout_seconds = 1
transient_retries = 1
retry_backoff_milliseconds = 20
policy_interval_seconds = 1
sessions_interval_seconds = 0

[peeringdb]
ixlan_id = 4242
netixlan_interval_seconds = 3600

[exchange]
shortname = "ZT-IX"
name = "ZT-IX Virtual Internet Exchange"
ixf_id = 999
peeringdb_ix_id = 4242
country = "DE"
url = "https://ztix.example.net/"
support_email = "noc@ztix.example.net"
support_contact_hours = "24/7"
cache_seconds = 0

[[networks]]
suffix = "000001"
name = "ZT-IX Frankfurt"
ipv6_prefix = "2001:db8:1::/64"
looking_glass_urls = ["https://lg.ztix.example.net/"]

[[networks.route_servers]]
name = "rs1"
address = "2001:db8:1::fe"
asn = 64512

[[networks]]
suffix = "000002"
name = "ZT-IX Amsterdam"
ipv6_prefix = "2001:db8:2::/64"
"#;

const NET2: &str = "1122334455000002";

const SCHEMA: &str = include_str!("fixtures/ixf-member-list-1.0.schema.json");

/// Every way `export` breaks the Euro-IX 1.0 schema (draft 4, formats checked).
fn schema_errors(export: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft4).should_validate_formats(true).build(&schema).expect("the schema compiles");
    validator.iter_errors(export).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

async fn export(app: &TestApp) -> Value {
    let response = app.get("/participants.json").await;
    assert_eq!(response.status(), 200);
    let export: Value = response.json().await.unwrap();
    let errors = schema_errors(&export);
    assert!(errors.is_empty(), "the export breaks the IX-F schema: {errors:#?}\n{export:#}");
    export
}

async fn portal(backend: Backend, env: Vec<(String, String)>) -> (TestApp, crate::support::zt_controller::ControllerSim, PeeringDbApiSim) {
    let pdb = PeeringDbApiSim::start().await;
    for asn in [64500, 64501, 64502, 64503] {
        pdb.set_net(asn, &format!("RIPE::AS-NET{asn}"), Some(100), Some(50), false);
    }
    let mut env = env;
    env.push(("PEERINGDB_API_URL".into(), pdb.url()));
    env.push(("PEERINGDB_API_KEY".into(), API_KEY.into()));
    let (app, sim) = portal_with(backend, env, TOML).await;
    (app, sim, pdb)
}

async fn active(app: &TestApp, op: &str, admin: &str, asn: u32, network: &str, node: &str) -> String {
    let id = created_id(app, op, json!({"asn": asn, "zt_network_id": network, "node_id": node})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), admin, json!({})).await;
    wait_for_status(app, op, &id, "active").await;
    id
}

/// Timestamps differ per run; the golden file has placeholders.
fn without_times(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if ["timestamp", "member_since", "connected_since"].contains(&key.as_str()) && v.is_string() {
                        *v = json!("[time]");
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ixf_export_lists_active_and_suspended_members_by_the_schema() {
    crate::provisioning::both(async |backend| {
        let (app, _sim, _pdb) = portal(backend, vec![]).await;

        // No members: the exchange, its two LANs and the route server.
        let empty = export(&app).await;
        assert_eq!(empty["version"], "1.0");
        let ixp = &empty["ixp_list"][0];
        assert_eq!((ixp["ixf_id"].as_u64(), ixp["peeringdb_id"].as_u64(), ixp["country"].as_str()), (Some(999), Some(4242), Some("DE")), "{ixp}");
        assert_eq!(ixp["vlan"], json!([
            {"id": 1, "name": "ZT-IX Frankfurt", "ipv6": {"prefix": "2001:db8:1::", "mask_length": 64, "looking_glass_urls": ["https://lg.ztix.example.net/"]}},
            {"id": 2, "name": "ZT-IX Amsterdam", "ipv6": {"prefix": "2001:db8:2::", "mask_length": 64}}
        ]));
        let members = empty["member_list"].as_array().unwrap();
        assert_eq!(members.len(), 1, "only the route servers: {empty:#}");
        assert_eq!((members[0]["asnum"].as_u64(), members[0]["member_type"].as_str()), (Some(64512), Some("ixp")));

        // One member per status: active on two networks, suspended, pending, removed.
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        app.create_account("op2", PASSWORD, false, &[64502, 64503]).await;
        let op2 = app.login("op2", PASSWORD).await;
        active(&app, &op, &admin, 64500, NET, "aabbccddee").await;
        active(&app, &op, &admin, 64500, NET2, "aabbccddef").await;
        let suspended = active(&app, &op, &admin, 64501, NET, "1122334455").await;
        app.post_json_as(&format!("/api/v1/admin/requests/{suspended}/suspend"), &admin, json!({"reason": "unpaid"})).await;
        wait_for_status(&app, &op, &suspended, "suspended").await;
        created_id(&app, &op2, json!({"asn": 64502, "zt_network_id": NET, "node_id": "99887766aa"})).await;
        let removed = active(&app, &op2, &admin, 64503, NET, "99887766bb").await;
        app.post_json_as(&format!("/api/v1/admin/requests/{removed}/offboard"), &admin, json!({"reason": "left"})).await;
        wait_for_status(&app, &op2, &removed, "removed").await;
        // PeeringDB's names arrive with the policy pass.
        wait_until("PeeringDB's names", Duration::from_secs(15), async || {
            export(&app).await["member_list"].as_array().unwrap().iter().filter(|m| m["name"].as_str().is_some_and(|n| n.starts_with("Network AS"))).count() == 2
        })
        .await;

        let full = export(&app).await;
        let asns: Vec<u64> = full["member_list"].as_array().unwrap().iter().map(|m| m["asnum"].as_u64().unwrap()).collect();
        assert_eq!(asns, [64500, 64501, 64512], "pending and removed members are absent: {full:#}");
        let two = &full["member_list"][0];
        let vlans: Vec<(u64, &str)> = two["connection_list"].as_array().unwrap().iter()
            .map(|c| (c["vlan_list"][0]["vlan_id"].as_u64().unwrap(), c["vlan_list"][0]["ipv6"]["address"].as_str().unwrap())).collect();
        assert_eq!(vlans, [(1, "2001:db8:1:0:6:4500:0:1"), (2, "2001:db8:2:0:6:4500:0:1")], "one connection per network");
        assert_eq!(full["member_list"][1]["connection_list"][0]["state"], "inactive", "suspended");
        assert_eq!(two["connection_list"][0]["state"], "active");
        insta::assert_json_snapshot!("ixf_export", without_times(full.clone()));

        // A member withholds its details: only what peers need stays.
        let response = app.put_json_as("/api/v1/asns/64500/listing", &op, json!({"details": false})).await;
        assert_eq!(response.status(), 200);
        let hidden = export(&app).await;
        let member = &hidden["member_list"][0];
        assert!(member["name"].is_null() && member["member_since"].is_null(), "{member}");
        let ipv6 = &member["connection_list"][0]["vlan_list"][0]["ipv6"];
        assert!(ipv6["max_prefix"].is_null() && ipv6["as_macro"].is_null(), "{ipv6}");
        assert_eq!(ipv6["address"], "2001:db8:1:0:6:4500:0:1");
        assert_eq!(ipv6["mac_addresses"].as_array().map(Vec::len), Some(1), "{ipv6}");
        let listing: Value = app.get_as("/api/v1/asns/64500/listing", &op).await.json().await.unwrap();
        assert_eq!(listing["data"]["listing"], json!({"asn": 64500, "details": false, "chosen": true}));
        // … but not for an ASN it does not hold, nor with a bad body.
        assert_eq!(error_code(app.put_json_as("/api/v1/asns/64502/listing", &op, json!({"details": false})).await).await, "asn_not_authorized");
        assert_eq!(error_code(app.put_json_as("/api/v1/asns/64500/listing", &op, json!({"details": "no"})).await).await, "validation_error");
        assert_eq!(error_code(app.put_json_as("/api/v1/asns/AS-X/listing", &op, json!({"details": true})).await).await, "validation_error");
        assert_eq!(app.get("/api/v1/asns/64500/listing").await.status(), 401);
        let changed = domain::entities::audit_event::Entity::find()
            .filter(domain::entities::audit_event::Column::Action.eq("member.listing_changed"))
            .count(&app.db().db)
            .await
            .unwrap();
        assert_eq!(changed, 1, "one audited change, nothing for refused ones");

        // The public member list reads the same model.
        let page = app.page("/members", None).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(r#"data-asn="64500""#) && html.contains("2001:db8:2:0:6:4500:0:1") && html.contains("Network AS64501"), "{html}");
        assert!(!html.contains(r#"data-asn="64503""#) && !html.contains(r#"data-asn="64502""#), "pending and removed members are absent");
        assert!(!html.contains("Network AS64500"), "a withheld name is absent");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_is_cached_by_etag_and_date_and_works_without_an_ixf_id() {
    crate::provisioning::both(async |backend| {
        let toml = TOML.replace("ixf_id = 999\n", "").replace("cache_seconds = 0", "cache_seconds = 120");
        let (app, _sim) = portal_with(backend, vec![], &toml).await;
        let first = app.get("/api/v1/ixf/member-export").await;
        assert_eq!(first.status(), 200);
        let header = |r: &reqwest::Response, name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let etag = header(&first, "etag").expect("an ETag");
        let modified = header(&first, "last-modified").expect("a Last-Modified");
        assert_eq!(header(&first, "cache-control").as_deref(), Some("public, max-age=120"));
        assert_eq!(header(&first, "access-control-allow-origin").as_deref(), Some("*"));
        let body: Value = first.json().await.unwrap();
        assert!(body["ixp_list"][0].get("ixf_id").is_none(), "omitted until IXPDB assigns one");
        // Without the IX-F id the only schema error is that missing id.
        let errors = schema_errors(&body);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("ixf_id"), "{errors:?}");

        let again = app.client.get(app.url("/participants.json")).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(header(&again, "etag").as_deref(), Some(etag.as_str()));
        let since = app.client.get(app.url("/participants.json")).header("if-modified-since", &modified).send().await.unwrap();
        assert_eq!(since.status(), 304);
        let stale = app.client.get(app.url("/participants.json")).header("if-none-match", "W/\"0000\"").send().await.unwrap();
        assert_eq!(stale.status(), 200, "another tag gets the document");
    })
    .await;
}

fn kinds(check: &Value) -> Vec<(String, u64, String)> {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["asn"].as_u64().unwrap(), f["address"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peeringdb_entries_are_compared_with_the_members() {
    crate::provisioning::both(async |backend| {
        let (app, _sim, pdb) = portal(backend, vec![]).await;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        let a = active(&app, &op, &admin, 64500, NET, "aabbccddee").await;
        let b = active(&app, &op, &admin, 64501, NET, "1122334455").await;
        let addr_a = "2001:db8:1:0:6:4500:0:1";
        let addr_b = "2001:db8:1:0:6:4501:0:1";
        // AS64500 matches; AS64501 is listed with an old address; a stranger holds an address.
        pdb.add_netixlan(1, 4242, 64500, Some("2001:db8:1:0:6:4500::1"), false, true);
        pdb.add_netixlan(2, 4242, 64501, Some("2001:db8:1::99"), false, true);
        pdb.add_netixlan(3, 4242, 65999, Some("2001:db8:1::77"), false, true);
        pdb.add_netixlan(4, 9999, 64501, Some(addr_b), false, true);
        let check = serde_json::to_value(domain::exchange::netixlan::pass(app.services()).await.unwrap().unwrap()).unwrap();
        assert_eq!(
            kinds(&check),
            [("wrong_address".into(), 64501, addr_b.into()), ("not_a_member".into(), 65999, "2001:db8:1::77".into())],
            "the same address written another way matches; other LANs are not read: {check:#}"
        );
        assert_eq!(check["findings"][0]["peeringdb"], "2001:db8:1::99");

        // The member sees what to fix on its request, only its own.
        let turn_up = |id: String| {
            let app = &app;
            let op = op.clone();
            async move { app.get_as(&format!("/api/v1/requests/{id}/turn-up"), &op).await.json::<Value>().await.unwrap()["data"]["turn_up"]["peeringdb"].clone() }
        };
        assert!(turn_up(a.clone()).await.is_null(), "nothing to fix for AS64500");
        let notice = turn_up(b.clone()).await;
        assert_eq!(kinds(&notice), [("wrong_address".into(), 64501, addr_b.into())], "{notice}");
        assert!(notice["error"].is_null());

        // Missing, then not operational; the admins' list and /metrics follow.
        pdb.clear_netixlans();
        pdb.add_netixlan(1, 4242, 64500, Some(addr_a), true, false);
        domain::exchange::netixlan::pass(app.services()).await.unwrap();
        let listed: Value = app.get_as("/api/v1/admin/peeringdb/netixlan", &admin).await.json().await.unwrap();
        let check = &listed["data"]["netixlan_check"];
        let expected: [(String, u64, String); 3] =
            [("not_operational".into(), 64500, addr_a.into()), ("rs_peer".into(), 64500, addr_a.into()), ("missing".into(), 64501, addr_b.into())];
        assert_eq!(kinds(check), expected, "{check:#}");
        assert_eq!((check["findings"][1]["portal"].as_str(), check["findings"][1]["peeringdb"].as_str()), (Some("false"), Some("true")));
        assert_eq!(check["stale"], false);
        assert_eq!(error_code(app.get_as("/api/v1/admin/peeringdb/netixlan", &op).await).await, "forbidden");
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains("ztix_peeringdb_netixlan_findings{kind=\"missing\"} 1"), "{metrics}");
        assert!(metrics.contains("ztix_peeringdb_netixlan_findings{kind=\"wrong_address\"} 0"), "{metrics}");
        assert!(metrics.contains("ztix_peeringdb_netixlan_stale 0"), "{metrics}");

        // PeeringDB goes down: the previous findings stay, marked stale with why.
        pdb.set_down(true);
        domain::exchange::netixlan::pass(app.services()).await.unwrap();
        let listed: Value = app.get_as("/api/v1/admin/peeringdb/netixlan", &admin).await.json().await.unwrap();
        let kept = &listed["data"]["netixlan_check"];
        assert_eq!(kinds(kept), kinds(check), "{kept:#}");
        assert_eq!(kept["stale"], true);
        assert_eq!(kept["checked_at"], check["checked_at"]);
        assert!(kept["error"].as_str().unwrap().contains("503"), "{kept}");
        let member = turn_up(b).await;
        assert_eq!(member["stale"], true);
        assert!(member["error"].is_null(), "members are not told PeeringDB's error");
        let calls = pdb.calls();
        assert!(calls.iter().any(|(q, auth)| q.contains("ixlan_id=4242") && auth.as_deref() == Some(&format!("Api-Key {API_KEY}"))), "{calls:?}");
    })
    .await;
}
