//! Notifications from the outbox: events written with the change, e-mail to a real SMTP
//! server (aiosmtpd) in each person's language, signed webhooks checked by the Standard
//! Webhooks reference library, retries, dead letters, and address rules.

use std::time::Duration;

use domain::entities::{app_user, notification_delivery, notification_event};
use domain::testing::Backend;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app_with, spawn_app_with_worker, TestApp};
use crate::provisioning::{both, wait_for_status, wait_until, NET, SUFFIX_TOML};
use crate::support::notify::{HookReceiver, SmtpSink};
use crate::support::zt_controller::{ControllerSim, TOKEN};

pub const PASSWORD: &str = "correct horse battery staple";
/// Webhook receivers on loopback are allowed here; everywhere else they are refused.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn toml(extra: &str) -> String {
    with_notifications(SUFFIX_TOML, extra)
}

fn with_notifications(networks: &str, extra: &str) -> String {
    format!("{networks}\n[notifications]\ninterval_seconds = 1\nbackoff_seconds = 1\nbackoff_max_seconds = 2\ntimeout_seconds = 3\n{extra}\n[webhooks]\nallowed_networks = [\"127.0.0.0/8\"]\n")
}

/// `op` (AS64500, e-mail in `locale`) and `admin`, logged in.
async fn people(app: &TestApp, locale: &str) -> (String, String) {
    app.create_account("op", PASSWORD, false, &[64500]).await;
    app.create_account("admin", PASSWORD, true, &[]).await;
    for (name, email, locale) in [("op", "noc@as64500.example", Some(locale)), ("admin", "admin@ix.example", None)] {
        let user = app_user::Entity::find().filter(app_user::Column::Username.eq(name)).one(&app.services().db).await.unwrap().unwrap();
        let mut user = user.into_active_model();
        user.email = Set(Some(email.into()));
        user.locale = Set(locale.map(str::to_owned));
        user.update(&app.services().db).await.unwrap();
    }
    (app.login("op", PASSWORD).await, app.login("admin", PASSWORD).await)
}

async fn file_request(app: &TestApp, op: &str) -> String {
    let created: Value = app
        .post_json_as("/api/v1/requests", op, json!({"asn": 64500, "zt_network_id": NET, "node_id": "aabbccddee"}))
        .await
        .json()
        .await
        .unwrap();
    created["data"]["request"]["id"].as_str().expect("created").to_owned()
}

async fn events(app: &TestApp) -> Vec<String> {
    notification_event::Entity::find().all(&app.services().db).await.unwrap().into_iter().map(|e| e.kind).collect()
}

async fn mail_setup(backend: Backend, sink: &SmtpSink, extra: &str) -> (TestApp, ControllerSim) {
    let sim = ControllerSim::start().await;
    let (url, smtp) = (sim.url(), sink.url());
    let vars = [
        ("ZT_CONTROLLER_BASE_URL", url.as_str()),
        ("ZT_CONTROLLER_AUTH_TOKEN", TOKEN),
        ("SMTP_URL", smtp.as_str()),
        ("SMTP_FROM", "ZT-IX <noc@ix.example>"),
        ("PUBLIC_BASE_URL", "https://portal.ix.example"),
    ];
    let app = spawn_app_with_worker(backend, &vars, &toml(extra)).await;
    wait_until("readiness", Duration::from_secs(10), async || app.get("/readyz").await.status() == 200).await;
    (app, sim)
}

fn to(messages: &[Value], address: &str) -> Vec<Value> {
    messages.iter().filter(|m| m["rcpt_tos"] == json!([address])).cloned().collect()
}

