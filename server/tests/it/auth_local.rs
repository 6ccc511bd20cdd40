//! `POST /api/v1/auth/local/login`, sessions and logout, on SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use domain::entities::{audit_event, user_session};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, session_cookie, session_set_cookie, spawn_app_on, spawn_app_with, NETWORK_TOML};

const PASSWORD: &str = "correct horse battery staple";

async fn login_response(app: &crate::helpers::TestApp, username: &str, password: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/local/login", json!({"username": username, "password": password})).await
}

app_test!(async fn a_local_login_opens_a_session_with_the_right_cookie(app) {
    app.create_account("noc@example.net", PASSWORD, false, &[64500, 64501]).await;
    let response = login_response(app, "  NOC@example.net ", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = session_set_cookie(&response).unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(set_cookie.contains(flag), "{flag} missing: {set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "development cookies are not Secure: {set_cookie}");
    let cookie = session_cookie(&response).unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["auth"]["mode"], "local");
    assert_eq!(body["data"]["auth"]["authorized_asn_count"], 2);
    assert_eq!(body["data"]["auth"]["has_eligible_asn"], true);
    assert_eq!(body["data"]["user"]["username"], "noc@example.net");
    assert_eq!(body["data"]["user"]["is_admin"], false);
    assert!(body["data"]["user"]["peeringdb_user_id"].is_null());

    let me: Value = app.get_as("/api/v1/me", &cookie).await.json().await.unwrap();
    assert_eq!(me["data"]["user"]["username"], "noc@example.net");
    let asns: Vec<i64> = me["data"]["asns"].as_array().unwrap().iter().map(|a| a["asn"].as_i64().unwrap()).collect();
    assert_eq!(asns, [64500, 64501]);
    assert_eq!(me["data"]["asns"][0]["source"], "local");
    let list: Value = app.get_as("/api/v1/asns", &cookie).await.json().await.unwrap();
    assert_eq!(list["data"]["asns"].as_array().unwrap().len(), 2);
});

app_test!(async fn wrong_password_and_unknown_user_get_the_same_answer(app) {
    app.create_account("alice", PASSWORD, false, &[]).await;
    let wrong = login_response(app, "alice", "not the password at all").await;
    assert_eq!(wrong.status(), 401);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown = login_response(app, "mallory", "not the password at all").await;
    assert_eq!(unknown.status(), 401);
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"]["code"], "invalid_credentials");
    assert_eq!(user_session::Entity::find().count(&app.db().db).await.unwrap(), 0);
});

app_test!(async fn an_unknown_username_costs_as_much_time_as_a_wrong_password(app) {
    let accounts = ["alice", "bob", "carol"];
    for name in accounts {
        app.create_account(name, PASSWORD, false, &[]).await;
    }
    // Interleaved samples; the fastest of each kind is the least disturbed by other work.
    let mut wrong = Duration::MAX;
    let mut unknown = Duration::MAX;
    for i in 0..9 {
        let t = Instant::now();
        assert_eq!(login_response(app, accounts[i % 3], &format!("wrong password {i}")).await.status(), 401);
        wrong = wrong.min(t.elapsed());
        let t = Instant::now();
        assert_eq!(login_response(app, &format!("nobody-{i}"), "wrong password").await.status(), 401);
        unknown = unknown.min(t.elapsed());
    }
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    assert!((0.4..2.5).contains(&ratio), "unknown user {unknown:?} vs wrong password {wrong:?} (ratio {ratio:.2})");
});

app_test!(async fn a_disabled_account_is_refused_only_with_the_right_password(app) {
    app.create_account("bob", PASSWORD, false, &[]).await;
    domain::identity::accounts::set_enabled(&app.db().db, domain::identity::accounts::cli(), "bob".into(), false).await.unwrap();
    let response = login_response(app, "bob", PASSWORD).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "credential_disabled");
    let response = login_response(app, "bob", "guessing wrongly").await;
    assert_eq!(response.status(), 401, "a wrong password does not reveal that the account exists");
});

