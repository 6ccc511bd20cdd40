//! PeeringDB login through the JSON API and the browser redirect, against a provider
//! that signs real RS256 ID tokens, on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use domain::entities::{app_user, audit_event, oauth_state};
use domain::testing::Backend;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{error_code, session_cookie, spawn_app_with, TestApp, NETWORK_TOML};
use crate::support::oidc_provider::{default_profile, ExpectAuth, Fault, OidcProvider};

pub(crate) const REDIRECT_URI: &str = "http://127.0.0.1:3000/auth/callback";

pub(crate) async fn setup(backend: Backend, extra: &[(&str, &str)], toml: &str) -> (TestApp, OidcProvider) {
    let provider = OidcProvider::start().await;
    let mut vars: Vec<(String, String)> = provider.env(REDIRECT_URI);
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    (spawn_app_with(backend, &borrowed, toml).await, provider)
}

pub(crate) async fn start(app: &TestApp) -> Value {
    let response = app.post_json("/api/v1/auth/peeringdb/start", json!({})).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["data"].clone()
}

async fn callback(app: &TestApp, code: &str, state: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/peeringdb/callback", json!({"code": code, "state": state})).await
}

/// start → approve at the provider → callback.
async fn login(app: &TestApp, provider: &OidcProvider) -> reqwest::Response {
    let started = start(app).await;
    let (code, state) = provider.approve(started["authorization_url"].as_str().unwrap()).await;
    callback(app, &code, &state).await
}

async fn users(app: &TestApp) -> u64 {
    app_user::Entity::find().count(&app.db().db).await.unwrap()
}

pub(crate) async fn both(test: impl AsyncFn(Backend)) {
    crate::helpers::within_limit(test(Backend::Sqlite)).await;
    crate::helpers::within_limit(test(Backend::Postgres)).await;
}

#[tokio::test]
async fn start_describes_the_authorization_request() {
    let (app, provider) = setup(Backend::Sqlite, &[], NETWORK_TOML).await;
    let started = start(&app).await;
    assert_eq!(started["redirect_uri"], REDIRECT_URI);
    assert_eq!(started["scope"], "openid profile email networks");
    let url = url::Url::parse(started["authorization_url"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(&format!("{}/oauth2/authorize/", provider.base)));
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], crate::support::oidc_provider::CLIENT_ID);
    assert_eq!(q["state"], started["state"].as_str().unwrap());
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q.contains_key("nonce") && q.contains_key("code_challenge"));
    let expires = chrono::DateTime::parse_from_rfc3339(started["expires_at"].as_str().unwrap()).unwrap();
    let ttl = expires.with_timezone(&Utc) - Utc::now();
    assert!(ttl > Duration::seconds(590) && ttl <= Duration::seconds(600), "{ttl}");
}

#[tokio::test]
async fn a_valid_login_upserts_the_user_keeps_readable_networks_and_opens_a_session() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let response = login(&app, &provider).await;
        assert_eq!(response.status(), 200);
        let cookie = session_cookie(&response).unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["auth"]["mode"], "peeringdb");
        assert_eq!(body["data"]["auth"]["authorized_asn_count"], 2, "{body}");
        assert_eq!(body["data"]["auth"]["has_eligible_asn"], true);
        assert_eq!(body["data"]["user"]["peeringdb_user_id"], 3);
        assert_eq!(body["data"]["user"]["full_name"], "Jane Doe");
        assert_eq!(body["data"]["user"]["email"], "jane@example.net");

        let asns: Value = app.get_as("/api/v1/asns", &cookie).await.json().await.unwrap();
        let list: Vec<i64> = asns["data"]["asns"].as_array().unwrap().iter().map(|a| a["asn"].as_i64().unwrap()).collect();
        assert_eq!(list, [64500, 64501], "read bit (1) grants eligibility; create-only (4) does not");
        assert_eq!(asns["data"]["asns"][0]["net_id"], 20);
        assert_eq!(asns["data"]["asns"][0]["net_name"], "Example Net");
        assert_eq!(asns["data"]["asns"][0]["source"], "peeringdb");

        // the same person again: same user, not a new one
        assert_eq!(login(&app, &provider).await.status(), 200);
        assert_eq!(users(&app).await, 1);
        let events = audit_event::Entity::find().all(&app.db().db).await.unwrap();
        assert_eq!(events.iter().filter(|e| e.action == "auth.login_succeeded").count(), 2);
    })
    .await;
}