#[tokio::test]
async fn a_transition_writes_its_event_in_its_own_transaction_and_a_refused_one_writes_none() {
    both(async |backend| {
        // No controller and no worker: the network is configured by its id.
        let network = format!("[[networks]]\nid = \"{NET}\"\nname = \"ZT-IX Frankfurt\"\ndescription = \"Peering LAN\"\nipv6_prefix = \"2001:db8:1::/64\"\n");
        let app = spawn_app_with(backend, &[], &with_notifications(&network, "")).await;
        let (op, admin) = people(&app, "en-US").await;
        let id = file_request(&app, &op).await;
        assert_eq!(events(&app).await, ["join_request.created"]);
        let reason = json!({"reject_reason": "Not a member of the association"});
        assert_eq!(app.post_json_as(&format!("/api/v1/admin/requests/{id}/reject"), &admin, reason.clone()).await.status(), 200);
        // Rejecting again is refused and tells nobody.
        assert_eq!(app.post_json_as(&format!("/api/v1/admin/requests/{id}/reject"), &admin, reason).await.status(), 409);
        let rows = notification_event::Entity::find().all(&app.services().db).await.unwrap();
        assert_eq!(rows.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["join_request.created", "join_request.rejected"]);
        let rejected: Value = serde_json::from_str(&rows[1].payload).unwrap();
        assert_eq!((rejected["to_status"].as_str(), rejected["reject_reason"].as_str()), (Some("rejected"), Some("Not a member of the association")));
        assert_eq!(rows[1].request_id.map(|r| r.to_string()), Some(id));
        // Each event's id is its audit event's.
        let audited = domain::entities::audit_event::Entity::find_by_id(rows[1].id).one(&app.services().db).await.unwrap().unwrap();
        assert_eq!(audited.action, "join_request.rejected");
    })
    .await;
}