app_test!(async fn logout_ends_the_session_on_the_server(app) {
    app.create_account("carol", PASSWORD, false, &[]).await;
    let cookie = app.login("carol", PASSWORD).await;
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 200);
    let response = app.post_json_as("/api/v1/auth/logout", &cookie, json!({})).await;
    assert_eq!(response.status(), 200);
    assert!(session_set_cookie(&response).unwrap().contains("Max-Age=0"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["logged_out"], true);
    let again = app.get_as("/api/v1/me", &cookie).await;
    assert_eq!(again.status(), 401);
    assert_eq!(error_code(again).await, "unauthenticated");
    assert_eq!(user_session::Entity::find().count(&app.db().db).await.unwrap(), 0);
});

app_test!(async fn every_login_gets_a_new_session_and_ends_the_one_it_replaces(app) {
    app.create_account("dave", PASSWORD, false, &[]).await;
    let first = app.login("dave", PASSWORD).await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/local/login"))
        .header("cookie", &first)
        .json(&json!({"username": "dave", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second);
    assert_eq!(app.get_as("/api/v1/me", &first).await.status(), 401, "the old session is gone");
    assert_eq!(app.get_as("/api/v1/me", &second).await.status(), 200);
});

app_test!(async fn protected_routes_need_a_session(app) {
    for path in ["/api/v1/me", "/api/v1/asns"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(error_code(response).await, "unauthenticated");
        let forged = app.get_as(path, "zt_ix_session=forged-token-value").await;
        assert_eq!(forged.status(), 401, "{path}");
    }
    let response = app.post_json("/api/v1/auth/logout", json!({})).await;
    assert_eq!(response.status(), 401);
});

app_test!(async fn passwords_never_reach_the_audit_trail(app) {
    app.create_account("erin", PASSWORD, false, &[]).await;
    login_response(app, "erin", "a wrong password typed here").await;
    app.login("erin", PASSWORD).await;
    let events = audit_event::Entity::find().all(&app.db().db).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"user.created"));
    assert!(actions.contains(&"auth.login_failed"));
    assert!(actions.contains(&"auth.login_succeeded"));
    let failed = events.iter().find(|e| e.action == "auth.login_failed").unwrap();
    assert_eq!(failed.metadata["reason"], "wrong_password");
    for event in &events {
        let text = event.metadata.to_string();
        assert!(!text.contains(PASSWORD) && !text.contains("a wrong password typed here"), "{text}");
        assert!(!text.contains("$argon2"), "{text}");
    }
});

const STRICT: &str = r#"
[auth]
max_failures_per_username = 3
max_failures_per_client = 5
failure_window_seconds = 600
"#;

#[tokio::test]
async fn repeated_failures_for_one_username_are_throttled_even_with_the_right_password() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], STRICT).await;
        app.create_account("frank", PASSWORD, false, &[]).await;
        for _ in 0..3 {
            assert_eq!(login_response(&app, "frank", "nope nope nope").await.status(), 401);
        }
        let response = login_response(&app, "frank", PASSWORD).await;
        assert_eq!(response.status(), 429);
        let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=600).contains(&retry), "Retry-After {retry}");
        assert_eq!(error_code(response).await, "rate_limited");
        // another username is not affected
        app.create_account("grace", PASSWORD, false, &[]).await;
        assert_eq!(login_response(&app, "grace", PASSWORD).await.status(), 200);
    }
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], STRICT).await;
        app.create_account("heidi", PASSWORD, false, &[]).await;
        for i in 0..5 {
            assert_eq!(login_response(&app, &format!("guess-{i}"), "nope nope nope").await.status(), 401);
        }
        let response = login_response(&app, "heidi", PASSWORD).await;
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
    }
}

