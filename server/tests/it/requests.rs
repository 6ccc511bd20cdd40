//! `/api/v1/onboarding/context` and `/api/v1/requests`, every rule and error code, on
//! SQLite and PostgreSQL.

use domain::entities::{audit_event, join_request};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, TestApp};

pub const NET: &str = "8056c2e21c000001";
pub const PASSWORD: &str = "correct horse battery staple";

/// An operator with AS64500 and AS64501, logged in.
pub async fn operator(app: &TestApp, name: &str) -> String {
    app.create_account(name, PASSWORD, false, &[64500, 64501]).await;
    app.login(name, PASSWORD).await
}

/// An admin (with AS64999), logged in.
pub async fn admin(app: &TestApp) -> String {
    app.create_account("admin", PASSWORD, true, &[64999]).await;
    app.login("admin", PASSWORD).await
}

pub async fn create(app: &TestApp, cookie: &str, body: Value) -> reqwest::Response {
    app.post_json_as("/api/v1/requests", cookie, body).await
}

pub async fn created_id(app: &TestApp, cookie: &str, body: Value) -> String {
    let response = create(app, cookie, body).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["data"]["request"]["id"].as_str().unwrap().to_owned()
}

async fn requests_in_db(app: &TestApp) -> u64 {
    join_request::Entity::find().count(&app.db().db).await.unwrap()
}

app_test!(async fn onboarding_context_lists_asns_networks_and_constraints(app) {
    let cookie = operator(app, "op").await;
    let response = app.get_as("/api/v1/onboarding/context", &cookie).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    assert_eq!(data["eligible_asns"].as_array().unwrap().len(), 2);
    assert_eq!(data["eligible_asns"][0], json!({"asn": 64500, "net_id": null, "net_name": null, "source": "local"}));
    assert_eq!(data["zt_networks"], json!([{"id": NET, "name": "ZT-IX Frankfurt", "description": "Peering LAN", "is_active": true}]));
    assert_eq!(
        data["constraints"],
        json!({"has_network_restrictions": false, "restricted_network_ids": [], "submission_allowed": true, "blocked_reason": null})
    );

    app.create_account("empty", PASSWORD, false, &[]).await;
    let cookie = app.login("empty", PASSWORD).await;
    let body: Value = app.get_as("/api/v1/onboarding/context", &cookie).await.json().await.unwrap();
    assert_eq!(body["data"]["constraints"]["submission_allowed"], false);
    assert_eq!(body["data"]["constraints"]["blocked_reason"], "no_eligible_asn");
    assert_eq!(app.get("/api/v1/onboarding/context").await.status(), 401);
});

app_test!(async fn an_operator_files_a_request_and_sees_it(app) {
    let cookie = operator(app, "op").await;
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": "ABCDEF0123", "notes": "hello"})).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let request = &body["data"]["request"];
    assert_eq!(request["status"], "pending");
    assert_eq!(request["node_id"], "abcdef0123", "stored lower case");
    assert_eq!(request["asn"], 64500);
    assert_eq!(request["notes"], "hello");
    assert_eq!(request["retry_count"], 0);
    for null in ["reject_reason", "last_error", "last_error_code", "decided_at", "provisioned_at", "assigned_ipv6", "ipv6_assignment", "membership"] {
        assert!(request[null].is_null(), "{null} is null: {request}");
    }
    // Every field and its kind: the `request_created` snapshot (`shapes`).
    assert!(request["requested_at"].as_str().unwrap().ends_with('Z'));
    let id = request["id"].as_str().unwrap();

    let list: Value = app.get_as("/api/v1/requests", &cookie).await.json().await.unwrap();
    assert_eq!(list["data"]["requests"].as_array().unwrap().len(), 1);
    let one = app.get_as(&format!("/api/v1/requests/{id}"), &cookie).await;
    assert_eq!(one.status(), 200);

    let events = audit_event::Entity::find().all(&app.db().db).await.unwrap();
    assert!(events.iter().any(|e| e.action == "join_request.created" && e.target_id == id));
});

app_test!(async fn other_operators_requests_are_not_found(app) {
    let alice = operator(app, "alice").await;
    let bob = operator(app, "bob").await;
    let id = created_id(app, &alice, json!({"asn": 64500, "zt_network_id": NET})).await;
    let response = app.get_as(&format!("/api/v1/requests/{id}"), &bob).await;
    assert_eq!(response.status(), 404);
    assert_eq!(error_code(response).await, "request_not_found");
    let list: Value = app.get_as("/api/v1/requests", &bob).await.json().await.unwrap();
    assert_eq!(list["data"]["requests"], json!([]));
    for path in ["/api/v1/requests/not-a-uuid", "/api/v1/requests/00000000-0000-0000-0000-000000000000"] {
        let response = app.get_as(path, &alice).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(error_code(response).await, "request_not_found");
    }
});