#[tokio::test]
async fn e_mail_reaches_admins_and_the_member_in_their_language_as_they_chose() {
    both(async |backend| {
        let sink = SmtpSink::start();
        let (app, _sim) = mail_setup(backend, &sink, "").await;
        let (op, admin) = people(&app, "zh-CN").await;
        // The member turns "approved" off; "suspended" cannot be turned off.
        let chosen = app.put_json_as("/api/v1/me/notifications", &op, json!({"off": ["join_request.approved", "join_request.suspended"]})).await;
        assert_eq!(chosen.status(), 200);
        let chosen: Value = chosen.json().await.unwrap();
        let kind = |k: &str| chosen["data"]["notifications"]["kinds"].as_array().unwrap().iter().find(|c| c["kind"] == k).cloned().unwrap();
        assert_eq!((kind("join_request.approved")["on"].clone(), kind("join_request.suspended")["on"].clone()), (json!(false), json!(true)));
        assert_eq!(kind("join_request.suspended")["locked"], true);
        assert!(chosen["data"]["notifications"]["kinds"].as_array().unwrap().iter().all(|c| c["kind"] != "join_request.created"), "members do not get new-request mail");

        let id = file_request(&app, &op).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        wait_for_status(&app, &op, &id, "active").await;
        wait_until("the admin's and the member's mail", Duration::from_secs(20), async || sink.messages().len() >= 2).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let messages = sink.messages();
        let admin_mail = to(&messages, "admin@ix.example");
        assert_eq!(admin_mail.len(), 1, "{messages:#?}");
        let new = &admin_mail[0];
        assert_eq!(new["subject"], format!("New join request: AS64500 on ZT-IX Frankfurt ({NET})"));
        assert_eq!(new["content_type"], "multipart/alternative");
        assert!(new["text"].as_str().unwrap().contains(&format!("https://portal.ix.example/admin/requests/{id}")), "{new:#}");
        assert!(new["html"].as_str().unwrap().contains(&format!(r#"href="https://portal.ix.example/admin/requests/{id}""#)));
        assert_eq!(new["from"], "ZT-IX <noc@ix.example>");

        let member_mail = to(&messages, "noc@as64500.example");
        assert_eq!(member_mail.len(), 1, "approved is off: only the activation arrives: {member_mail:#?}");
        let active = &member_mail[0];
        assert_eq!(active["subject"], format!("AS64500 已接入 ZT-IX Frankfurt ({NET})"), "in the member's language");
        assert!(active["text"].as_str().unwrap().contains(&format!("https://portal.ix.example/requests/{id}")));
        assert!(active["html"].as_str().unwrap().contains(r#"lang="zh-CN""#));
        assert!(active["message_id"].as_str().unwrap().ends_with("@ix.example>"));

        // The suspension reaches the member although they tried to turn it off.
        let suspend = app.post_json_as(&format!("/api/v1/admin/requests/{id}/suspend"), &admin, json!({"reason": "Unpaid <fees>"})).await;
        assert_eq!(suspend.status(), 200);
        wait_until("the suspension mail", Duration::from_secs(20), async || to(&sink.messages(), "noc@as64500.example").len() == 2).await;
        let suspended = to(&sink.messages(), "noc@as64500.example").into_iter().find(|m| m["subject"].as_str().unwrap().contains("暂停")).unwrap();
        assert!(suspended["text"].as_str().unwrap().contains("Unpaid <fees>"));
        assert!(suspended["html"].as_str().unwrap().contains("Unpaid &lt;fees&gt;"), "escaped in HTML");
    })
    .await;
}

#[tokio::test]
async fn a_mail_server_that_is_down_gets_each_message_once_when_it_is_back() {
    both(async |backend| {
        let mut sink = SmtpSink::down();
        let (app, _sim) = mail_setup(backend, &sink, "").await;
        let (op, _admin) = people(&app, "en-US").await;
        file_request(&app, &op).await;
        let db = app.services().db.clone();
        let attempts = async || notification_delivery::Entity::find().one(&db).await.unwrap().map_or(0, |d| d.attempts);
        wait_until("two failed attempts", Duration::from_secs(20), async || attempts().await >= 2).await;
        let failing = notification_delivery::Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!(failing.status, "pending");
        assert!(failing.last_error.is_some() && failing.next_attempt_at > failing.created_at, "{failing:?}");
        sink.up();
        wait_until("the delivery", Duration::from_secs(20), async || notification_delivery::Entity::find().one(&db).await.unwrap().unwrap().status == "delivered").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(to(&sink.messages(), "admin@ix.example").len(), 1, "delivered once");
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains(r#"ztix_notification_deliveries_total{channel="email",outcome="retried"}"#), "{metrics}");
        assert!(metrics.contains(r#"ztix_notification_deliveries_total{channel="email",outcome="delivered"}"#), "{metrics}");
        assert!(metrics.contains("ztix_outbox_pending 0"), "{metrics}");
    })
    .await;
}

async fn webhook_app(backend: Backend, extra: &str) -> (TestApp, ControllerSim, String, String) {
    let sim = ControllerSim::start().await;
    let url = sim.url();
    let app = spawn_app_with_worker(backend, &[("ZT_CONTROLLER_BASE_URL", &url), ("ZT_CONTROLLER_AUTH_TOKEN", TOKEN)], &toml(extra)).await;
    let (op, admin) = people(&app, "en-US").await;
    (app, sim, op, admin)
}

async fn add_endpoint(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> Value {
    let response = app.post_json_as("/api/v1/admin/webhooks", admin, json!({"url": url, "events": events, "secret": SECRET})).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["secret"], SECRET);
    body["data"]["webhook"].clone()
}

#[tokio::test]
async fn webhooks_are_signed_so_the_reference_library_verifies_them_and_replays_fail() {
    both(async |backend| {
        let receiver = HookReceiver::start(SECRET, 0);
        let (app, _sim, op, admin) = webhook_app(backend, "").await;
        let endpoint = add_endpoint(&app, &admin, &receiver.url(), &["join_request.created", "join_request.active"]).await;
        let listed: Value = app.get_as("/api/v1/admin/webhooks", &admin).await.json().await.unwrap();
        assert_eq!(listed["data"]["webhooks"][0]["secret_hint"], "whsec_MfKQ…");
        assert!(!listed.to_string().contains(SECRET), "the secret is shown once");

        let id = file_request(&app, &op).await;
        app.post_json_as(&format!("/api/v1/admin/requests/{id}/approve"), &admin, json!({})).await;
        wait_until("two deliveries", Duration::from_secs(20), async || receiver.requests().len() >= 2).await;
        let test = app.post_json_as(&format!("/api/v1/admin/webhooks/{}/test", endpoint["id"].as_str().unwrap()), &admin, json!({})).await;
        assert_eq!(test.status(), 202);
        wait_until("the test delivery", Duration::from_secs(20), async || receiver.requests().len() >= 3).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let requests = receiver.requests();
        assert_eq!(requests.len(), 3, "created, active and the test; approved is not subscribed: {requests:#?}");
        assert!(requests.iter().all(|r| r["verified"] == true && r["status"] == 204), "{requests:#?}");
        let bodies: Vec<Value> = requests.iter().map(|r| serde_json::from_str(r["body"].as_str().unwrap()).unwrap()).collect();
        let active = bodies.iter().find(|b| b["type"] == "join_request.active").expect("the activation");
        assert_eq!((active["data"]["request"]["id"].as_str(), active["data"]["request"]["status"].as_str()), (Some(id.as_str()), Some("active")));
        assert_eq!(active["data"]["request"]["asn"], 64500);
        let created = requests.iter().find(|r| r["body"].as_str().unwrap().contains("join_request.created")).unwrap();
        let event = notification_event::Entity::find().filter(notification_event::Column::Kind.eq("join_request.created")).one(&app.services().db).await.unwrap().unwrap();
        assert_eq!(created["headers"]["webhook-id"], event.id.to_string(), "the event id is the idempotency key");

        // A captured delivery sent again later, or with another body, does not verify.
        let client = reqwest::Client::new();
        let replay = |timestamp: String, body: String| {
            let headers = created["headers"].clone();
            let client = client.clone();
            let url = receiver.url();
            async move {
                client
                    .post(url)
                    .header("webhook-id", headers["webhook-id"].as_str().unwrap())
                    .header("webhook-timestamp", timestamp)
                    .header("webhook-signature", headers["webhook-signature"].as_str().unwrap())
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        let (stamp, body) = (created["headers"]["webhook-timestamp"].as_str().unwrap().to_owned(), created["body"].as_str().unwrap().to_owned());
        assert_eq!(replay(stamp.clone(), body.clone()).await, 204, "the capture itself verifies");
        let stale = (stamp.parse::<i64>().unwrap() - 600).to_string();
        assert_eq!(replay(stale, body.clone()).await, 401, "outside the replay window");
        assert_eq!(replay(stamp, body.replace("64500", "64501")).await, 401, "another body");

        // The delivery log shows each delivery with its outcome.
        let log: Value = app.get_as(&format!("/api/v1/admin/notifications?endpoint={}", endpoint["id"].as_str().unwrap()), &admin).await.json().await.unwrap();
        let deliveries = log["data"]["outbox"]["deliveries"].as_array().unwrap();
        assert_eq!(deliveries.len(), 3);
        assert!(deliveries.iter().all(|d| d["status"] == "delivered" && d["response_status"] == 204 && d["attempts"] == 1 && d["latency_ms"].is_u64()), "{log:#}");
    })
    .await;
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_growing_waits_then_dead_until_an_admin_retries() {
    both(async |backend| {
        let receiver = HookReceiver::start(SECRET, 3);
        let (app, _sim, _op, admin) = webhook_app(backend, "max_attempts = 3").await;
        let endpoint = add_endpoint(&app, &admin, &receiver.url(), &["join_request.created"]).await;
        let id = endpoint["id"].as_str().unwrap().to_owned();
        app.post_json_as(&format!("/api/v1/admin/webhooks/{id}/test"), &admin, json!({})).await;
        let dead = async || {
            let log: Value = app.get_as("/api/v1/admin/notifications?status=dead", &admin).await.json().await.unwrap();
            log["data"]["outbox"]["deliveries"].as_array().unwrap().first().cloned()
        };
        wait_until("a dead letter", Duration::from_secs(30), async || dead().await.is_some()).await;
        let letter = dead().await.unwrap();
        assert_eq!((letter["attempts"].clone(), letter["response_status"].clone()), (json!(3), json!(500)), "{letter:#}");
        let mut times: Vec<f64> = receiver.requests().iter().map(|r| r["received_at"].as_f64().unwrap()).collect();
        times.sort_by(f64::total_cmp);
        assert_eq!(times.len(), 3);
        assert!(times[1] - times[0] >= 0.45, "backoff before the second attempt: {times:?}");
        assert!(times[2] - times[1] >= 0.9, "a longer one before the third: {times:?}");
        let overview: Value = app.get_as("/api/v1/admin/notifications", &admin).await.json().await.unwrap();
        assert_eq!(overview["data"]["outbox"]["dead"], 1);

        // Only a dead letter can be sent again; this one now reaches the receiver.
        let retry = app.post_json_as(&format!("/api/v1/admin/notifications/{}/retry", letter["id"].as_str().unwrap()), &admin, json!({})).await;
        assert_eq!(retry.status(), 200);
        let again = app.post_json_as(&format!("/api/v1/admin/notifications/{}/retry", letter["id"].as_str().unwrap()), &admin, json!({})).await;
        assert_eq!(error_code(again).await, "invalid_status_transition");
        wait_until("the retried delivery", Duration::from_secs(20), async || receiver.requests().iter().any(|r| r["status"] == 204)).await;
        let audit = crate::helpers::audit_actions(&app.services().db, domain::entities::audit_event::Column::TargetType.eq("notification_delivery")).await;
        assert_eq!(audit, ["notification.retried"]);
    })
    .await;
}

#[tokio::test]
async fn webhook_endpoints_into_internal_networks_and_bad_input_are_refused() {
    both(async |backend| {
        let app = spawn_app_with(backend, &[], SUFFIX_TOML).await;
        let (op, admin) = people(&app, "en-US").await;
        for url in ["http://127.0.0.1:9/hook", "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://localhost/hook", "http://[::ffff:192.168.1.1]/"] {
            let response = app.post_json_as("/api/v1/admin/webhooks", &admin, json!({"url": url, "events": ["join_request.created"]})).await;
            assert_eq!(response.status(), 400, "{url}");
            let body: Value = response.json().await.unwrap();
            assert_eq!((body["error"]["code"].as_str(), body["error"]["details"]["field"].as_str()), (Some("validation_error"), Some("url")), "{url}: {body}");
        }
        for (body, field) in [
            (json!({"url": "ftp://192.0.2.1/", "events": ["join_request.created"]}), "url"),
            (json!({"url": "https://u:p@192.0.2.1/", "events": ["join_request.created"]}), "url"),
            (json!({"url": "https://192.0.2.1/", "events": []}), "events"),
            (json!({"url": "https://192.0.2.1/", "events": ["join_request.exploded"]}), "events"),
            (json!({"url": "https://192.0.2.1/", "events": ["join_request.created"], "secret": "hunter2"}), "secret"),
        ] {
            let response: Value = app.post_json_as("/api/v1/admin/webhooks", &admin, body.clone()).await.json().await.unwrap();
            assert_eq!(response["error"]["details"]["field"], field, "{body}: {response}");
        }
        assert_eq!(app.post_json_as("/api/v1/admin/webhooks", &op, json!({"url": "https://192.0.2.1/", "events": ["join_request.created"]})).await.status(), 403);
        assert_eq!(app.get_as("/api/v1/admin/notifications", &op).await.status(), 403);
        assert_eq!(app.get_as("/api/v1/admin/notifications?status=lost", &admin).await.status(), 400);
        assert_eq!(app.put_json_as("/api/v1/me/notifications", &op, json!({"off": ["nope"]})).await.status(), 400);
        assert_eq!(app.post_json_as("/api/v1/admin/webhooks/not-a-uuid/test", &admin, json!({})).await.status(), 404);
        let none: Value = app.get_as("/api/v1/admin/webhooks", &admin).await.json().await.unwrap();
        assert_eq!(none["data"]["webhooks"], json!([]), "nothing was saved");
        // A public address is accepted, audited, changed and deleted.
        let created: Value = app.post_json_as("/api/v1/admin/webhooks", &admin, json!({"url": "https://192.0.2.1/hook", "events": ["join_request.created"]})).await.json().await.unwrap();
        let id = created["data"]["webhook"]["id"].as_str().unwrap().to_owned();
        assert!(created["data"]["secret"].as_str().unwrap().starts_with("whsec_"));
        let off: Value = app.client.patch(app.url(&format!("/api/v1/admin/webhooks/{id}"))).header("cookie", &admin).json(&json!({"enabled": false})).send().await.unwrap().json().await.unwrap();
        assert_eq!(off["data"]["webhook"]["enabled"], false);
        assert_eq!(app.client.delete(app.url(&format!("/api/v1/admin/webhooks/{id}"))).header("cookie", &admin).send().await.unwrap().status(), 200);
        let audit = crate::helpers::audit_actions(&app.services().db, domain::entities::audit_event::Column::TargetType.eq("webhook_endpoint")).await;
        assert_eq!(audit, ["webhook.created", "webhook.updated", "webhook.deleted"]);
    })
    .await;
}
