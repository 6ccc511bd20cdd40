//! The admins' account management (`/api/v1/admin/users…`, the same code as the account
//! screens): the same rows and audit events as `zt-ix users …`, set-password links used
//! once, disabling and ending sessions at once, bad input refused without a write, the
//! last enabled admin kept under concurrent demotions, and members reading their own
//! request's events.

use std::process::Command;

use domain::entities::{app_user, audit_event};
use domain::identity::accounts::{self, AccountChanges, AccountError, Who};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, TestApp, NETWORK_TOML};
use crate::requests::{admin, created_id, operator, NET, PASSWORD};

const BIN: &str = env!("CARGO_BIN_EXE_zt-ix");

/// Runs `zt-ix users …` against the portal's database.
fn cli(app: &TestApp, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("runtime.toml"), NETWORK_TOML).unwrap();
    let out = tokio::task::block_in_place(|| {
        Command::new(BIN)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &app.db().url)
            .env("ZTIX_RUNTIME_CONFIG_PATH", dir.path().join("runtime.toml"))
            .current_dir(dir.path())
            .arg("users")
            .args(args)
            .output()
            .unwrap()
    });
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "zt-ix users {args:?}: {text}");
    text
}

async fn account(app: &TestApp, cookie: &str, username: &str) -> Value {
    let list: Value = app.get_as(&format!("/api/v1/admin/users?q={username}"), cookie).await.json().await.unwrap();
    list["data"]["users"].as_array().unwrap().iter().find(|u| u["username"] == username).cloned().unwrap_or_else(|| panic!("{username} listed"))
}

/// An account as the screens show it, without what differs by nature (id, name, times).
fn comparable(mut account: Value) -> Value {
    for key in ["id", "username", "created_at", "last_login_at"] {
        account.as_object_mut().unwrap().remove(key);
    }
    account
}

/// The `user.*` audit events of `username`: action and metadata keys, with the actor's kind.
async fn trail(app: &TestApp, username: &str) -> Vec<(String, Vec<String>, bool)> {
    let user = app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(&app.db().db).await.unwrap().unwrap();
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(user.id.to_string()))
        .filter(audit_event::Column::Action.starts_with("user."))
        .order_by_asc(audit_event::Column::CreatedAt)
        .all(&app.db().db)
        .await
        .unwrap();
    events
        .into_iter()
        .map(|e| {
            let mut keys: Vec<String> = e.metadata.as_object().unwrap().keys().filter(|k| *k != "system_actor").cloned().collect();
            keys.sort();
            (e.action, keys, e.actor_user_id.is_some())
        })
        .collect()
}

fn token_of(url: &str) -> String {
    url.split("token=").nth(1).unwrap().to_owned()
}

