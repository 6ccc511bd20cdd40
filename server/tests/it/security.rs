//! Response headers, body limits, the authorization matrix of every API route and the
//! metrics operators scrape, on SQLite and PostgreSQL.

use serde_json::{json, Value};

use crate::helpers::{app_test, error_code, spawn_app_with, TestApp, NETWORK_TOML};
use crate::requests::{admin, created_id, operator, PASSWORD};

const NET: &str = "8056c2e21c000001";

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{name} is missing"))
}

app_test!(async fn pages_carry_a_nonce_policy_that_matches_their_scripts(app) {
    let response = app.page("/login", None).await;
    assert_eq!(response.status(), 200);
    let policy = header(&response, "content-security-policy").to_owned();
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert_eq!(header(&response, "referrer-policy"), "same-origin");
    assert!(response.headers().get("strict-transport-security").is_none(), "no HSTS over plain http in development");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {policy}"))
        .to_owned();
    assert_eq!(header(&response, "cache-control"), "no-store", "pages are never cached");
    let html = response.text().await.unwrap();
    // Not even an empty inline script without the nonce (the policy would report it).
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "the page hydrates");
    assert!(!html.contains("<script></script>"), "{html}");
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every script carries this response's nonce");

    let again = app.page("/login", None).await;
    assert!(!header(&again, "content-security-policy").contains(&nonce), "each response gets a new nonce");
});

app_test!(async fn api_answers_and_files_are_locked_down(app) {
    for path in ["/api/v1/me", "/api/v1/openapi.json", "/brand/logo.svg", "/healthz", "/api/v1/nope"] {
        let response = app.get(path).await;
        let policy = header(&response, "content-security-policy");
        assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
    }
});

app_test!(async fn personal_answers_are_never_stored_by_caches(app) {
    let cookie = operator(app, "cached").await;
    for path in ["/api/v1/me", "/api/v1/requests", "/api/v1/nope"] {
        let response = app.get_as(path, &cookie).await;
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
    }
    let dashboard = app.page("/dashboard", Some(&cookie)).await;
    assert_eq!(dashboard.status(), 200);
    assert_eq!(header(&dashboard, "cache-control"), "no-store");
    let logo = app.get("/brand/logo.svg").await;
    assert_ne!(logo.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "files keep their caching");
});