#[tokio::test]
async fn local_login_can_be_turned_off() {
    let app = spawn_app_with(domain::testing::Backend::Sqlite, &[("LOCAL_AUTH_ENABLED", "false")], NETWORK_TOML).await;
    app.create_account("ivan", PASSWORD, false, &[]).await;
    let response = login_response(&app, "ivan", PASSWORD).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_code(response).await, "local_auth_disabled");
}

#[tokio::test]
async fn production_cookies_are_secure() {
    let vars = [
        ("APP_ENV", "production"),
        ("PUBLIC_BASE_URL", "https://ix.example.net"),
        ("ZT_CONTROLLER_AUTH_TOKEN", "controller-token-from-file"),
    ];
    let app = spawn_app_with(domain::testing::Backend::Sqlite, &vars, NETWORK_TOML).await;
    app.create_account("judy", PASSWORD, false, &[]).await;
    let response = login_response(&app, "judy", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = session_set_cookie(&response).unwrap();
    assert!(set_cookie.starts_with("__Host-zt_ix_session="), "a sibling subdomain cannot plant it: {set_cookie}");
    assert!(set_cookie.contains("Secure") && set_cookie.contains("Path=/") && !set_cookie.contains("Domain="), "{set_cookie}");
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 200);
    // The same token under the unprefixed name (what a sibling subdomain could set) is not a session.
    let planted = cookie.replacen("__Host-", "", 1);
    assert_eq!(app.get_as("/api/v1/me", &planted).await.status(), 401);
}

/// 48 wrong passwords for one username at once: the check and the count are one step,
/// so exactly the limit get their `401` and every other one is throttled; the burst is
/// audited once, not 43 times.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_never_get_past_the_limit() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], NETWORK_TOML).await;
        app.create_account("mallet", PASSWORD, false, &[]).await;
        let attempts = (0..48).map(|_| login_response(&app, "mallet", "wrong wrong wrong"));
        let statuses: Vec<u16> = futures::future::join_all(attempts).await.iter().map(|r| r.status().as_u16()).collect();
        let refused = statuses.iter().filter(|s| **s == 401).count();
        let throttled = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((refused, throttled), (5, 43), "{backend:?}: {statuses:?}");
        let audited: Vec<String> = crate::helpers::audit_actions(&app.db().db, audit_event::Column::TargetId.eq("mallet")).await;
        assert_eq!(audited.iter().filter(|a| *a == "auth.login_throttled").count(), 1, "{backend:?}: {audited:?}");
        assert_eq!(audited.iter().filter(|a| *a == "auth.login_failed").count(), 5, "{backend:?}: {audited:?}");
        assert_eq!(login_response(&app, "mallet", PASSWORD).await.status(), 429, "the right password waits too");
    }
}

const BEHIND_PROXY: &str = "[auth]\nmax_failures_per_username = 100\n";

async fn login_from(app: &crate::helpers::TestApp, forwarded_for: &str, username: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/local/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_for_header_from_an_untrusted_peer_is_ignored() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], BEHIND_PROXY).await;
        app.create_account("olga", PASSWORD, false, &[]).await;
        for i in 0..30 {
            let response = login_from(&app, &format!("198.51.100.{i}"), &format!("guess-{i}"), "nope nope nope").await;
            assert_eq!(response.status(), 401);
        }
        // Every failure counted against the real peer, whatever the header claimed.
        assert_eq!(login_from(&app, "198.51.100.200", "olga", PASSWORD).await.status(), 429, "{backend:?}");
        let addresses: Vec<String> = domain::entities::login_attempt::Entity::find()
            .all(&app.db().db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.client_addr)
            .collect();
        assert!(addresses.iter().all(|a| a == "127.0.0.1"), "{addresses:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_one_client_cannot_lock_out_another() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[("TRUSTED_PROXIES", "127.0.0.0/8, ::1/128")], BEHIND_PROXY).await;
        app.create_account("pat", PASSWORD, false, &[]).await;
        for i in 0..30 {
            // The client forged a first entry; the proxy appended the address it saw.
            let response = login_from(&app, "192.0.2.9, 203.0.113.10", &format!("guess-{i}"), "nope nope nope").await;
            assert_eq!(response.status(), 401);
        }
        assert_eq!(login_from(&app, "203.0.113.10", "pat", PASSWORD).await.status(), 429, "client A is throttled");
        assert_eq!(login_from(&app, "203.0.113.20", "pat", PASSWORD).await.status(), 200, "client B is not ({backend:?})");
        let audited = audit_event::Entity::find().all(&app.db().db).await.unwrap();
        assert!(
            audited.iter().any(|e| e.action == "auth.login_succeeded" && e.metadata["client_addr"] == "203.0.113.20"),
            "the audit trail names the real client"
        );
    }
}