app_test!(async fn the_account_screens_and_the_cli_make_the_same_accounts(app) {
    let adm = admin(&app).await;
    let op = operator(&app, "op").await;
    assert_eq!(app.get_as("/api/v1/admin/users", &op).await.status(), 403);

    let body = json!({"username": "Carol", "full_name": "Carol Ops", "email": "carol@example.net", "asns": [64510], "networks": ["000001"]});
    let created = app.post_json_as("/api/v1/admin/users", &adm, body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["data"]["user"]["username"], "carol");
    let link = created["data"]["password_link"]["url"].as_str().unwrap().to_owned();
    assert!(link.contains("/set-password?token="), "{link}");
    let printed = cli(&app, &["create", "--username", "dave", "--password-link", "--asn", "64510", "--network", "000001", "--full-name", "Carol Ops", "--email", "carol@example.net"]);
    assert!(printed.contains("/set-password?token="), "{printed}");
    assert_eq!(comparable(account(&app, &adm, "carol").await), comparable(account(&app, &adm, "dave").await));

    // The link sets the password once; until then nobody can log in.
    let early = app.post_json("/api/v1/auth/local/login", json!({"username": "carol", "password": PASSWORD})).await;
    assert_eq!(error_code(early).await, "invalid_credentials");
    let set = app.post_json("/api/v1/auth/password-link", json!({"token": token_of(&link), "password": PASSWORD})).await;
    assert_eq!(set.status(), 200);
    let carol = app.login("carol", PASSWORD).await;
    let again = app.post_json("/api/v1/auth/password-link", json!({"token": token_of(&link), "password": "another long password"})).await;
    assert_eq!(error_code(again).await, "invalid_password_link");
    // The link is checked before the password is (no hashing for a forged link).
    let forged = app.post_json("/api/v1/auth/password-link", json!({"token": "x", "password": "short"})).await;
    assert_eq!(error_code(forged).await, "invalid_password_link");
    let relink: Value = app.post_json_as(&format!("/api/v1/admin/users/{}/password-link", created["data"]["user"]["id"].as_str().unwrap()), &adm, json!({})).await.json().await.unwrap();
    let fresh = token_of(relink["data"]["password_link"]["url"].as_str().unwrap());
    let short = app.post_json("/api/v1/auth/password-link", json!({"token": fresh, "password": "short"})).await;
    assert_eq!(error_code(short).await, "validation_error");
    assert!(cli(&app, &["password-link", "--username", "dave"]).contains("token="));

    // The same change through both.
    let id = account(&app, &adm, "carol").await["id"].as_str().unwrap().to_owned();
    let patched = app.client.patch(app.url(&format!("/api/v1/admin/users/{id}"))).header("cookie", &adm).json(&json!({"asns": [64511], "is_admin": true})).send().await.unwrap();
    assert_eq!(patched.status(), 200);
    cli(&app, &["update", "--username", "dave", "--asn", "64511", "--admin"]);
    let (carol_row, dave_row) = (account(&app, &adm, "carol").await, account(&app, &adm, "dave").await);
    assert_eq!(carol_row["asns"], json!([64511]));
    assert_eq!(comparable(carol_row), comparable(dave_row));
    // Carol also set her password; the rest is the same events with the same facts.
    let by_screen: Vec<_> = trail(&app, "carol").await.into_iter().filter(|(action, ..)| action != "user.password_set").collect();
    let by_cli = trail(&app, "dave").await;
    let without_actor = |t: &[(String, Vec<String>, bool)]| t.iter().map(|(a, k, _)| (a.clone(), k.clone())).collect::<Vec<_>>();
    assert_eq!(without_actor(&by_screen), without_actor(&by_cli));
    assert_eq!(by_cli.iter().map(|(a, ..)| a.as_str()).collect::<Vec<_>>(), ["user.created", "user.password_link_issued", "user.password_link_issued", "user.updated"]);
    assert!(by_screen.iter().all(|(_, _, by_person)| *by_person), "the admin is the actor");
    assert!(by_cli.iter().all(|(_, _, by_person)| !*by_person), "the CLI is the actor");

    // Disabling and ending sessions take effect at once.
    assert_eq!(app.post_json_as(&format!("/api/v1/admin/users/{id}/disable"), &adm, json!({})).await.status(), 200);
    assert_eq!(app.get_as("/api/v1/me", &carol).await.status(), 401);
    let refused = app.post_json("/api/v1/auth/local/login", json!({"username": "carol", "password": PASSWORD})).await;
    assert_eq!(error_code(refused).await, "credential_disabled");
    assert_eq!(app.post_json_as(&format!("/api/v1/admin/users/{id}/enable"), &adm, json!({})).await.status(), 200);
    let op_id = account(&app, &adm, "op").await["id"].as_str().unwrap().to_owned();
    let ended: Value = app.post_json_as(&format!("/api/v1/admin/users/{op_id}/end-sessions"), &adm, json!({})).await.json().await.unwrap();
    assert_eq!(ended["data"]["sessions_ended"], 1);
    assert_eq!(app.get_as("/api/v1/me", &op).await.status(), 401);
    let relink: Value = app.post_json_as(&format!("/api/v1/admin/users/{op_id}/password-link"), &adm, json!({})).await.json().await.unwrap();
    assert!(relink["data"]["password_link"]["url"].as_str().unwrap().contains("token="));
});

