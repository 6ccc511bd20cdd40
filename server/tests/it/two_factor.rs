//! Two-factor login of local accounts: enrolment with a first code, the login's code
//! step (a code taken once, recovery codes once each, the challenge spent by any login,
//! the password step's throttle), only hashes of recovery codes stored, and admins kept
//! out of admin work until they enrol when `auth.require_totp_for_admins` is on.

use domain::entities::{local_credential, recovery_code};
use domain::identity::totp;
use domain::testing::Backend;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, session_cookie, spawn_app_with, TestApp, NETWORK_TOML};
use crate::requests::{admin, operator, PASSWORD};

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

/// Turns two-factor login on for the logged-in `cookie`; returns the secret and the
/// recovery codes.
pub async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>) {
    let begun = app.post_json_as("/api/v1/me/two-factor", cookie, json!({})).await;
    assert_eq!(begun.status(), 200);
    let setup: Value = begun.json().await.unwrap();
    let secret = setup["data"]["secret"].as_str().unwrap().to_owned();
    assert!(setup["data"]["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    assert!(setup["data"]["qr_svg"].as_str().unwrap().contains("<svg"));
    let wrong = app.post_json_as("/api/v1/me/two-factor/confirm", cookie, json!({"code": "000000"})).await;
    assert_eq!(error_code(wrong).await, "invalid_second_factor", "a wrong first code confirms nothing");
    let code = totp::code_at(&secret, now()).unwrap();
    let confirmed = app.post_json_as("/api/v1/me/two-factor/confirm", cookie, json!({"code": code})).await;
    assert_eq!(confirmed.status(), 200);
    let body: Value = confirmed.json().await.unwrap();
    let codes: Vec<String> = body["data"]["recovery_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    (secret, codes)
}

async fn password_step(app: &TestApp, username: &str) -> String {
    let response = app.post_json("/api/v1/auth/local/login", json!({"username": username, "password": PASSWORD})).await;
    assert_eq!(response.status(), 401);
    assert!(session_cookie(&response).is_none(), "no session before the code");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "second_factor_required");
    body["error"]["details"]["challenge"].as_str().unwrap().to_owned()
}

async fn code_step(app: &TestApp, challenge: &str, code: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/local/second-factor", json!({"challenge": challenge, "code": code})).await
}

app_test!(async fn a_login_needs_a_fresh_code_once_two_factor_is_on(app) {
    let cookie = operator(&app, "op").await;
    let (secret, codes) = enrol(&app, &cookie).await;
    let status: Value = app.get_as("/api/v1/me/two-factor", &cookie).await.json().await.unwrap();
    assert_eq!(status["data"]["enabled"], true);
    assert_eq!(status["data"]["recovery_codes_left"], 10);

    // Only keyed hashes of the recovery codes are stored.
    let stored: Vec<String> = recovery_code::Entity::find().all(&app.db().db).await.unwrap().into_iter().map(|r| r.code_hash).collect();
    assert_eq!(stored.len(), 10);
    assert!(codes.iter().all(|c| !stored.iter().any(|h| h.contains(&c.replace('-', "")) || h == c)));

    // The confirming code's step is spent: the next step's code logs in, once.
    let challenge = password_step(&app, "op").await;
    let wrong = code_step(&app, &challenge, "000000").await;
    assert_eq!(error_code(wrong).await, "invalid_second_factor");
    let code = totp::code_at(&secret, now() + 30).unwrap();
    let ok = code_step(&app, &challenge, &code).await;
    assert_eq!(ok.status(), 200);
    let session = session_cookie(&ok).expect("a session after the code");
    assert_eq!(app.get_as("/api/v1/me", &session).await.status(), 200);

    // The challenge is spent by that login, and the code cannot be replayed.
    let reused = code_step(&app, &challenge, &code).await;
    assert_eq!(error_code(reused).await, "login_challenge_expired");
    let replay = code_step(&app, &password_step(&app, "op").await, &code).await;
    assert_eq!(error_code(replay).await, "invalid_second_factor", "a code is taken once");

    // A recovery code works once.
    let recovered = code_step(&app, &password_step(&app, "op").await, &codes[0].to_uppercase()).await;
    assert_eq!(recovered.status(), 200);
    let again = code_step(&app, &password_step(&app, "op").await, &codes[0]).await;
    assert_eq!(error_code(again).await, "invalid_second_factor", "a recovery code is single use");
    let status: Value = app.get_as("/api/v1/me/two-factor", &session).await.json().await.unwrap();
    assert_eq!(status["data"]["recovery_codes_left"], 9);

    // A forged challenge is refused.
    let forged = code_step(&app, "e30.deadbeef", &codes[1]).await;
    assert_eq!(error_code(forged).await, "login_challenge_expired");

    let audit = crate::helpers::audit_actions(&app.db().db, domain::entities::audit_event::Column::Action.starts_with("auth.")).await;
    for action in ["auth.totp_enabled", "auth.second_factor_failed", "auth.recovery_code_used"] {
        assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
    }

    // Turning it off takes a code (here a recovery code); then the password is enough.
    let off = app.post_json_as("/api/v1/me/two-factor/disable", &session, json!({"code": "000000"})).await;
    assert_eq!(error_code(off).await, "invalid_second_factor");
    assert_eq!(app.post_json_as("/api/v1/me/two-factor/disable", &session, json!({"code": codes[2]})).await.status(), 200);
    assert!(recovery_code::Entity::find().all(&app.db().db).await.unwrap().is_empty());
    app.login("op", PASSWORD).await;
});

app_test!(async fn wrong_codes_count_towards_the_login_throttle(app) {
    let cookie = operator(&app, "op").await;
    enrol(&app, &cookie).await;
    let challenge = password_step(&app, "op").await;
    for _ in 0..5 {
        assert_eq!(error_code(code_step(&app, &challenge, "000000").await).await, "invalid_second_factor");
    }
    let throttled = code_step(&app, &challenge, "000000").await;
    assert_eq!(throttled.status(), 429);
    let password = app.post_json("/api/v1/auth/local/login", json!({"username": "op", "password": PASSWORD})).await;
    assert_eq!(password.status(), 429, "the password step is held back by the code step's failures too");
});

app_test!(async fn tokens_cannot_manage_two_factor(app) {
    let cookie = operator(&app, "op").await;
    // A pending secret is shown to the browser setting it up, never to a token.
    assert_eq!(app.post_json_as("/api/v1/me/two-factor", &cookie, json!({})).await.status(), 200);
    let reader: Value = app.post_json_as("/api/v1/me/tokens", &cookie, json!({"name": "ro", "scope": "read"})).await.json().await.unwrap();
    let read = reader["data"]["secret"].as_str().unwrap();
    let by_token: Value = app.client.get(app.url("/api/v1/me/two-factor")).header("authorization", format!("Bearer {read}")).send().await.unwrap().json().await.unwrap();
    assert!(by_token["data"]["pending"].is_null(), "{by_token}");
    let by_session: Value = app.get_as("/api/v1/me/two-factor", &cookie).await.json().await.unwrap();
    assert!(by_session["data"]["pending"]["secret"].is_string());
    sea_orm::ConnectionTrait::execute_unprepared(&app.db().db, "UPDATE local_credential SET totp_pending_secret = NULL").await.unwrap();
    let token: Value = app.post_json_as("/api/v1/me/tokens", &cookie, json!({"name": "ci", "scope": "read-write"})).await.json().await.unwrap();
    let secret = token["data"]["secret"].as_str().unwrap();
    let begun = app.client.post(app.url("/api/v1/me/two-factor")).header("authorization", format!("Bearer {secret}")).send().await.unwrap();
    assert_eq!(begun.status(), 403);
    let confirm = app.post_json_as("/api/v1/me/two-factor/confirm", &cookie, json!({"code": "123456"})).await;
    assert_eq!(error_code(confirm).await, "validation_error", "nothing to confirm before the set-up");
    let credential = local_credential::Entity::find().filter(local_credential::Column::LoginUsername.eq("op")).one(&app.db().db).await.unwrap().unwrap();
    assert!(credential.totp_secret.is_none() && credential.totp_pending_secret.is_none());
});

app_test!(async fn turning_it_off_takes_a_right_code_within_the_login_limits(app) {
    let cookie = operator(&app, "op").await;
    enrol(&app, &cookie).await;
    for _ in 0..5 {
        let wrong = app.post_json_as("/api/v1/me/two-factor/disable", &cookie, json!({"code": "000000"})).await;
        assert_eq!(error_code(wrong).await, "invalid_second_factor");
    }
    let throttled = app.post_json_as("/api/v1/me/two-factor/disable", &cookie, json!({"code": "000000"})).await;
    assert_eq!(throttled.status(), 429);
    let failures = crate::helpers::audit_actions(&app.db().db, domain::entities::audit_event::Column::Action.eq("auth.second_factor_failed")).await;
    assert_eq!(failures.len(), 5, "each wrong code is audited");
    let status: Value = app.get_as("/api/v1/me/two-factor", &cookie).await.json().await.unwrap();
    assert_eq!(status["data"]["enabled"], true);
});

app_test!(async fn a_login_challenge_dies_with_a_password_change(app) {
    let adm = admin(&app).await;
    let cookie = operator(&app, "op").await;
    enrol(&app, &cookie).await;
    let challenge = password_step(&app, "op").await;
    let users: Value = app.get_as("/api/v1/admin/users?q=op", &adm).await.json().await.unwrap();
    let id = users["data"]["users"].as_array().unwrap().iter().find(|u| u["username"] == "op").unwrap()["id"].as_str().unwrap().to_owned();
    let link: Value = app.post_json_as(&format!("/api/v1/admin/users/{id}/password-link"), &adm, json!({})).await.json().await.unwrap();
    let token = link["data"]["password_link"]["url"].as_str().unwrap().split("token=").nth(1).unwrap().to_owned();
    assert_eq!(app.post_json("/api/v1/auth/password-link", json!({"token": token, "password": "a brand new password"})).await.status(), 200);
    let stale = code_step(&app, &challenge, &totp::code_at(&enrolled_secret(&app, "op").await, now() + 30).unwrap()).await;
    assert_eq!(error_code(stale).await, "login_challenge_expired");
});

async fn enrolled_secret(app: &TestApp, username: &str) -> String {
    let credential = local_credential::Entity::find().filter(local_credential::Column::LoginUsername.eq(username)).one(&app.db().db).await.unwrap().unwrap();
    credential.totp_secret.unwrap()
}

#[tokio::test]
async fn admins_enrol_before_admin_work_when_the_exchange_requires_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let toml = format!("{NETWORK_TOML}\n[auth]\nrequire_totp_for_admins = true\n");
        let app = spawn_app_with(backend, &[], &toml).await;
        let cookie = admin(&app).await;
        let refused = app.get_as("/api/v1/admin/requests", &cookie).await;
        assert_eq!(refused.status(), 403);
        assert_eq!(error_code(refused).await, "second_factor_enrolment_required");
        let admin_token = app.post_json_as("/api/v1/me/tokens", &cookie, json!({"name": "ops", "scope": "admin"})).await;
        assert_eq!(error_code(admin_token).await, "second_factor_enrolment_required");
        let status: Value = app.get_as("/api/v1/me/two-factor", &cookie).await.json().await.unwrap();
        assert_eq!(status["data"]["required"], true);
        let (_, codes) = enrol(&app, &cookie).await;
        assert_eq!(app.get_as("/api/v1/admin/requests", &cookie).await.status(), 200);
        // An admin token works while its admin has the second factor, and is revoked with it.
        let token: Value = app.post_json_as("/api/v1/me/tokens", &cookie, json!({"name": "ops", "scope": "admin"})).await.json().await.unwrap();
        let secret = token["data"]["secret"].as_str().unwrap().to_owned();
        let with_token = || app.client.get(app.url("/api/v1/admin/requests")).header("authorization", format!("Bearer {secret}")).send();
        assert_eq!(with_token().await.unwrap().status(), 200);
        assert_eq!(app.post_json_as("/api/v1/me/two-factor/disable", &cookie, json!({"code": codes[0]})).await.status(), 200);
        assert_eq!(with_token().await.unwrap().status(), 401, "revoked with the second factor");
        assert_eq!(error_code(app.get_as("/api/v1/admin/requests", &cookie).await).await, "second_factor_enrolment_required");
        // Operators are not asked.
        let op = operator(&app, "op").await;
        assert_eq!(app.get_as("/api/v1/requests", &op).await.status(), 200);
    }
}
