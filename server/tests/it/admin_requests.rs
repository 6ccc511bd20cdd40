//! `/api/v1/admin/requests`: the queue, decisions, races and the audit trail.

use serde_json::{json, Value};

use crate::helpers::{app_test, audit_actions, error_code, TestApp};
use crate::requests::{admin, created_id, operator, NET};

app_test!(async fn admin_routes_are_for_admins_only(app) {
    let op = operator(app, "op").await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET})).await;
    for path in ["/api/v1/admin/requests".to_owned(), format!("/api/v1/admin/requests/{id}")] {
        assert_eq!(app.get(&path).await.status(), 401, "{path}");
        let response = app.get_as(&path, &op).await;
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(error_code(response).await, "forbidden");
    }
    for action in ["approve", "reject", "retry"] {
        let path = format!("/api/v1/admin/requests/{id}/{action}");
        let response = app.post_json_as(&path, &op, json!({"reject_reason": "x"})).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    let detail: Value = app.get_as(&format!("/api/v1/requests/{id}"), &op).await.json().await.unwrap();
    assert_eq!(detail["data"]["request"]["status"], "pending", "nothing changed");
});

app_test!(async fn approve_and_reject_follow_the_status_machine_with_audit(app) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let a = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aaaaaaaaaa"})).await;
    let b = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "bbbbbbbbbb"})).await;

    let approved = app.post_json_as(&format!("/api/v1/admin/requests/{a}/approve"), &admin, json!({})).await;
    assert_eq!(approved.status(), 200);
    let body: Value = approved.json().await.unwrap();
    assert_eq!(body["data"]["request"]["status"], "approved");
    assert!(body["data"]["request"]["decided_at"].is_string());

    let missing = app.post_json_as(&format!("/api/v1/admin/requests/{b}/reject"), &admin, json!({})).await;
    assert_eq!(missing.status(), 400);
    assert_eq!(error_code(missing).await, "reject_reason_required");
    let blank = app.post_json_as(&format!("/api/v1/admin/requests/{b}/reject"), &admin, json!({"reject_reason": "   "})).await;
    assert_eq!(error_code(blank).await, "reject_reason_required");
    let rejected = app.post_json_as(&format!("/api/v1/admin/requests/{b}/reject"), &admin, json!({"reject_reason": "Not an IX participant"})).await;
    assert_eq!(rejected.status(), 200);
    let body: Value = rejected.json().await.unwrap();
    assert_eq!(body["data"]["request"]["status"], "rejected");
    assert_eq!(body["data"]["request"]["reject_reason"], "Not an IX participant");

    // a second decision is a conflict that reports the current status
    let again = app.post_json_as(&format!("/api/v1/admin/requests/{a}/reject"), &admin, json!({"reject_reason": "late"})).await;
    assert_eq!(again.status(), 409);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_status_transition");
    assert_eq!(body["error"]["details"]["current_status"], "approved");

    // retry only from failed
    let retry = app.post_json_as(&format!("/api/v1/admin/requests/{a}/retry"), &admin, json!({})).await;
    assert_eq!(retry.status(), 409);
    let body: Value = retry.json().await.unwrap();
    assert_eq!(body["error"]["details"]["current_status"], "approved");

    // the audit trail has one event per transition, with from/to status and the actor
    let detail: Value = app.get_as(&format!("/api/v1/admin/requests/{b}"), &admin).await.json().await.unwrap();
    let events = detail["data"]["audit_events"].as_array().unwrap();
    let actions: Vec<_> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["join_request.created", "join_request.rejected"]);
    let rejection = &events[1];
    assert_eq!(rejection["metadata"]["from_status"], "pending");
    assert_eq!(rejection["metadata"]["to_status"], "rejected");
    assert!(rejection["actor_user_id"].is_string());
    assert_eq!(rejection["target_type"], "join_request");
    assert_eq!(rejection["target_id"], b.as_str());
    assert_eq!(detail["data"]["request"]["id"], b.as_str());

    for action in ["approve", "retry"] {
        let response = app.post_json_as(&format!("/api/v1/admin/requests/not-a-uuid/{action}"), &admin, json!({})).await;
        assert_eq!(response.status(), 404);
        assert_eq!(error_code(response).await, "request_not_found");
    }
});

