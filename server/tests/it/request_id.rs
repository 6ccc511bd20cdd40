use crate::helpers::app_test;

app_test!(async fn a_request_id_is_generated_when_none_is_sent(app) {
    let response = app.get("/healthz").await;
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let again = app.get("/healthz").await.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id, again, "each request gets its own id");
});

app_test!(async fn a_sane_incoming_request_id_is_echoed(app) {
    let response = app.client.get(app.url("/")).header("x-request-id", "lb-7f3a.42").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a.42");
});

app_test!(async fn an_unsafe_incoming_request_id_is_replaced(app) {
    let long = "x".repeat(300);
    for bad in ["with space", "quote\"inside", long.as_str()] {
        let response = app.client.get(app.url("/healthz")).header("x-request-id", bad).send().await.unwrap();
        let echoed = response.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(echoed, bad);
        assert!(uuid::Uuid::parse_str(echoed).is_ok(), "{echoed}");
    }
});
