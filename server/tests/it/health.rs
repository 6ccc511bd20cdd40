use serde_json::Value;

use crate::helpers::{app_test, spawn_app_with, NETWORK_TOML, OPERATOR_TOKEN};
use crate::requests::admin;

app_test!(async fn healthz_answers_without_dependencies(app) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "ok");
});

/// The portal with the operators' metrics token configured.
async fn with_operator_token(backend: domain::testing::Backend) -> crate::helpers::TestApp {
    spawn_app_with(backend, &[("METRICS_TOKEN", OPERATOR_TOKEN)], NETWORK_TOML).await
}

async fn both(test: impl AsyncFn(domain::testing::Backend)) {
    for backend in [domain::testing::Backend::Sqlite, domain::testing::Backend::Postgres] {
        crate::helpers::within_limit(test(backend)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_says_why_when_the_database_is_gone_to_operators_only() {
    both(async |backend| {
        let app = with_operator_token(backend).await;
        // Closing the shared pool makes every later query fail, as an outage would.
        app.db().db.clone().close().await.unwrap();
        let (status, body) = app.readiness(Some(OPERATOR_TOKEN)).await;
        assert_eq!(status, 503);
        assert_eq!(body["status"], "not_ready");
        assert_eq!(body["reason"], "database unreachable");
        let (status, anonymous) = app.readiness(None).await;
        assert_eq!(status, 503);
        assert_eq!(anonymous, serde_json::json!({"status": "not_ready"}), "anonymous callers learn the state only");
        // liveness does not depend on the database
        assert_eq!(app.get("/healthz").await.status(), 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_gives_the_reason_to_operators_and_admins_only() {
    both(async |backend| {
        let app = with_operator_token(backend).await;
        let (status, body) = app.readiness(Some(OPERATOR_TOKEN)).await;
        assert_eq!(status, 503);
        assert_eq!(body["checks"]["database"], "ok");
        assert_eq!(body["reason"], "controller preflight has not completed yet");

        let (_, anonymous) = app.readiness(None).await;
        assert_eq!(anonymous, serde_json::json!({"status": "not_ready"}));
        let (_, wrong) = app.readiness(Some("operators-readiness-token-012X")).await;
        assert!(wrong.get("reason").is_none(), "{wrong}");

        app.create_account("plain", crate::requests::PASSWORD, false, &[64500]).await;
        let operator = app.login("plain", crate::requests::PASSWORD).await;
        let as_operator: Value = app.get_as("/readyz", &operator).await.json().await.unwrap();
        assert!(as_operator.get("reason").is_none(), "members do not see internals: {as_operator}");
        let admin = admin(&app).await;
        let as_admin: Value = app.get_as("/readyz", &admin).await.json().await.unwrap();
        assert_eq!(as_admin["reason"], "controller preflight has not completed yet");
    })
    .await;
}