app_test!(async fn a_retry_moves_a_failed_request_back_to_approved(app) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aaaaaaaaaa"})).await;
    app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    domain::workflow::start_provisioning(&app.db().db, uuid, "w1", chrono::Duration::seconds(30)).await.unwrap();
    domain::workflow::fail(&app.db().db, uuid, "w1", &domain::provisioning::failure::Failure::new(domain::provisioning::failure::FailureCode::ControllerUnavailable, "controller unreachable at http://127.0.0.1:9993")).await.unwrap();
    let response = app.post_json_as(&format!("/api/v1/admin/requests/{id}/retry"), &admin, json!({})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["request"]["status"], "approved");
    assert_eq!(body["data"]["request"]["retry_count"], 1);
    assert_eq!(body["data"]["request"]["last_error"], "controller unreachable at http://127.0.0.1:9993");
});

app_test!(async fn concurrent_approve_and_reject_have_one_winner(app) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET})).await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let client = app.client.clone();
        let (action, body) = if i % 2 == 0 { ("approve", json!({})) } else { ("reject", json!({"reject_reason": "race"})) };
        let url = app.url(&format!("/api/v1/admin/requests/{id}/{action}"));
        let cookie = admin.clone();
        tasks.push(tokio::spawn(async move {
            let response = client.post(url).header("cookie", cookie).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }));
    }
    let mut winners = Vec::new();
    let mut loser_sees = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200 => winners.push(body["data"]["request"]["status"].as_str().unwrap().to_owned()),
            409 => loser_sees.push(body["error"]["details"]["current_status"].as_str().unwrap().to_owned()),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1);
    assert!(loser_sees.iter().all(|s| *s == winners[0]), "{loser_sees:?} vs {winners:?}");
    let detail: Value = app.get_as(&format!("/api/v1/admin/requests/{id}"), &admin).await.json().await.unwrap();
    assert_eq!(detail["data"]["audit_events"].as_array().unwrap().len(), 2, "created + one decision");
});

