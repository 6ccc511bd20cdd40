//! The pages' read models load in a fixed number of queries, however much they show.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use domain::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use domain::db::{self, PoolSettings};
use domain::db_test;
use domain::testing::fixtures;
use domain::views;
use domain::workflow::RequestStatus;
use sea_orm::{ActiveModelTrait, DatabaseConnection};
use uuid::Uuid;

/// A second connection to the test database that counts the statements it runs.
async fn counting(url: &str) -> (DatabaseConnection, Arc<AtomicUsize>) {
    let mut conn = db::connect(url, &PoolSettings::default()).await.expect("connect");
    let statements = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&statements);
    conn.set_metric_callback(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    (conn, statements)
}

async fn statements_for(conn: &DatabaseConnection, statements: &AtomicUsize, id: Uuid) -> (usize, usize) {
    statements.store(0, Ordering::SeqCst);
    let detail = views::admin_request(conn, id).await.expect("read").expect("the request exists");
    (statements.load(Ordering::SeqCst), detail.audit.len())
}

db_test!(async fn the_admin_request_page_takes_the_same_queries_for_any_audit_trail(t) {
    let requester = fixtures::user(&t.db, "requester", false).await;
    fixtures::network(&t.db, "8056c2e21c000001").await;
    let request = fixtures::request(requester.id, 64500, "8056c2e21c000001", None, RequestStatus::Pending)
        .insert(&t.db)
        .await
        .unwrap();
    let event = |actor, action| AuditEntry::new(actor, action, "join_request", request.id);
    audit::record(&t.db, event(Actor::User(requester.id), AuditAction::JoinRequestCreated)).await.unwrap();

    let (conn, statements) = counting(&t.url).await;
    let (short, lines) = statements_for(&conn, &statements, request.id).await;
    assert_eq!(lines, 1);
    assert!(short > 0, "the statements are counted");

    // Thirty more events by thirty different people and by the portal itself.
    for i in 0..30 {
        let admin = fixtures::user(&t.db, &format!("admin{i}"), true).await;
        audit::record(&t.db, event(Actor::User(admin.id), AuditAction::JoinRequestRetried)).await.unwrap();
        audit::record(&t.db, event(Actor::System(SystemActor::Worker), AuditAction::JoinRequestFailed)).await.unwrap();
    }
    let (long, lines) = statements_for(&conn, &statements, request.id).await;
    assert_eq!(lines, 61);
    assert_eq!(long, short, "one query per audit line or per person would grow with the trail");
});
