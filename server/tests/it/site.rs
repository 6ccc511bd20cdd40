use crate::helpers::app_test;

app_test!(async fn the_login_page_is_rendered_on_the_server_with_the_configured_networks(app) {
    let response = app.page("/login", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en-US\" dir=\"ltr\">"), "{html}");
    assert!(html.contains("ZT-IX Frankfurt"));
    assert!(html.contains("8056c2e21c000001"));
    assert!(html.contains("id=\"primary-nav\""));
    assert!(html.contains("name=\"username\"") && html.contains("name=\"password\""), "the local form is there");
    assert!(!html.contains("Log in with PeeringDB"), "PeeringDB is not configured here");
    assert!(html.contains("/pkg/zt-ix.js"), "hydration script is referenced");
});

app_test!(async fn the_root_sends_visitors_to_login_and_operators_onward(app) {
    let response = app.page("/", None).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login");
    app.create_account("op", "correct horse battery staple", false, &[64500]).await;
    let cookie = app.login("op", "correct horse battery staple").await;
    let response = app.page("/", Some(&cookie)).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/dashboard");
    app.create_account("boss", "correct horse battery staple", true, &[]).await;
    let cookie = app.login("boss", "correct horse battery staple").await;
    assert_eq!(app.page("/", Some(&cookie)).await.headers()["location"], "/admin/requests");
});

app_test!(async fn onboarding_needs_a_session_and_lists_the_operators_asns(app) {
    let response = app.page("/onboarding", None).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login");
    app.create_account("op", "correct horse battery staple", false, &[64500]).await;
    let cookie = app.login("op", "correct horse battery staple").await;
    let html = app.page("/onboarding", Some(&cookie)).await.text().await.unwrap();
    assert!(html.contains(r#"value="64500""#), "the ASN is offered: {html}");
    assert!(html.contains(r#"name="node_id""#));
    assert!(html.contains("Log out"));
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
    let response = app.page("/definitely/not/here", None).await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("id=\"primary-nav\""));
});

app_test!(async fn unknown_api_paths_and_methods_answer_in_the_envelope(app) {
    let response = app.get("/api/v1/nope").await;
    assert_eq!(response.status(), 404);
    assert_eq!(crate::helpers::error_code(response).await, "not_found");
    let response = app.get("/api/v1/auth/local/login").await;
    assert_eq!(response.status(), 405);
    assert_eq!(crate::helpers::error_code(response).await, "method_not_allowed");
});