app_test!(async fn the_queue_filters_paginates_and_counts(app) {
    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": format!("aaaaaaaa{i:02}")})).await);
    }
    ids.push(created_id(app, &op, json!({"asn": 64501, "zt_network_id": NET})).await);
    // A second network, so a network filter that filters nothing would be seen.
    let other_network = "8056c2e21c000002";
    domain::testing::fixtures::network(&app.db().db, other_network).await;
    ids.push(created_id(app, &op, json!({"asn": 64500, "zt_network_id": other_network})).await);
    app.post_json_as(&format!("/api/v1/admin/requests/{}/approve", ids[0]), &admin, json!({})).await;

    let all: Value = app.get_as("/api/v1/admin/requests", &admin).await.json().await.unwrap();
    assert_eq!(all["data"]["request_count"], 7);
    assert_eq!(all["data"]["requests"][0]["id"], ids[6].as_str(), "newest first");
    assert!(all["data"]["next_offset"].is_null());
    assert_eq!(all["data"]["filters"]["limit"], 100);
    assert_eq!(all["data"]["filters"]["offset"], 0);

    let page: Value = app.get_as("/api/v1/admin/requests?limit=4", &admin).await.json().await.unwrap();
    assert_eq!(page["data"]["requests"].as_array().unwrap().len(), 4);
    assert_eq!(page["data"]["next_offset"], 4);
    assert_eq!(page["data"]["request_count"], 7);
    let last: Value = app.get_as("/api/v1/admin/requests?limit=4&offset=4", &admin).await.json().await.unwrap();
    assert_eq!(last["data"]["requests"].as_array().unwrap().len(), 3);
    assert!(last["data"]["next_offset"].is_null());

    let approved: Value = app.get_as("/api/v1/admin/requests?status=approved", &admin).await.json().await.unwrap();
    assert_eq!(approved["data"]["request_count"], 1);
    assert_eq!(approved["data"]["filters"]["status"], "approved");
    let by_asn: Value = app.get_as("/api/v1/admin/requests?asn=64501", &admin).await.json().await.unwrap();
    assert_eq!(by_asn["data"]["request_count"], 1);
    let by_net: Value = app.get_as(&format!("/api/v1/admin/requests?zt_network_id={NET}"), &admin).await.json().await.unwrap();
    assert_eq!(by_net["data"]["request_count"], 6);
    let by_other: Value = app.get_as(&format!("/api/v1/admin/requests?zt_network_id={other_network}"), &admin).await.json().await.unwrap();
    assert_eq!(by_other["data"]["request_count"], 1);
    assert_eq!(by_other["data"]["requests"][0]["id"], ids[6].as_str());
    let old: Value = app.get_as("/api/v1/admin/requests?min_age_minutes=60", &admin).await.json().await.unwrap();
    assert_eq!(old["data"]["request_count"], 0);

    for bad in ["status=done", "asn=0", "zt_network_id=nope", "limit=0", "limit=1001", "offset=-2", "min_age_minutes=soon", "colour=red"] {
        let response = app.get_as(&format!("/api/v1/admin/requests?{bad}"), &admin).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(error_code(response).await, "validation_error");
    }
});

#[tokio::test]
async fn policy_auto_approves_eligible_requests_at_once() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let toml = format!("{}\n[workflow]\napproval_mode = \"policy_auto\"\n", crate::helpers::NETWORK_TOML);
        let app = crate::helpers::spawn_app_with(backend, &[], &toml).await;
        let op = operator(&app, "op").await;
        let admin = admin(&app).await;
        let response = app.post_json_as("/api/v1/requests", &op, json!({"asn": 64500, "zt_network_id": NET})).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["request"]["status"], "approved");
        let id = body["data"]["request"]["id"].as_str().unwrap().to_owned();
        let detail: Value = app.get_as(&format!("/api/v1/admin/requests/{id}"), &admin).await.json().await.unwrap();
        let events = detail["data"]["audit_events"].as_array().unwrap();
        assert_eq!(events[1]["action"], "join_request.approved");
        assert_eq!(events[1]["metadata"]["decision_source"], "policy_auto");
        assert!(events[1]["actor_user_id"].is_null());
        // an ineligible request is still refused, not approved
        let response = app.post_json_as("/api/v1/requests", &op, json!({"asn": 64999, "zt_network_id": NET})).await;
        assert_eq!(response.status(), 403);
    }
}

/// The requester's user id, from their own session.
async fn user_id(app: &TestApp, cookie: &str) -> uuid::Uuid {
    let me: Value = app.get_as("/api/v1/me", cookie).await.json().await.unwrap();
    uuid::Uuid::parse_str(me["data"]["user"]["id"].as_str().unwrap()).unwrap()
}

