//! Personal API tokens: the authorization matrix (scopes × roles × routes), expiry and
//! revocation at once, only hashes stored, no cross-site check for token-only requests,
//! a request budget per token.

use domain::entities::{api_token, app_user, audit_event};
use domain::testing::Backend;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, spawn_app_with, TestApp, NETWORK_TOML};
use crate::requests::{admin, created_id, operator, NET};

async fn new_token(app: &TestApp, cookie: &str, scope: &str) -> reqwest::Response {
    app.post_json_as("/api/v1/me/tokens", cookie, json!({"name": format!("{scope} script"), "scope": scope})).await
}

async fn secret(app: &TestApp, cookie: &str, scope: &str) -> String {
    let response = new_token(app, cookie, scope).await;
    assert_eq!(response.status(), 201, "{scope}");
    let body: Value = response.json().await.unwrap();
    body["data"]["secret"].as_str().unwrap().to_owned()
}

async fn call(app: &TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
    let request = match method {
        "GET" => app.client.get(app.url(path)),
        "POST" => app.client.post(app.url(path)),
        "DELETE" => app.client.delete(app.url(path)),
        other => panic!("{other}"),
    };
    let request = request.header("authorization", format!("Bearer {token}"));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn withdraw_pending(app: &TestApp, cookie: &str) {
    let mine: Value = app.get_as("/api/v1/requests", cookie).await.json().await.unwrap();
    for request in mine["data"]["requests"].as_array().unwrap().iter().filter(|r| r["status"] == "pending") {
        let id = request["id"].as_str().unwrap();
        assert_eq!(app.post_json_as(&format!("/api/v1/requests/{id}/withdraw"), cookie, json!({})).await.status(), 200);
    }
}

async fn user(app: &TestApp, name: &str) -> app_user::Model {
    app_user::Entity::find().filter(app_user::Column::Username.eq(name)).one(&app.db().db).await.unwrap().unwrap()
}

app_test!(async fn each_scope_and_role_reaches_exactly_its_routes(app) {
    let (op, adm) = (operator(&app, "op").await, admin(&app).await);
    // What a call answers, by (role, scope): member read, member write, admin read, admin write (a rejection).
    let matrix: &[(&str, &str, [u16; 4])] = &[
        ("op", "read", [200, 403, 403, 403]),
        ("op", "read-write", [200, 201, 403, 403]),
        ("admin", "read", [200, 403, 403, 403]),
        ("admin", "read-write", [200, 201, 403, 403]),
        ("admin", "admin", [200, 201, 200, 200]),
    ];
    for (i, (role, scope, expected)) in matrix.iter().enumerate() {
        let cookie = if *role == "op" { &op } else { &adm };
        let token = secret(&app, cookie, scope).await;
        let pending = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET, "node_id": format!("aabbccdd{i:02}")})).await;
        let asn = if *role == "op" { 64501 } else { 64999 };
        let got = [
            call(&app, "GET", "/api/v1/requests", &token, None).await.status().as_u16(),
            call(&app, "POST", "/api/v1/requests", &token, Some(json!({"asn": asn, "zt_network_id": NET}))).await.status().as_u16(),
            call(&app, "GET", "/api/v1/admin/requests", &token, None).await.status().as_u16(),
            call(&app, "POST", &format!("/api/v1/admin/requests/{pending}/reject"), &token, Some(json!({"reject_reason": "test"}))).await.status().as_u16(),
        ];
        assert_eq!(&got, expected, "{role} with a {scope} token");
        // What the row filed is withdrawn so the next row can file again.
        withdraw_pending(&app, &op).await;
        withdraw_pending(&app, cookie).await;
    }
    // Only an admin creates an admin token.
    let refused = new_token(&app, &op, "admin").await;
    assert_eq!(refused.status(), 403);
    // A token cannot mint a wider one.
    let read = secret(&app, &op, "read").await;
    let wider = call(&app, "POST", "/api/v1/me/tokens", &read, Some(json!({"name": "wider", "scope": "read-write"}))).await;
    assert_eq!(error_code(wider).await, "forbidden");
});

