use serde_json::Value;

use crate::helpers::app_test;

app_test!(async fn healthz_answers_without_dependencies(app) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "ok");
});

app_test!(async fn readyz_says_why_when_the_database_is_gone(app) {
    // Closing the shared pool makes every later query fail, as an outage would.
    app.db().db.clone().close().await.unwrap();
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["reason"], "database unreachable");
    // liveness does not depend on the database
    assert_eq!(app.get("/healthz").await.status(), 200);
});

app_test!(async fn readyz_is_not_ready_before_the_controller_preflight(app) {
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["reason"], "controller preflight has not completed yet");
});
