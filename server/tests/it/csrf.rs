//! Cross-site requests to every state-changing route are refused before any effect.

use domain::entities::{audit_event, login_attempt, oauth_state, user_session};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::{app_test, error_code};

/// Every state-changing route, JSON API and server functions.
const ROUTES: &[&str] = &[
    "/api/v1/auth/peeringdb/start",
    "/api/v1/auth/peeringdb/callback",
    "/api/v1/auth/local/login",
    "/api/v1/auth/logout",
    "/api/ui/login",
    "/api/ui/logout",
    "/api/ui/peeringdb-callback",
    "/api/ui/viewer",
    "/api/ui/networks",
];

app_test!(async fn cross_site_writes_are_refused_before_they_touch_anything(app) {
    app.create_account("victim", "correct horse battery staple", false, &[]).await;
    let cookie = app.login("victim", "correct horse battery staple").await;
    let sessions_before = user_session::Entity::find().count(&app.db().db).await.unwrap();
    let events_before = audit_event::Entity::find().count(&app.db().db).await.unwrap();
    let attempts_before = login_attempt::Entity::find().count(&app.db().db).await.unwrap();

    let refusals: &[(&str, &str)] = &[
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ];
    for path in ROUTES {
        for (header, value) in refusals {
            let response = app
                .client
                .post(app.url(path))
                .header(*header, *value)
                .header("cookie", &cookie)
                .json(&json!({"username": "victim", "password": "correct horse battery staple"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{path} with {header}: {value}");
            assert_eq!(error_code(response).await, "csrf_failed");
        }
    }
    assert_eq!(user_session::Entity::find().count(&app.db().db).await.unwrap(), sessions_before);
    assert_eq!(audit_event::Entity::find().count(&app.db().db).await.unwrap(), events_before);
    assert_eq!(login_attempt::Entity::find().count(&app.db().db).await.unwrap(), attempts_before);
    assert_eq!(oauth_state::Entity::find().count(&app.db().db).await.unwrap(), 0);
    assert_eq!(app.get_as("/api/v1/me", &cookie).await.status(), 200, "the session is untouched");
});

app_test!(async fn same_origin_and_non_browser_writes_pass_the_check(app) {
    app.create_account("user1", "correct horse battery staple", false, &[]).await;
    let origin = app.address.clone();
    for headers in [vec![("origin", origin.as_str()), ("sec-fetch-site", "same-origin")], vec![]] {
        let mut request = app.client.post(app.url("/api/v1/auth/local/login"));
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let response = request
            .json(&json!({"username": "user1", "password": "correct horse battery staple"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{headers:?}");
    }
});
