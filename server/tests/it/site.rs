use crate::helpers::app_test;

app_test!(async fn the_overview_is_rendered_on_the_server_with_the_configured_networks(app) {
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en-US\" dir=\"ltr\">"), "{html}");
    assert!(html.contains("ZT-IX Frankfurt"));
    assert!(html.contains("8056c2e21c000001"));
    assert!(html.contains("id=\"primary-nav\""));
    assert!(html.contains("/pkg/zt-ix.js"), "hydration script is referenced");
});

app_test!(async fn the_networks_server_function_answers_json(app) {
    let response = app
        .client
        .post(app.url("/api/ui/networks"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["networks"][0]["id"], "8056c2e21c000001");
    assert_eq!(body["networks"][0]["ipv6_prefix"], "2001:db8:1::/64");
    assert!(body["checked_at"].as_str().unwrap().ends_with('Z'));
});

app_test!(async fn unknown_pages_are_404_inside_the_shell(app) {
    let response = app.get("/definitely/not/here").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("id=\"primary-nav\""));
});