app_test!(async fn bad_account_input_is_refused_without_a_write(app) {
    let adm = admin(&app).await;
    let users = || async { app_user::Entity::find().count(&app.db().db).await.unwrap() };
    let before = users().await;
    let cases = [
        (json!({"username": "has space"}), 400, "validation_error"),
        (json!({"username": "admin"}), 409, "username_taken"),
        (json!({"username": "x", "networks": ["ffffff"]}), 400, "validation_error"),
        (json!({"username": "x", "email": "nope"}), 400, "validation_error"),
        (json!({"username": "x", "asns": [0]}), 400, "validation_error"),
        (json!({"username": "x", "role": "root"}), 400, "validation_error"),
    ];
    for (body, status, code) in cases {
        let response = app.post_json_as("/api/v1/admin/users", &adm, body.clone()).await;
        assert_eq!(response.status(), status, "{body}");
        assert_eq!(error_code(response).await, code, "{body}");
    }
    assert_eq!(users().await, before, "nothing was written");
    let missing = app.get_as("/api/v1/admin/users/not-a-uuid", &adm).await;
    assert_eq!(error_code(missing).await, "not_found");
    let unknown = app.post_json_as(&format!("/api/v1/admin/users/{}/disable", uuid::Uuid::new_v4()), &adm, json!({})).await;
    assert_eq!(error_code(unknown).await, "not_found");
    // The only admin cannot demote or disable themself; an admin still waiting for a
    // first password does not count as the one who remains.
    let me = account(&app, &adm, "admin").await["id"].as_str().unwrap().to_owned();
    let demote_me = || app.client.patch(app.url(&format!("/api/v1/admin/users/{me}"))).header("cookie", &adm).json(&json!({"is_admin": false})).send();
    assert_eq!(error_code(demote_me().await.unwrap()).await, "last_admin");
    let second: Value = app.post_json_as("/api/v1/admin/users", &adm, json!({"username": "second", "is_admin": true})).await.json().await.unwrap();
    assert_eq!(error_code(demote_me().await.unwrap()).await, "last_admin", "the new admin cannot log in yet");
    let token = second["data"]["password_link"]["url"].as_str().unwrap().split("token=").nth(1).unwrap().to_owned();
    assert_eq!(app.post_json("/api/v1/auth/password-link", json!({"token": token, "password": PASSWORD})).await.status(), 200);
    let second = app.login("second", PASSWORD).await;
    let demote = demote_me().await.unwrap();
    assert_eq!(demote.status(), 200);
    let adm = second;
    let me = account(&app, &adm, "second").await["id"].as_str().unwrap().to_owned();
    assert_eq!(error_code(app.post_json_as(&format!("/api/v1/admin/users/{me}/disable"), &adm, json!({})).await).await, "last_admin");
});

app_test!(async fn two_admins_demoting_each_other_at_once_leave_one_admin(app) {
    let db = &app.db().db;
    let auth = &app.services().settings.auth;
    for round in 0..6 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        app.create_account(&a, PASSWORD, true, &[]).await;
        app.create_account(&b, PASSWORD, true, &[]).await;
        // Take every other admin away first, so these two are the last.
        for other in accounts::list(db, None).await.unwrap().into_iter().filter(|u| u.is_admin && u.username != a && u.username != b) {
            accounts::update(db, auth, accounts::cli(), Who::Id(other.id), AccountChanges { is_admin: Some(false), ..Default::default() }).await.unwrap();
        }
        let demote = |name: String| async move {
            let changes = AccountChanges { is_admin: Some(false), ..Default::default() };
            accounts::update(db, auth, accounts::cli(), Who::from(name.as_str()), changes).await
        };
        let disable = |name: String| async move { accounts::set_enabled(db, accounts::cli(), Who::from(name.as_str()), false).await.map(|_| ()) };
        let (first, second) = if round % 2 == 0 {
            let (x, y) = tokio::join!(demote(a.clone()), demote(b.clone()));
            (x.map(|_| ()), y.map(|_| ()))
        } else {
            let (x, y) = tokio::join!(disable(a.clone()), demote(b.clone()));
            (x, y.map(|_| ()))
        };
        let refused = [&first, &second].iter().filter(|r| matches!(r, Err(AccountError::LastAdmin(_)))).count();
        assert_eq!(refused, 1, "round {round}: exactly one change wins ({first:?}, {second:?})");
        let admins: Vec<_> = accounts::list(db, None).await.unwrap().into_iter().filter(|u| u.is_admin && u.is_enabled).collect();
        assert_eq!(admins.len(), 1, "round {round}: one enabled admin remains");
    }
});

app_test!(async fn members_read_their_own_requests_events(app) {
    let op = operator(&app, "op").await;
    let adm = admin(&app).await;
    let id = created_id(&app, &op, json!({"asn": 64500, "zt_network_id": NET})).await;
    assert_eq!(app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &adm, json!({})).await.status(), 200);
    let events: Value = app.get_as(&format!("/api/v1/requests/{id}/events"), &op).await.json().await.unwrap();
    let events = events["data"]["events"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = events.iter().map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap())).collect();
    assert_eq!(seen[..2], [("join_request.created", "you"), ("join_request.approved", "exchange")]);
    assert!(!events.iter().any(|e| e.to_string().contains("admin")), "admins are not named: {events:?}");
    let other = operator(&app, "other").await;
    assert_eq!(error_code(app.get_as(&format!("/api/v1/requests/{id}/events"), &other).await).await, "request_not_found");
    let page = app.page(&format!("/requests/{id}"), Some(&op)).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"activity\""), "the request page shows the activity");
});