#[tokio::test]
async fn asns_lost_in_peeringdb_are_removed_at_the_next_login() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let first = login(&app, &provider).await;
        assert_eq!(first.status(), 200);
        // a request on the ASN that PeeringDB will stop granting
        let cookie = session_cookie(&first).unwrap();
        let filed = app.post_json_as("/api/v1/requests", &cookie, json!({"asn": 64501, "zt_network_id": "8056c2e21c000001"})).await;
        assert_eq!(filed.status(), 201);
        let id = filed.json::<Value>().await.unwrap()["data"]["request"]["id"].as_str().unwrap().to_owned();
        let mut profile = default_profile();
        profile["networks"] = json!([{"id": 20, "name": "Example Net", "asn": 64500, "perms": 15}]);
        provider.set_profile(profile);
        let response = login(&app, &provider).await;
        let cookie = session_cookie(&response).unwrap();
        let asns: Value = app.get_as("/api/v1/asns", &cookie).await.json().await.unwrap();
        assert_eq!(asns["data"]["asns"].as_array().unwrap().len(), 1);
        assert_eq!(asns["data"]["asns"][0]["asn"], 64500);
        // the request is flagged for the admins, not removed
        let flagged = domain::entities::join_request::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
            .one(&app.db().db)
            .await
            .unwrap()
            .unwrap();
        assert!(flagged.affiliation_lost_at.is_some());
        assert_eq!(flagged.status, domain::workflow::RequestStatus::Pending);
        let events = audit_event::Entity::find().all(&app.db().db).await.unwrap();
        let lost: Vec<_> = events.iter().filter(|e| e.action == "join_request.affiliation_lost").collect();
        assert_eq!(lost.len(), 1);
        assert_eq!((lost[0].target_id.as_str(), lost[0].metadata["asn"].as_i64()), (id.as_str(), Some(64501)));
    })
    .await;
}

#[tokio::test]
async fn manage_peering_sessions_can_be_required() {
    let toml = format!("{NETWORK_TOML}\n[peeringdb]\nrequire_manage_peering_sessions = true\n");
    let (app, provider) = setup(Backend::Sqlite, &[], &toml).await;
    let response = login(&app, &provider).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["auth"]["authorized_asn_count"], 1, "64501 has read access but cannot manage sessions");
}

#[tokio::test]
async fn client_secret_basic_can_be_chosen() {
    let (app, provider) = setup(Backend::Sqlite, &[("PEERINGDB_TOKEN_AUTH_METHOD", "client_secret_basic")], NETWORK_TOML).await;
    provider.expect_auth(ExpectAuth::Basic);
    assert_eq!(login(&app, &provider).await.status(), 200);
    // and the default (post) is refused by a provider that wants basic
    let (app, provider) = setup(Backend::Sqlite, &[], NETWORK_TOML).await;
    provider.expect_auth(ExpectAuth::Basic);
    let response = login(&app, &provider).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn replayed_unknown_and_expired_states_are_refused_before_any_code_exchange() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let started = start(&app).await;
        let (code, state) = provider.approve(started["authorization_url"].as_str().unwrap()).await;
        assert_eq!(callback(&app, &code, &state).await.status(), 200);
        assert_eq!(provider.token_calls(), 1);

        let replay = callback(&app, &code, &state).await;
        assert_eq!(replay.status(), 400);
        assert_eq!(error_code(replay).await, "invalid_state");
        let unknown = callback(&app, "some-code", "never-issued-state").await;
        assert_eq!(error_code(unknown).await, "invalid_state");

        let started = start(&app).await;
        let (code, state) = provider.approve(started["authorization_url"].as_str().unwrap()).await;
        oauth_state::Entity::update_many()
            .col_expr(oauth_state::Column::ExpiresAt, Expr::value(Utc::now() - Duration::seconds(1)))
            .exec(&app.db().db)
            .await
            .unwrap();
        let expired = callback(&app, &code, &state).await;
        assert_eq!(expired.status(), 400);
        assert_eq!(error_code(expired).await, "expired_state");
        assert_eq!(provider.token_calls(), 1, "no refused state reached the token endpoint");

        let events = audit_event::Entity::find().all(&app.db().db).await.unwrap();
        let reasons: Vec<_> = events
            .iter()
            .filter(|e| e.action == "auth.login_failed")
            .map(|e| e.metadata["reason"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(reasons, ["invalid_state", "invalid_state", "expired_state"]);
    })
    .await;
}

#[tokio::test]
async fn each_id_token_defect_is_refused_with_the_check_that_failed() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let cases = [
            (Fault::ForgedSignature, "upstream_auth_failure", Some("signature")),
            (Fault::UnknownKey, "upstream_auth_failure", Some("signature")),
            (Fault::WrongAudience, "upstream_auth_failure", Some("audience")),
            (Fault::WrongIssuer, "upstream_auth_failure", Some("issuer")),
            (Fault::Expired, "upstream_auth_failure", Some("expired")),
            (Fault::Hs256, "upstream_auth_failure", Some("algorithm")),
            (Fault::NoIdToken, "upstream_auth_failure", Some("missing_id_token")),
            (Fault::WrongNonce, "invalid_nonce", None),
            (Fault::TokenEndpointDown, "upstream_auth_failure", Some("token_endpoint")),
            (Fault::TokenInvalidGrant, "upstream_auth_failure", Some("token_endpoint")),
            (Fault::ProfileForbidden, "upstream_auth_failure", Some("profile_endpoint")),
            (Fault::ProfileGarbage, "upstream_auth_failure", Some("profile_invalid")),
            (Fault::SubjectMismatch, "upstream_auth_failure", Some("subject_mismatch")),
        ];
        for (fault, code, detail) in cases {
            provider.set_fault(fault);
            let response = login(&app, &provider).await;
            assert_eq!(response.status(), 400, "{fault:?}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], code, "{fault:?}: {body}");
            if let Some(detail) = detail {
                assert_eq!(body["error"]["details"]["detail_code"], detail, "{fault:?}: {body}");
            }
        }
        assert_eq!(users(&app).await, 0, "no failed login stored a user");
    })
    .await;
}