app_test!(async fn every_input_rule_is_a_validation_error_that_stores_nothing(app) {
    let cookie = operator(app, "op").await;
    let cases = [
        (json!({"asn": 0, "zt_network_id": NET}), "asn"),
        (json!({"asn": 4_294_967_296_i64, "zt_network_id": NET}), "asn"),
        (json!({"asn": 64500, "zt_network_id": "8056c2e21c00001"}), "zt_network_id"),
        (json!({"asn": 64500, "zt_network_id": "8056c2e21c00000g"}), "zt_network_id"),
        (json!({"asn": 64500, "zt_network_id": NET, "node_id": "0000000000"}), "node_id"),
        (json!({"asn": 64500, "zt_network_id": NET, "node_id": "ff12345678"}), "node_id"),
        (json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef012"}), "node_id"),
        (json!({"asn": 64500, "zt_network_id": NET, "notes": "n".repeat(2001)}), "notes"),
    ];
    for (body, field) in cases {
        let response = create(app, &cookie, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_error");
        assert_eq!(body["error"]["details"]["field"], field);
    }
    for raw in [r#"{"asn":"64500","zt_network_id":"8056c2e21c000001"}"#, r#"{"zt_network_id":"8056c2e21c000001"}"#, r#"{"asn":64500,"zt_network_id":"8056c2e21c000001","colour":"red"}"#, "{{{"] {
        let response = app.client.post(app.url("/api/v1/requests")).header("cookie", &cookie).body(raw).send().await.unwrap();
        assert_eq!(response.status(), 400, "{raw}");
        assert_eq!(error_code(response).await, "validation_error");
    }
    assert_eq!(requests_in_db(app).await, 0);
});

app_test!(async fn asn_network_and_restriction_rules_are_enforced(app) {
    let cookie = operator(app, "op").await;
    let response = create(app, &cookie, json!({"asn": 64999, "zt_network_id": NET})).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "asn_not_authorized");
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": "8056c2e21c0000ff"})).await;
    assert_eq!(response.status(), 404);
    assert_eq!(error_code(response).await, "invalid_network");

    // a second, restricted account may only use the networks it is given
    domain::networks::sync_configured(
        &app.db().db,
        &[
            net(NET, "ZT-IX Frankfurt", "2001:db8:1::/64"),
            net("8056c2e21c000002", "ZT-IX Amsterdam", "2001:db8:2::/64"),
        ],
    )
    .await
    .unwrap();
    domain::identity::accounts::update(
        &app.db().db,
        &domain::settings::AuthSettings::default(),
        domain::identity::accounts::cli(),
        "op".into(),
        domain::identity::accounts::AccountChanges { networks: Some(vec!["000002".into()]), ..Default::default() },
    )
    .await
    .unwrap();
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET})).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "network_not_authorized");
    let context: Value = app.get_as("/api/v1/onboarding/context", &cookie).await.json().await.unwrap();
    assert_eq!(context["data"]["constraints"]["restricted_network_ids"], json!(["8056c2e21c000002"]));
    assert_eq!(context["data"]["zt_networks"].as_array().unwrap().len(), 1);
    assert_eq!(create(app, &cookie, json!({"asn": 64500, "zt_network_id": "8056c2e21c000002"})).await.status(), 201);

    // an inactive network is no longer open
    domain::networks::sync_configured(&app.db().db, &[net("8056c2e21c000002", "ZT-IX Amsterdam", "2001:db8:2::/64")]).await.unwrap();
    domain::identity::accounts::update(
        &app.db().db,
        &domain::settings::AuthSettings::default(),
        domain::identity::accounts::cli(),
        "op".into(),
        domain::identity::accounts::AccountChanges { networks: Some(vec![]), ..Default::default() },
    )
    .await
    .unwrap();
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET})).await;
    assert_eq!(error_code(response).await, "invalid_network");
    assert_eq!(requests_in_db(app).await, 1);
});

fn net(id: &str, name: &str, prefix: &str) -> domain::settings::ConfiguredNetwork {
    domain::settings::ConfiguredNetwork {
        id: domain::types::NetworkId::parse(id).unwrap(),
        name: name.into(),
        description: None,
        irr_filter: Default::default(),
        route_servers: Vec::new(),
        published: Default::default(),
        ipv6_prefix: domain::types::Ipv6Prefix::parse(prefix).unwrap(),
    }
}