async fn decide(app: &TestApp, admin: &str, id: &str, action: &str) -> (u16, Value) {
    let response = app.post_json_as(&format!("/api/v1/admin/requests/{id}/{action}"), admin, json!({})).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

app_test!(async fn approve_and_retry_refuse_a_requester_who_lost_the_asn_or_the_network(app) {
    use domain::entities::{user_asn, user_network_access};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    let op = operator(app, "op").await;
    let admin = admin(app).await;
    let owner = user_id(app, &op).await;
    let id = created_id(app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aaaaaaaaaa"})).await;
    let db = &app.db().db;
    let audit_count = async || audit_actions(db, domain::entities::audit_event::Column::TargetId.eq(id.clone())).await.len();
    let trail = audit_count().await;

    // PeeringDB no longer lists AS64500 for them.
    user_asn::Entity::delete_many()
        .filter(user_asn::Column::UserId.eq(owner))
        .filter(user_asn::Column::Asn.eq(64500))
        .exec(db)
        .await
        .unwrap();
    let (status, body) = decide(app, &admin, &id, "approve").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "requester_not_eligible");
    assert_eq!(body["error"]["details"]["reason"], "asn_not_held");
    let unchanged: Value = app.get_as(&format!("/api/v1/admin/requests/{id}"), &admin).await.json().await.unwrap();
    assert_eq!(unchanged["data"]["request"]["status"], "pending");
    assert_eq!(audit_count().await, trail, "nothing was written");

    // The ASN is back, but their account is now limited to another network.
    domain::testing::fixtures::network(db, "8056c2e21c000002").await;
    let now = chrono::Utc::now();
    user_asn::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        user_id: Set(owner),
        asn: Set(64500),
        net_id: Set(None),
        net_name: Set(None),
        source: Set(user_asn::AsnSource::Local),
        verified_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    let limit = user_network_access::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        user_id: Set(owner),
        zt_network_id: Set("8056c2e21c000002".into()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    let (status, body) = decide(app, &admin, &id, "approve").await;
    assert_eq!((status, body["error"]["details"]["reason"].as_str()), (409, Some("network_not_allowed")), "{body}");

    // Eligible again: the approval goes through; a failed attempt's retry is checked too.
    user_network_access::Entity::delete_by_id(limit.id).exec(db).await.unwrap();
    assert_eq!(decide(app, &admin, &id, "approve").await.0, 200);
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    domain::workflow::start_provisioning(db, uuid, "w1", chrono::Duration::seconds(30)).await.unwrap();
    let failure = domain::provisioning::failure::Failure::new(domain::provisioning::failure::FailureCode::ControllerUnavailable, "x");
    domain::workflow::fail(db, uuid, "w1", &failure).await.unwrap();
    user_asn::Entity::delete_many().filter(user_asn::Column::UserId.eq(owner)).exec(db).await.unwrap();
    let (status, body) = decide(app, &admin, &id, "retry").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("requester_not_eligible")), "{body}");
    let still: Value = app.get_as(&format!("/api/v1/admin/requests/{id}"), &admin).await.json().await.unwrap();
    assert_eq!(still["data"]["request"]["status"], "failed");

    // A request that cannot move is still a status conflict first.
    let (status, body) = decide(app, &admin, &id, "approve").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("invalid_status_transition")), "{body}");
});

app_test!(async fn no_query_parameter_value_gives_a_server_error(app) {
    let admin = admin(app).await;
    let cases: [(&str, u16); 18] = [
        ("min_age_minutes=4000000000", 400),
        ("min_age_minutes=52704001", 400),
        ("min_age_minutes=52704000", 200),
        ("min_age_minutes=-1", 400),
        ("min_age_minutes=99999999999999999999999", 400),
        ("limit=0", 400),
        ("limit=1001", 400),
        ("limit=18446744073709551615", 400),
        ("offset=9223372036854775807", 200),
        ("offset=9223372036854775807&limit=1000", 200),
        ("offset=9223372036854775808", 400),
        ("asn=4294967295", 200),
        ("asn=4294967296", 400),
        ("asn=-5", 400),
        ("asn=AS", 400),
        ("status=nope", 400),
        ("zt_network_id=zz", 400),
        ("min_age_minutes=52704000&offset=9223372036854775807&asn=4294967295&status=failed", 200),
    ];
    for (query, expected) in cases {
        let response = app.get_as(&format!("/api/v1/admin/requests?{query}"), &admin).await;
        let status = response.status().as_u16();
        assert_eq!(status, expected, "{query}");
        if status == 400 {
            assert_eq!(error_code(response).await, "validation_error", "{query}");
        }
    }
});
