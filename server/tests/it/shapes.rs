//! The shape of every JSON API answer, as insta snapshots (`snapshots/`), ids, times and
//! one-time values redacted. Both databases answer against the same snapshots.

use serde_json::{json, Value};

use crate::helpers::{app_test, TestApp};
use crate::requests::{admin, created_id, NET};

/// Keys whose values change from run to run.
const VOLATILE: [&str; 13] = [
    "id", "user_id", "target_id", "actor_user_id", "existing_request_id", "requested_at", "decided_at", "updated_at",
    "created_at", "provisioned_at", "expires_at", "state", "authorization_url",
];

/// `value` with every volatile value replaced by a placeholder that keeps its kind.
pub fn redacted(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if VOLATILE.contains(&key.as_str()) && !inner.is_null() {
                        *inner = Value::String(format!("[{key}]"));
                    } else {
                        walk(inner);
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

async fn body(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON body");
    json!({"status": status, "body": redacted(body)})
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> Value {
    body(app.get_as(path, cookie).await).await
}

async fn post(app: &TestApp, path: &str, cookie: &str, payload: Value) -> Value {
    body(app.post_json_as(path, cookie, payload).await).await
}

app_test!(async fn every_answer_keeps_its_shape(app) {
    let login = app.post_json("/api/v1/auth/local/login", json!({"username": "nobody", "password": "wrong password here"})).await;
    insta::assert_json_snapshot!("login_refused", body(login).await);
    app.create_account("shaper", crate::requests::PASSWORD, false, &[64500, 64501]).await;
    let response = app.post_json("/api/v1/auth/local/login", json!({"username": "shaper", "password": crate::requests::PASSWORD})).await;
    let op = crate::helpers::session_cookie(&response).unwrap();
    insta::assert_json_snapshot!("login", body(response).await);
    let admin = admin(app).await;

    insta::assert_json_snapshot!("me", get(app, "/api/v1/me", &op).await);
    insta::assert_json_snapshot!("asns", get(app, "/api/v1/asns", &op).await);
    insta::assert_json_snapshot!("onboarding_context", get(app, "/api/v1/onboarding/context", &op).await);
    let created = post(app, "/api/v1/requests", &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123", "notes": "hello"})).await;
    insta::assert_json_snapshot!("request_created", created);
    let id = created_id(app, &op, json!({"asn": 64501, "zt_network_id": NET})).await;
    insta::assert_json_snapshot!("duplicate", post(app, "/api/v1/requests", &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await);
    insta::assert_json_snapshot!("invalid_input", post(app, "/api/v1/requests", &op, json!({"asn": 0, "zt_network_id": NET})).await);
    insta::assert_json_snapshot!("my_requests", get(app, "/api/v1/requests", &op).await);
    insta::assert_json_snapshot!("my_request", get(app, &format!("/api/v1/requests/{id}"), &op).await);
    insta::assert_json_snapshot!("not_found", get(app, &format!("/api/v1/requests/{}", uuid::Uuid::nil()), &op).await);
    insta::assert_json_snapshot!("forbidden", get(app, "/api/v1/admin/requests", &op).await);

    insta::assert_json_snapshot!("admin_list", get(app, "/api/v1/admin/requests?limit=1", &admin).await);
    insta::assert_json_snapshot!("approved", post(app, &format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await);
    insta::assert_json_snapshot!("not_pending", post(app, &format!("/api/v1/admin/requests/{id}/reject"), &admin, json!({"reject_reason": "x"})).await);
    insta::assert_json_snapshot!("admin_show", get(app, &format!("/api/v1/admin/requests/{id}"), &admin).await);
    insta::assert_json_snapshot!("peeringdb_unavailable", body(app.post_json("/api/v1/auth/peeringdb/start", json!({})).await).await);
    insta::assert_json_snapshot!("unknown_path", get(app, "/api/v1/nope", &op).await);
    insta::assert_json_snapshot!("logout", post(app, "/api/v1/auth/logout", &op, json!({})).await);
    insta::assert_json_snapshot!("unauthenticated", get(app, "/api/v1/me", &op).await);
});

#[test]
fn volatile_values_are_redacted_at_any_depth_and_nulls_are_kept() {
    let value = redacted(json!({"id": "x", "data": {"requests": [{"id": "y", "decided_at": null, "asn": 1}]}}));
    assert_eq!(value, json!({"id": "[id]", "data": {"requests": [{"id": "[id]", "decided_at": null, "asn": 1}]}}));
}