app_test!(async fn a_live_duplicate_is_a_conflict_naming_the_existing_request(app) {
    let cookie = operator(app, "op").await;
    let first = created_id(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": "ABCDEF0123"})).await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "duplicate_active_request");
    assert_eq!(body["error"]["details"]["existing_request_id"], first.as_str());

    // distinct node ids coexist; a request without a node is its own slot
    assert_eq!(create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0124"})).await.status(), 201);
    let no_node = created_id(app, &cookie, json!({"asn": 64500, "zt_network_id": NET})).await;
    let again: Value = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET})).await.json().await.unwrap();
    assert_eq!(again["error"]["details"]["existing_request_id"], no_node.as_str());
    // the same node under another ASN is the node in use, pointing at the request holding it
    let other_asn: Value = create(app, &cookie, json!({"asn": 64501, "zt_network_id": NET, "node_id": "abcdef0123"})).await.json().await.unwrap();
    assert_eq!(other_asn["error"]["code"], "node_in_use");
    assert_eq!(other_asn["error"]["details"]["existing_request_id"], first.as_str());
    assert_eq!(requests_in_db(app).await, 3);
});

app_test!(async fn concurrent_duplicates_create_exactly_one_request(app) {
    let cookie = operator(app, "op").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = app.client.clone();
        let url = app.url("/api/v1/requests");
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            client.post(url).header("cookie", cookie).json(&json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(requests_in_db(app).await, 1);
});

app_test!(async fn a_node_belongs_to_one_member_whatever_the_asn(app) {
    let first = operator(app, "first").await;
    app.create_account("second", PASSWORD, false, &[64600]).await;
    let second = app.login("second", PASSWORD).await;
    let id = created_id(app, &first, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await;

    let taken = create(app, &second, json!({"asn": 64600, "zt_network_id": NET, "node_id": "ABCDEF0123"})).await;
    assert_eq!(taken.status(), 409);
    let body: Value = taken.json().await.unwrap();
    assert_eq!(body["error"]["code"], "node_in_use");
    assert_eq!(body["error"]["details"], json!({}), "another member's request stays hidden: {body}");

    // The owner, under another of their ASNs, is pointed at their own request.
    let own = create(app, &first, json!({"asn": 64501, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    assert_eq!(own.status(), 409);
    let body: Value = own.json().await.unwrap();
    assert_eq!(body["error"]["code"], "node_in_use");
    assert_eq!(body["error"]["details"]["existing_request_id"], id.as_str());
    assert_eq!(requests_in_db(app).await, 1, "nothing was written for the refused requests");

    // Once the first request is settled, the node is free.
    let admin = admin(app).await;
    let rejected = app
        .post_json_as(&format!("/api/v1/admin/requests/{id}/reject"), &admin, json!({"reject_reason": "wrong node"}))
        .await;
    assert_eq!(rejected.status(), 200);
    assert_eq!(create(app, &second, json!({"asn": 64600, "zt_network_id": NET, "node_id": "abcdef0123"})).await.status(), 201);
});

app_test!(async fn a_node_authorized_for_a_settled_request_is_still_in_use(app) {
    let first = operator(app, "first").await;
    app.create_account("second", PASSWORD, false, &[64600]).await;
    let second = app.login("second", PASSWORD).await;
    let id = created_id(app, &first, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    let request = uuid::Uuid::parse_str(&id).unwrap();
    // Provisioned, then failed at the route servers: the member is still authorized.
    join_request::Entity::update_many()
        .col_expr(join_request::Column::Status, sea_orm::sea_query::Expr::value("failed"))
        .filter(join_request::Column::Id.eq(request))
        .exec(&app.db().db)
        .await
        .unwrap();
    let member = domain::provisioning::MemberResult {
        member_id: "abcdef0123".into(),
        is_authorized: true,
        assigned_ips: vec!["2001:db8:1:0:6:4500:0:1".into()],
        provider_name: "self_hosted_controller",
    };
    domain::provisioning::membership::upsert(&app.db().db, request, NET, "abcdef0123", &member).await.unwrap();
    let taken = create(app, &second, json!({"asn": 64600, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    assert_eq!(taken.status(), 409);
    assert_eq!(error_code(taken).await, "node_in_use");
});

app_test!(async fn an_empty_node_id_is_a_mistake_not_a_missing_node(app) {
    let cookie = operator(app, "op").await;
    let response = create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": ""})).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_error");
    assert_eq!(body["error"]["details"]["field"], "node_id");
    assert_eq!(create(app, &cookie, json!({"asn": 64500, "zt_network_id": NET, "node_id": null})).await.status(), 201);
    assert_eq!(requests_in_db(app).await, 1);
});