app_test!(async fn a_token_acts_as_its_user_and_no_more_whatever_the_user_becomes(app) {
    let op = operator(&app, "op").await;
    app.create_account("other", crate::requests::PASSWORD, false, &[64502]).await;
    let other = app.login("other", crate::requests::PASSWORD).await;
    let theirs = created_id(&app, &other, json!({"asn": 64502, "zt_network_id": NET})).await;
    let token = secret(&app, &op, "read-write").await;
    assert_eq!(call(&app, "GET", &format!("/api/v1/requests/{theirs}"), &token, None).await.status(), 404, "another ASN's request");
    let mine: Value = call(&app, "GET", "/api/v1/requests", &token, None).await.json().await.unwrap();
    assert_eq!(mine["data"]["requests"], json!([]));

    // Promoted to admin later: the old token gains nothing; an admin token made now works
    // only while the user stays an admin.
    let mut promoted = user(&app, "op").await.into_active_model();
    promoted.is_admin = Set(true);
    promoted.update(&app.db().db).await.unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/admin/requests", &token, None).await.status(), 403);
    let admin_token = secret(&app, &op, "admin").await;
    assert_eq!(call(&app, "GET", "/api/v1/admin/requests", &admin_token, None).await.status(), 200);
    let mut demoted = user(&app, "op").await.into_active_model();
    demoted.is_admin = Set(false);
    demoted.update(&app.db().db).await.unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/admin/requests", &admin_token, None).await.status(), 403);
});