#[tokio::test]
async fn a_key_rotation_is_picked_up_by_fetching_the_keys_again() {
    let (app, provider) = setup(Backend::Sqlite, &[], NETWORK_TOML).await;
    assert_eq!(login(&app, &provider).await.status(), 200);
    let fetched = provider.jwks_calls();
    provider.set_fault(Fault::UnknownKey);
    assert_eq!(login(&app, &provider).await.status(), 400);
    assert_eq!(provider.jwks_calls(), fetched + 1, "an unknown key id refreshes the key set once");
}

#[tokio::test]
async fn unverified_accounts_and_emails_are_refused() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let mut profile = default_profile();
        profile["verified_user"] = json!(false);
        provider.set_profile(profile);
        let response = login(&app, &provider).await;
        assert_eq!(response.status(), 403);
        assert_eq!(error_code(response).await, "unverified_account");

        let mut profile = default_profile();
        profile["verified_email"] = json!(false);
        provider.set_profile(profile);
        let response = login(&app, &provider).await;
        assert_eq!(response.status(), 403);
        assert_eq!(users(&app).await, 0);
    })
    .await;
}

#[tokio::test]
async fn callback_errors_and_missing_parameters_are_explained() {
    let (app, _provider) = setup(Backend::Sqlite, &[], NETWORK_TOML).await;
    let response = app.post_json("/api/v1/auth/peeringdb/callback", json!({"error": "access_denied"})).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "oauth_error");
    assert_eq!(body["error"]["details"]["error"], "access_denied");
    for body in [json!({"code": "x"}), json!({"state": "y"}), json!({}), json!({"code": "", "state": ""})] {
        let response = app.post_json("/api/v1/auth/peeringdb/callback", body).await;
        assert_eq!(response.status(), 400);
        assert_eq!(error_code(response).await, "missing_code_or_state");
    }
}

#[tokio::test]
async fn malformed_callback_bodies_are_refused_without_storing_anything() {
    let (app, _provider) = setup(Backend::Sqlite, &[], NETWORK_TOML).await;
    let url = app.url("/api/v1/auth/peeringdb/callback");
    let send = |body: String| app.client.post(&url).header("content-type", "application/json").body(body).send();
    for (body, status, code) in [
        ("{not json".to_owned(), 400, "validation_error"),
        ("[1,2,3]".to_owned(), 400, "validation_error"),
        (r#"{"code":"a","state":"b","extra":1}"#.to_owned(), 400, "validation_error"),
        (r#"{"code":5,"state":"b"}"#.to_owned(), 400, "validation_error"),
        (format!(r#"{{"code":"{}","state":"b"}}"#, "x".repeat(100_000)), 413, "payload_too_large"),
    ] {
        let response = send(body).await.unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(error_code(response).await, code);
    }
    assert_eq!(users(&app).await, 0);
    assert_eq!(oauth_state::Entity::find().count(&app.db().db).await.unwrap(), 0);
}

#[tokio::test]
async fn without_peeringdb_configured_start_is_unavailable() {
    let app = spawn_app_with(Backend::Sqlite, &[], NETWORK_TOML).await;
    let response = app.post_json("/api/v1/auth/peeringdb/start", json!({})).await;
    assert_eq!(response.status(), 503);
    assert_eq!(error_code(response).await, "auth_provider_unavailable");
    let redirect = app.get("/auth/peeringdb/login").await;
    assert_eq!(redirect.headers()["location"], "/login?error=auth_provider_unavailable");
}

#[tokio::test]
async fn the_browser_flow_lands_on_onboarding_only_in_the_browser_that_started_it() {
    both(async |backend| {
        let (app, provider) = setup(backend, &[], NETWORK_TOML).await;
        let response = app.get("/auth/peeringdb/login").await;
        assert!(response.status().is_redirection());
        let binding = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("zt_ix_login_state="))
            .expect("the login is bound to this browser");
        let binding = binding.split(';').next().unwrap().to_owned();
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let (code, state) = provider.approve(&location).await;
        let callback_path = format!("/auth/callback?code={code}&state={state}");

        // the same link opened in another browser (no binding cookie) is refused
        let other = app.page(&callback_path, None).await;
        let html = other.text().await.unwrap();
        assert!(html.contains("invalid_state"), "{html}");
        assert!(html.contains("Try again"));
        assert_eq!(provider.token_calls(), 0);

        let mine = app.page(&callback_path, Some(&binding)).await;
        assert_eq!(mine.status(), 302);
        assert_eq!(mine.headers()["location"], "/onboarding");
        let cookie = session_cookie(&mine).expect("session cookie");
        assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 200);
    })
    .await;
}