#[tokio::test]
async fn turning_local_accounts_off_ends_their_sessions() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], NETWORK_TOML).await;
        app.create_account("quinn", PASSWORD, false, &[]).await;
        let cookie = app.login("quinn", PASSWORD).await;
        let db = app.stop();
        let restarted = spawn_app_on(db, &[("LOCAL_AUTH_ENABLED", "false")], NETWORK_TOML).await;
        assert_eq!(restarted.get_as("/api/v1/me", &cookie).await.status(), 401, "{backend:?}");
        assert_eq!(user_session::Entity::find().count(&restarted.db().db).await.unwrap(), 0, "the session is gone");
    }
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        let app = spawn_app_with(backend, &[], NETWORK_TOML).await;
        app.create_account("ken", PASSWORD, false, &[]).await;
        let cookie = app.login("ken", PASSWORD).await;
        let db = app.stop();
        let restarted = spawn_app_on(db, &[], NETWORK_TOML).await;
        assert_eq!(restarted.get_as("/api/v1/me", &cookie).await.status(), 200);
    }
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_sessions() {
    let idle = "[auth]\nsession_idle_timeout_seconds = 1\n";
    let app = spawn_app_with(domain::testing::Backend::Sqlite, &[], idle).await;
    app.create_account("liz", PASSWORD, false, &[]).await;
    let cookie = app.login("liz", PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 401, "idle expiry");

    let absolute = "[auth]\nsession_lifetime_seconds = 1\n";
    let app = spawn_app_with(domain::testing::Backend::Sqlite, &[], absolute).await;
    app.create_account("liz", PASSWORD, false, &[]).await;
    let cookie = app.login("liz", PASSWORD).await;
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 401, "absolute expiry");
}

app_test!(async fn malformed_login_bodies_are_refused_in_the_envelope(app) {
    let url = app.url("/api/v1/auth/local/login");
    let cases = [
        ("".to_owned(), 400, "validation_error"),
        ("{".to_owned(), 400, "validation_error"),
        (r#"{"username":"a"}"#.to_owned(), 400, "validation_error"),
        (r#"{"username":"a","password":"b","remember":true}"#.to_owned(), 400, "validation_error"),
        (r#"{"username":1,"password":"b"}"#.to_owned(), 400, "validation_error"),
        (format!(r#"{{"username":"a","password":"{}"}}"#, "p".repeat(70_000)), 413, "payload_too_large"),
    ];
    for (body, status, code) in cases {
        let response = app.client.post(&url).header("content-type", "application/json").body(body.clone()).send().await.unwrap();
        assert_eq!(response.status(), status, "{}", &body[..body.len().min(60)]);
        assert_eq!(error_code(response).await, code);
    }
    let long = app.post_json("/api/v1/auth/local/login", json!({"username": "a", "password": "p".repeat(5000)})).await;
    assert_eq!(long.status(), 401, "over-long passwords are refused without hashing them");
    assert_eq!(user_session::Entity::find().count(&app.db().db).await.unwrap(), 0);
});
