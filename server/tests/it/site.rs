use crate::helpers::{app_test, TestApp};

/// A string of a locale catalog, e.g. `catalog("he", &["login", "title"])`.
fn catalog(locale: &str, key: &[&str]) -> String {
    let path = format!("{}/../app/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
    let mut value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for part in key {
        value = value[*part].take();
    }
    value.as_str().unwrap_or_else(|| panic!("{locale}: {key:?} is a string")).to_owned()
}

/// The opening `<html …>` tag of a page.
async fn html_tag(app: &TestApp, headers: &[(&str, &str)]) -> (String, String) {
    let response = app.page_with("/login", headers).await;
    assert_eq!(response.status(), 200);
    assert!(
        !response.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with(app::LOCALE_COOKIE)),
        "rendering a page never sets the language cookie"
    );
    let html = response.text().await.unwrap();
    let start = html.find("<html").unwrap();
    let tag = html[start..start + html[start..].find('>').unwrap() + 1].to_owned();
    (tag, html)
}

app_test!(async fn the_login_page_is_rendered_on_the_server_with_the_configured_networks(app) {
    let response = app.page("/login", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"lang="en-US""#) && html.contains(r#"dir="ltr""#), "{html}");
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

app_test!(async fn pages_are_rendered_in_the_browsers_language_with_its_direction(app) {
    let (tag, html) = html_tag(&app, &[("accept-language", "he-IL,he;q=0.9,en;q=0.5")]).await;
    assert!(tag.contains(r#"lang="he""#) && tag.contains(r#"dir="rtl""#), "{tag}");
    assert!(html.contains(&catalog("he", &["login", "lead"])), "the Hebrew text is rendered on the server");
    assert!(!html.contains(&catalog("en-US", &["login", "lead"])), "no English flash");

    let (tag, html) = html_tag(&app, &[("accept-language", "zh-CN,zh;q=0.9")]).await;
    assert!(tag.contains(r#"lang="zh-CN""#) && tag.contains(r#"dir="ltr""#), "{tag}");
    assert!(html.contains(&catalog("zh-CN", &["login", "lead"])));

    // A language the portal does not have falls back to the first locale.
    let (tag, html) = html_tag(&app, &[("accept-language", "fr-FR,fr;q=0.9")]).await;
    assert!(tag.contains(r#"lang="en-US""#), "{tag}");
    assert!(html.contains(&catalog("en-US", &["login", "lead"])));
});

app_test!(async fn the_remembered_language_wins_over_the_browsers(app) {
    let cookie = format!("{}=zh-CN", app::LOCALE_COOKIE);
    let (tag, html) = html_tag(&app, &[("accept-language", "he"), ("cookie", &cookie)]).await;
    assert!(tag.contains(r#"lang="zh-CN""#), "{tag}");
    assert!(html.contains(&catalog("zh-CN", &["login", "lead"])));
    // A cookie naming no known language is ignored.
    let cookie = format!("{}=xx", app::LOCALE_COOKIE);
    let (tag, _) = html_tag(&app, &[("accept-language", "he"), ("cookie", &cookie)]).await;
    assert!(tag.contains(r#"lang="he""#), "{tag}");
});

app_test!(async fn the_language_link_remembers_the_choice_and_returns_to_a_local_page(app) {
    let response = app.get("/locale/he?next=%2Fadmin%2Frequests%3Fstatus%3Dpending").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/requests?status=pending");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with(&format!("{}=he;", app::LOCALE_COOKIE)), "{cookie}");
    assert!(cookie.contains("Path=/") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age="), "{cookie}");

    for next in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example"] {
        let response = app.get(&format!("/locale/zh-CN?next={next}")).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/", "{next} is not followed");
    }
    let response = app.get("/locale/xx-YY").await;
    assert_eq!(response.status(), 404);
    assert!(response.headers().get("set-cookie").is_none());
});

app_test!(async fn the_brand_comes_from_the_build_time_file(app) {
    let branding: toml::Value =
        toml::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../branding/branding.toml")).unwrap())
            .unwrap();
    let html = app.page("/login", None).await.text().await.unwrap();
    let name = branding["name"].as_str().unwrap();
    assert!(html.contains(&format!("class=\"brand-name\">{name}")), "{html}");
    assert!(html.contains(&format!("href=\"{}\"", branding["support_url"].as_str().unwrap())));
    assert!(html.contains(&format!("href=\"{}\"", branding["footer_link"]["url"].as_str().unwrap())));
    assert!(html.contains(branding["footer_link"]["label"].as_str().unwrap()));
    assert!(html.contains("<svg"), "the logo is inlined");

    let logo = app.get("/brand/logo.svg").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert!(logo.text().await.unwrap().starts_with("<svg"));
});

/// Listing a server's pages holds back resource loading in the whole process while it
/// runs; a page rendered meanwhile by another server once never finished. The list is
/// made once per process now, so pages render while other servers start.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_while_other_servers_start() {
    let app = crate::helpers::spawn_app(domain::testing::Backend::Sqlite).await;
    let starting = tokio::spawn(async {
        for _ in 0..40 {
            let other = crate::helpers::spawn_app(domain::testing::Backend::Sqlite).await;
            drop(other);
        }
    });
    let mut rendered = 0;
    while !starting.is_finished() {
        let pages = ["/login", "/login", "/login"].map(|path| tokio::time::timeout(std::time::Duration::from_secs(10), app.page(path, None)));
        for page in futures::future::join_all(pages).await {
            assert_eq!(page.expect("a page renders while other servers start").status(), 200);
            rendered += 1;
        }
    }
    starting.await.unwrap();
    assert!(rendered > 0);
}

// The page guard answers before anything renders: a bare redirect, no page behind it.
// (The pages also send visitors to `/login` on their own; `page_guard`'s unit tests and
// the browser tests check each side alone.)
app_test!(async fn the_page_guard_redirects_before_the_page_renders(app) {
    for path in ["/", "/onboarding", "/dashboard", "/admin/requests"] {
        let response = app.page(path, None).await;
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(response.headers()["location"], "/login", "{path}");
        assert!(response.headers().get("content-type").is_none(), "{path}: a page was rendered: {:?}", response.headers());
        assert!(response.bytes().await.unwrap().is_empty(), "{path}");
    }
});
