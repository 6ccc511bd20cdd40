//! The audit log API: filters, keyset pages that stay stable while events are written,
//! CSV, and refusals that name their parameter.

use std::collections::HashSet;

use domain::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use domain::entities::audit_event;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::helpers::{app_test, error_code, TestApp};
use crate::requests::{admin, operator};

async fn page(app: &TestApp, cookie: &str, query: &str) -> Value {
    let response = app.get_as(&format!("/api/v1/admin/audit?{query}"), cookie).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
}

async fn write(app: &TestApp, actor: Actor, action: AuditAction, target: &str) {
    audit::record(&app.db().db, AuditEntry::new(actor, action, "join_request", target)).await.unwrap();
}

app_test!(async fn the_audit_log_filters_pages_newest_first_and_stays_stable_under_writes(app) {
    let adm = admin(&app).await;
    let op = operator(&app, "op").await;
    let _ = op;
    let admin_id = audit_event::Entity::find().all(&app.db().db).await.unwrap().into_iter().find_map(|e| (e.action == "auth.login_succeeded").then_some(e.actor_user_id).flatten()).unwrap();
    for i in 0..25 {
        let actor = if i % 2 == 0 { Actor::User(admin_id) } else { Actor::System(SystemActor::Worker) };
        let action = if i % 3 == 0 { AuditAction::JoinRequestApproved } else { AuditAction::JoinRequestRejected };
        write(&app, actor, action, &format!("target-{i}")).await;
    }
    let everything: HashSet<String> = audit_event::Entity::find().all(&app.db().db).await.unwrap().into_iter().map(|e| e.id.to_string()).collect();

    // Pages of 10, while 10 newer events arrive between the pages.
    let first = page(&app, &adm, "limit=10").await;
    let mut seen = ids(&first);
    let mut cursor = first["data"]["next_cursor"].as_str().unwrap().to_owned();
    let writers: Vec<_> = (0..10)
        .map(|i| {
            let db = app.db().db.clone();
            tokio::spawn(async move {
                audit::record(&db, AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::JoinRequestApproved, "join_request", format!("late-{i}"))).await.unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    loop {
        let next = page(&app, &adm, &format!("limit=10&cursor={cursor}")).await;
        seen.extend(ids(&next));
        match next["data"]["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    assert_eq!(unique, everything, "exactly the events that were there when paging began");
    let times: Vec<String> = first["data"]["events"].as_array().unwrap().iter().map(|e| e["created_at"].as_str().unwrap().to_owned()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");

    // Filters.
    let system = page(&app, &adm, "actor=system&action=join_request.rejected&limit=1000").await;
    let events = system["data"]["events"].as_array().unwrap();
    assert!(!events.is_empty() && events.iter().all(|e| e["actor_user_id"].is_null() && e["action"] == "join_request.rejected"));
    let by_admin = page(&app, &adm, "actor=admin&action=join_request.&limit=1000").await;
    assert_eq!(by_admin["data"]["events"].as_array().unwrap().len(), 13, "every second of the 25, by username, the family of actions");
    let one = page(&app, &adm, "target=join_request:target-7").await;
    assert_eq!(one["data"]["events"].as_array().unwrap().len(), 1);
    let future = page(&app, &adm, "from=2999-01-01").await;
    assert_eq!(future["data"]["events"], serde_json::json!([]));
    let past = page(&app, &adm, "to=2000-01-01T00:00:00Z").await;
    assert_eq!(past["data"]["events"], serde_json::json!([]));

    // CSV of the same page.
    let csv = app.get_as("/api/v1/admin/audit?format=csv&target=join_request:target-7", &adm).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("id,created_at,actor_user_id,action") && lines[1].contains("target-7"), "{text}");
});

app_test!(async fn bad_audit_queries_name_their_parameter_and_members_are_refused(app) {
    let adm = admin(&app).await;
    let op = operator(&app, "op").await;
    for (query, field) in [
        ("actor=nobody-here", "actor"),
        ("action=DROP%20TABLE", "action"),
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("cursor=not-ours", "cursor"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("target=", "x"),
        ("format=xml", "format"),
        ("color=blue", "color"),
    ] {
        let response = app.get_as(&format!("/api/v1/admin/audit?{query}"), &adm).await;
        if field == "x" {
            assert_eq!(response.status(), 200, "a blank filter is no filter");
            continue;
        }
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["details"]["field"], field, "{query}: {body}");
    }
    assert_eq!(error_code(app.get_as("/api/v1/admin/audit", &op).await).await, "forbidden");
    assert_eq!(app.get("/api/v1/admin/audit").await.status(), 401);
});