app_test!(async fn revocation_expiry_and_disabling_take_effect_at_once_and_only_hashes_are_kept(app) {
    let op = operator(&app, "op").await;
    let created: Value = new_token(&app, &op, "read").await.json().await.unwrap();
    let (id, token) = (created["data"]["token"]["id"].as_str().unwrap().to_owned(), created["data"]["secret"].as_str().unwrap().to_owned());
    assert!(token.starts_with("ztix_") && token.len() > 40, "{token}");
    assert_eq!(created["data"]["token"]["scope"], "read");
    let expires = chrono::DateTime::parse_from_rfc3339(created["data"]["token"]["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((89..=90).contains(&days), "90 days by default: {days}");
    assert_eq!(call(&app, "GET", "/api/v1/me", &token, None).await.status(), 200);

    // The database and the audit trail hold no secret.
    let row = api_token::Entity::find().one(&app.db().db).await.unwrap().unwrap();
    assert!(row.last_used_at.is_some(), "use is recorded");
    assert_ne!(row.token_hash, token);
    assert!(!row.token_hash.contains(&token[5..15]));
    let audit = audit_event::Entity::find().all(&app.db().db).await.unwrap();
    assert!(audit.iter().all(|e| !e.metadata.to_string().contains(&token[5..])), "no secret in the audit trail");
    assert!(audit.iter().any(|e| e.action == "api_token.created"));

    let listed: Value = app.get_as("/api/v1/me/tokens", &op).await.json().await.unwrap();
    assert_eq!(listed["data"]["tokens"][0]["id"], id);
    assert!(!listed.to_string().contains(&token), "never listed with its secret");

    // Expired: refused at once.
    let mut expired = row.clone().into_active_model();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    expired.update(&app.db().db).await.unwrap();
    assert_eq!(error_code(call(&app, "GET", "/api/v1/me", &token, None).await).await, "unauthenticated");
    let mut live = row.into_active_model();
    live.expires_at = Set(chrono::Utc::now() + chrono::Duration::days(1));
    live.update(&app.db().db).await.unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/me", &token, None).await.status(), 200);

    // A disabled account's tokens stop.
    domain::identity::accounts::set_enabled(&app.db().db, domain::identity::accounts::cli(), "op".into(), false).await.unwrap();
    assert_eq!(call(&app, "GET", "/api/v1/me", &token, None).await.status(), 401);
    domain::identity::accounts::set_enabled(&app.db().db, domain::identity::accounts::cli(), "op".into(), true).await.unwrap();
    let op = app.login("op", crate::requests::PASSWORD).await;
    assert_eq!(call(&app, "GET", "/api/v1/me", &token, None).await.status(), 200);

    // Revoked: refused at once; a second revocation finds nothing.
    let revoked = app.client.delete(app.url(&format!("/api/v1/me/tokens/{id}"))).header("cookie", &op).send().await.unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(call(&app, "GET", "/api/v1/me", &token, None).await.status(), 401);
    let again = app.client.delete(app.url(&format!("/api/v1/me/tokens/{id}"))).header("cookie", &op).send().await.unwrap();
    assert_eq!(again.status(), 404);
    assert_eq!(call(&app, "GET", "/api/v1/me", "ztix_made-up", None).await.status(), 401);
    assert_eq!(call(&app, "GET", "/api/v1/me", "not-a-token", None).await.status(), 401);
    let audit = crate::helpers::audit_actions(&app.db().db, audit_event::Column::TargetType.eq("api_token")).await;
    assert_eq!(audit, ["api_token.created", "api_token.revoked"]);
});

app_test!(async fn bad_token_requests_are_refused_with_the_field_named(app) {
    let op = operator(&app, "op").await;
    for (body, field) in [
        (json!({"name": "", "scope": "read"}), "name"),
        (json!({"name": "x".repeat(101), "scope": "read"}), "name"),
        (json!({"name": "ci", "scope": "read", "expires_in_days": 0}), "expires_in_days"),
        (json!({"name": "ci", "scope": "read", "expires_in_days": 366}), "expires_in_days"),
    ] {
        let response: Value = app.post_json_as("/api/v1/me/tokens", &op, body.clone()).await.json().await.unwrap();
        assert_eq!(response["error"]["details"]["field"], field, "{body}: {response}");
    }
    let bad_scope = app.post_json_as("/api/v1/me/tokens", &op, json!({"name": "ci", "scope": "root"})).await;
    assert_eq!(error_code(bad_scope).await, "validation_error");
    assert_eq!(app.post_json("/api/v1/me/tokens", json!({"name": "ci", "scope": "read"})).await.status(), 401);
    assert!(api_token::Entity::find().all(&app.db().db).await.unwrap().is_empty(), "nothing was stored");
});

#[tokio::test]
async fn token_requests_skip_the_cross_site_check_and_each_token_has_its_own_budget() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let toml = format!("{NETWORK_TOML}\n[auth]\ntoken_requests_per_minute = 3\n");
        let app = spawn_app_with(backend, &[], &toml).await;
        let op = operator(&app, "op").await;
        let (first, second) = (secret(&app, &op, "read-write").await, secret(&app, &op, "read-write").await);
        let cross_site = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("authorization", format!("Bearer {first}"))
            .header("origin", "https://evil.example")
            .json(&json!({"asn": 64500, "zt_network_id": NET}))
            .send()
            .await
            .unwrap();
        assert_eq!(cross_site.status(), 201, "no cookie: not a browser credential");
        // With the session cookie as well, the browser's check applies.
        let with_cookie = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("authorization", format!("Bearer {first}"))
            .header("cookie", &op)
            .header("origin", "https://evil.example")
            .json(&json!({"asn": 64501, "zt_network_id": NET}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(with_cookie).await, "csrf_failed");
        // The budget of 3: the request above, and two more.
        for _ in 0..2 {
            assert_eq!(call(&app, "GET", "/api/v1/me", &first, None).await.status(), 200);
        }
        let limited = call(&app, "GET", "/api/v1/me", &first, None).await;
        assert_eq!(limited.status(), 429);
        assert!(limited.headers().contains_key("retry-after"));
        assert_eq!(call(&app, "GET", "/api/v1/me", &second, None).await.status(), 200, "another token has its own budget");
        assert_eq!(app.get_as("/api/v1/me", &op).await.status(), 200, "the browser session is not limited by it");
    }
}