app_test!(async fn oversized_bodies_are_refused_in_the_envelope(app) {
    let cookie = operator(app, "op").await;
    let notes = "x".repeat(70 * 1024);
    let response = app
        .post_json_as("/api/v1/requests", &cookie, json!({"asn": 64500, "zt_network_id": NET, "notes": notes}))
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(error_code(response).await, "payload_too_large");
    let big = "y".repeat(300 * 1024);
    let response = app
        .client
        .post(app.url("/api/ui/create-request"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("notes={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413, "server functions have a limit too");
});

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    Owner,
    OtherOperator,
    Admin,
}

const CALLERS: [Caller; 4] = [Caller::Anonymous, Caller::Owner, Caller::OtherOperator, Caller::Admin];

app_test!(async fn every_api_route_answers_each_kind_of_caller_as_specified(app) {
    let owner = operator(app, "owner").await;
    app.create_account("other", PASSWORD, false, &[64510]).await;
    let other = app.login("other", PASSWORD).await;
    let admin = admin(app).await;
    let mine = created_id(app, &owner, json!({"asn": 64500, "zt_network_id": NET})).await;
    let for_reject = created_id(app, &owner, json!({"asn": 64501, "zt_network_id": NET})).await;
    let cookie = |caller: Caller| match caller {
        Caller::Anonymous => None,
        Caller::Owner => Some(owner.clone()),
        Caller::OtherOperator => Some(other.clone()),
        Caller::Admin => Some(admin.clone()),
    };

    // (method, path, body, expected status for anonymous, owner, other operator, admin,
    // the code of a 409 or 429 in that row)
    // Reads first, then the writes that change state, so each row sees the same data.
    let node_taken = json!({"asn": 64510, "zt_network_id": NET, "node_id": "aabbccddee"});
    let matrix: Vec<(&str, String, Value, [u16; 4], Option<&str>)> = vec![
        ("GET", "/api/v1/openapi.json".into(), Value::Null, [200, 200, 200, 200], None),
        ("GET", "/api/v1/me".into(), Value::Null, [401, 200, 200, 200], None),
        ("GET", "/api/v1/asns".into(), Value::Null, [401, 200, 200, 200], None),
        ("GET", "/api/v1/onboarding/context".into(), Value::Null, [401, 200, 200, 200], None),
        ("GET", "/api/v1/requests".into(), Value::Null, [401, 200, 200, 200], None),
        ("GET", format!("/api/v1/requests/{mine}"), Value::Null, [401, 200, 404, 404], None),
        ("GET", "/api/v1/admin/requests".into(), Value::Null, [401, 403, 403, 200], None),
        ("GET", "/api/v1/admin/requests?min_age_minutes=4000000000".into(), Value::Null, [401, 403, 403, 400], None),
        ("GET", format!("/api/v1/admin/requests/{mine}"), Value::Null, [401, 403, 403, 200], None),
        ("POST", "/api/v1/requests".into(), json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"}), [401, 201, 403, 403], None),
        // The node is the owner's now: nobody else may file for it, whatever their ASN.
        ("POST", "/api/v1/requests".into(), node_taken, [401, 403, 409, 403], Some("node_in_use")),
        ("POST", "/api/v1/requests".into(), json!({"asn": 64501, "zt_network_id": NET, "node_id": "aabbccddee"}), [401, 409, 403, 403], Some("node_in_use")),
        ("POST", "/api/v1/requests".into(), json!({"asn": 64500, "zt_network_id": NET, "node_id": ""}), [401, 400, 400, 400], None),
        ("POST", format!("/api/v1/admin/requests/{mine}/approve"), json!({}), [401, 403, 403, 200], None),
        ("POST", format!("/api/v1/admin/requests/{for_reject}/reject"), json!({"reject_reason": "not an IX member"}), [401, 403, 403, 200], None),
        ("POST", format!("/api/v1/admin/requests/{mine}/retry"), json!({}), [401, 403, 403, 409], Some("invalid_status_transition")),
        ("POST", "/api/v1/auth/peeringdb/start".into(), json!({}), [503, 503, 503, 503], None),
        ("POST", "/api/v1/auth/local/login".into(), json!({}), [400, 400, 400, 400], None),
    ];
    for (method, path, body, expected, conflict) in &matrix {
        for (caller, status) in CALLERS.iter().zip(expected) {
            let mut request = match *method {
                "GET" => app.client.get(app.url(path)),
                _ => app.client.post(app.url(path)).json(body),
            };
            if let Some(cookie) = cookie(*caller) {
                request = request.header("cookie", cookie);
            }
            let response = request.send().await.unwrap();
            let got = response.status().as_u16();
            assert_eq!(got, *status, "{method} {path} {body} as {caller:?}");
            if got >= 400 {
                let details = response.json::<Value>().await.unwrap()["error"].clone();
                let code = details["code"].as_str().unwrap().to_owned();
                match got {
                    401 => assert_eq!(code, "unauthenticated", "{method} {path} as {caller:?}"),
                    403 if path.contains("/admin/") => assert_eq!(code, "forbidden", "{method} {path} as {caller:?}"),
                    404 => assert_eq!(code, "request_not_found", "{method} {path} as {caller:?}"),
                    409 | 429 => assert_eq!(Some(code.as_str()), *conflict, "{method} {path} as {caller:?}"),
                    _ => {}
                }
                if code == "node_in_use" && *caller == Caller::OtherOperator {
                    assert!(details["details"].get("existing_request_id").is_none(), "another member's request stays hidden: {details}");
                }
            }
        }
    }

    // Logout ends only the caller's own session.
    for caller in CALLERS {
        let expected = if caller == Caller::Anonymous { 401 } else { 200 };
        let mut request = app.client.post(app.url("/api/v1/auth/logout")).json(&json!({}));
        if let Some(cookie) = cookie(caller) {
            request = request.header("cookie", cookie);
        }
        assert_eq!(request.send().await.unwrap().status().as_u16(), expected, "logout as {caller:?}");
    }
    assert_eq!(app.get_as("/api/v1/me", &owner).await.status(), 401, "the owner's session ended");
});

async fn metrics(app: &TestApp, bearer: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

app_test!(async fn metrics_show_logins_and_requests_by_route_after_traffic(app) {
    app.create_account("metered", PASSWORD, false, &[64500]).await;
    let cookie = app.login("metered", PASSWORD).await;
    let refused = app.post_json("/api/v1/auth/local/login", json!({"username": "metered", "password": "wrong password"})).await;
    assert_eq!(refused.status(), 401);
    let id = created_id(app, &cookie, json!({"asn": 64500, "zt_network_id": NET})).await;
    assert_eq!(app.get_as(&format!("/api/v1/requests/{id}"), &cookie).await.status(), 200);

    let response = metrics(app, None).await;
    assert_eq!(response.status(), 200, "open outside production");
    assert!(header(&response, "content-type").starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    for expected in [
        "ztix_auth_attempts_total{method=\"local\",outcome=\"success\"}",
        "ztix_auth_attempts_total{method=\"local\",outcome=\"invalid_credentials\"}",
        "ztix_http_request_duration_seconds_bucket{route=\"/api/v1/requests/{id}\",method=\"GET\",status=\"200\",le=\"",
        "ztix_http_request_duration_seconds_count{route=\"/api/v1/requests\",method=\"POST\",status=\"201\"}",
        "ztix_join_requests{status=\"pending\"}",
        "ztix_join_requests{status=\"failed\"}",
        "ztix_controller_preflight_ok ",
    ] {
        assert!(text.contains(expected), "{expected} is missing from:\n{text}");
    }
    assert!(!text.contains(&id), "request ids never become label values");
});

#[tokio::test]
async fn production_sends_hsts_and_guards_metrics_with_a_bearer_token() {
    crate::helpers::within_limit(async {
        let vars = [
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://ix.example.net"),
            ("ZT_CONTROLLER_AUTH_TOKEN", "a-real-looking-controller-token"),
            ("METRICS_TOKEN", "operators-only-metrics-token"),
        ];
        let app = spawn_app_with(domain::testing::Backend::Sqlite, &vars, NETWORK_TOML).await;
        let page = app.page("/login", None).await;
        assert_eq!(header(&page, "strict-transport-security"), "max-age=63072000; includeSubDomains");
        assert_eq!(metrics(&app, None).await.status(), 401);
        assert_eq!(metrics(&app, Some("operators-only-metrics-tokeN")).await.status(), 401);
        let allowed = metrics(&app, Some("operators-only-metrics-token")).await;
        assert_eq!(allowed.status(), 200);
        assert!(allowed.text().await.unwrap().contains("ztix_controller_preflight_ok"));

        let without_token = [("APP_ENV", "production"), ("PUBLIC_BASE_URL", "https://ix.example.net"), ("ZT_CONTROLLER_AUTH_TOKEN", "a-real-looking-controller-token")];
        let closed = spawn_app_with(domain::testing::Backend::Sqlite, &without_token, NETWORK_TOML).await;
        assert_eq!(metrics(&closed, None).await.status(), 401, "production never serves metrics to anyone");
    })
    .await;
}
