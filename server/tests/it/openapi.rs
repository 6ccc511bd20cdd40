//! The OpenAPI document: complete for SPEC §5, and true of the real responses.

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::requests::{admin, created_id, operator, NET};

const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/peeringdb/start"),
    ("post", "/api/v1/auth/peeringdb/callback"),
    ("post", "/api/v1/auth/local/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/asns"),
    ("get", "/api/v1/onboarding/context"),
    ("post", "/api/v1/requests"),
    ("get", "/api/v1/requests"),
    ("get", "/api/v1/requests/{id}"),
    ("get", "/api/v1/admin/requests"),
    ("get", "/api/v1/admin/requests/{id}"),
    ("post", "/api/v1/admin/requests/{id}/approve"),
    ("post", "/api/v1/admin/requests/{id}/reject"),
    ("post", "/api/v1/admin/requests/{id}/retry"),
    ("post", "/api/v1/me/tokens"),
    ("get", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{id}"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/me/notifications"),
    ("put", "/api/v1/me/notifications"),
    ("get", "/api/v1/admin/webhooks"),
    ("post", "/api/v1/admin/webhooks"),
    ("patch", "/api/v1/admin/webhooks/{id}"),
    ("delete", "/api/v1/admin/webhooks/{id}"),
    ("post", "/api/v1/admin/webhooks/{id}/test"),
    ("get", "/api/v1/admin/notifications"),
    ("post", "/api/v1/admin/notifications/{id}/retry"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

/// Validates `body` against the schema the document declares for this response.
fn assert_conforms(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let schema = &doc["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(!schema.is_null(), "no schema for {method} {path} {status}");
    // Make the document's components reachable from a standalone JSON Schema.
    let defs = doc["components"]["schemas"].to_string().replace("#/components/schemas/", "#/$defs/");
    let root = schema.to_string().replace("#/components/schemas/", "#/$defs/");
    let mut standalone: Value = serde_json::from_str(&root).unwrap();
    standalone["$defs"] = serde_json::from_str(&defs).unwrap();
    standalone["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let validator = jsonschema::validator_for(&standalone).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {status} does not match its schema: {errors:#?}\n{body:#}");
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route() {
    let app = spawn_app(domain::testing::Backend::Sqlite).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for (method, path) in ROUTES {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} missing");
    }
    for schema in ["RequestView", "ErrorEnvelope", "AuditEventView", "UserView"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema} missing");
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!((schemes["token"]["type"].as_str(), schemes["token"]["scheme"].as_str()), (Some("http"), Some("bearer")), "{schemes}");
    assert_eq!((schemes["session"]["in"].as_str(), schemes["session"]["name"].as_str()), (Some("cookie"), Some("zt_ix_session")), "{schemes}");
}

#[tokio::test]
async fn real_responses_match_the_document() {
    let app = spawn_app(domain::testing::Backend::Sqlite).await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let check = |method: &str, path: &str, status: u16, body: &Value| assert_conforms(&doc, method, path, status, body);

    let op = operator(&app, "op").await;
    let admin = admin(&app).await;
    let login = app.post_json("/api/v1/auth/local/login", json!({"username": "op", "password": "correct horse battery staple"})).await;
    check("post", "/api/v1/auth/local/login", 200, &login.json().await.unwrap());
    let bad = app.post_json("/api/v1/auth/local/login", json!({"username": "op", "password": "wrong password!!"})).await;
    check("post", "/api/v1/auth/local/login", 401, &bad.json().await.unwrap());
    check("get", "/api/v1/me", 200, &app.get_as("/api/v1/me", &op).await.json().await.unwrap());
    check("get", "/api/v1/me", 401, &app.get("/api/v1/me").await.json().await.unwrap());
    check("get", "/api/v1/asns", 200, &app.get_as("/api/v1/asns", &op).await.json().await.unwrap());
    check("get", "/api/v1/onboarding/context", 200, &app.get_as("/api/v1/onboarding/context", &op).await.json().await.unwrap());

    let created = app.post_json_as("/api/v1/requests", &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    let created: Value = created.json().await.unwrap();
    check("post", "/api/v1/requests", 201, &created);
    let id = created["data"]["request"]["id"].as_str().unwrap().to_owned();
    let dup = app.post_json_as("/api/v1/requests", &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "abcdef0123"})).await;
    check("post", "/api/v1/requests", 409, &dup.json().await.unwrap());
    let invalid = app.post_json_as("/api/v1/requests", &op, json!({"asn": 0, "zt_network_id": NET})).await;
    check("post", "/api/v1/requests", 400, &invalid.json().await.unwrap());
    check("get", "/api/v1/requests", 200, &app.get_as("/api/v1/requests", &op).await.json().await.unwrap());
    check("get", "/api/v1/requests/{id}", 200, &app.get_as(&format!("/api/v1/requests/{id}"), &op).await.json().await.unwrap());
    check("get", "/api/v1/requests/{id}", 404, &app.get_as("/api/v1/requests/nope", &op).await.json().await.unwrap());

    check("get", "/api/v1/admin/requests", 200, &app.get_as("/api/v1/admin/requests?limit=1", &admin).await.json().await.unwrap());
    check("get", "/api/v1/admin/requests", 403, &app.get_as("/api/v1/admin/requests", &op).await.json().await.unwrap());
    let other = created_id(&app, &op, json!({"asn": 64501, "zt_network_id": NET})).await;
    let approved = app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    check("post", "/api/v1/admin/requests/{id}/approve", 200, &approved.json().await.unwrap());
    let conflict = app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
    check("post", "/api/v1/admin/requests/{id}/approve", 409, &conflict.json().await.unwrap());
    let rejected = app.post_json_as(&format!("/api/v1/admin/requests/{other}/reject"), &admin, json!({"reject_reason": "no"})).await;
    check("post", "/api/v1/admin/requests/{id}/reject", 200, &rejected.json().await.unwrap());
    check(
        "get",
        "/api/v1/admin/requests/{id}",
        200,
        &app.get_as(&format!("/api/v1/admin/requests/{other}"), &admin).await.json().await.unwrap(),
    );
    let token = app.post_json_as("/api/v1/me/tokens", &op, json!({"name": "ci", "scope": "read"})).await;
    let token: Value = token.json().await.unwrap();
    check("post", "/api/v1/me/tokens", 201, &token);
    check("get", "/api/v1/me/tokens", 200, &app.get_as("/api/v1/me/tokens", &op).await.json().await.unwrap());
    let token_id = token["data"]["token"]["id"].as_str().unwrap().to_owned();
    let revoked = app.client.delete(app.url(&format!("/api/v1/me/tokens/{token_id}"))).header("cookie", &op).send().await.unwrap();
    check("delete", "/api/v1/me/tokens/{id}", 200, &revoked.json().await.unwrap());
    check("get", "/api/v1/admin/audit", 200, &app.get_as("/api/v1/admin/audit?limit=5", &admin).await.json().await.unwrap());
    check("get", "/api/v1/admin/audit", 400, &app.get_as("/api/v1/admin/audit?limit=0", &admin).await.json().await.unwrap());
    check("get", "/api/v1/me/notifications", 200, &app.get_as("/api/v1/me/notifications", &op).await.json().await.unwrap());
    let chosen = app.put_json_as("/api/v1/me/notifications", &op, json!({"off": ["join_request.approved"]})).await;
    check("put", "/api/v1/me/notifications", 200, &chosen.json().await.unwrap());
    let refused = app.post_json_as("/api/v1/admin/webhooks", &admin, json!({"url": "http://127.0.0.1/", "events": ["join_request.created"]})).await;
    check("post", "/api/v1/admin/webhooks", 400, &refused.json().await.unwrap());
    let hook = app.post_json_as("/api/v1/admin/webhooks", &admin, json!({"url": "https://192.0.2.1/hook", "events": ["join_request.created"]})).await;
    let hook: Value = hook.json().await.unwrap();
    check("post", "/api/v1/admin/webhooks", 201, &hook);
    check("get", "/api/v1/admin/webhooks", 200, &app.get_as("/api/v1/admin/webhooks", &admin).await.json().await.unwrap());
    let hook_id = hook["data"]["webhook"]["id"].as_str().unwrap().to_owned();
    let tested = app.post_json_as(&format!("/api/v1/admin/webhooks/{hook_id}/test"), &admin, json!({})).await;
    check("post", "/api/v1/admin/webhooks/{id}/test", 202, &tested.json().await.unwrap());
    check("get", "/api/v1/admin/notifications", 200, &app.get_as("/api/v1/admin/notifications", &admin).await.json().await.unwrap());
    let updated = app.client.patch(app.url(&format!("/api/v1/admin/webhooks/{hook_id}"))).header("cookie", &admin).json(&json!({"enabled": false})).send().await.unwrap();
    check("patch", "/api/v1/admin/webhooks/{id}", 200, &updated.json().await.unwrap());
    let deleted = app.client.delete(app.url(&format!("/api/v1/admin/webhooks/{hook_id}"))).header("cookie", &admin).send().await.unwrap();
    check("delete", "/api/v1/admin/webhooks/{id}", 200, &deleted.json().await.unwrap());
    let missing = app.post_json_as(&format!("/api/v1/admin/notifications/{hook_id}/retry"), &admin, json!({})).await;
    check("post", "/api/v1/admin/notifications/{id}/retry", 409, &missing.json().await.unwrap());
    let logout = app.post_json_as("/api/v1/auth/logout", &op, json!({})).await;
    check("post", "/api/v1/auth/logout", 200, &logout.json().await.unwrap());
    let unavailable = app.post_json("/api/v1/auth/peeringdb/start", json!({})).await;
    check("post", "/api/v1/auth/peeringdb/start", 503, &unavailable.json().await.unwrap());
}
