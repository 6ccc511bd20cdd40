//! The invariants the database itself enforces, on SQLite and PostgreSQL.

use domain::db_test;
use domain::entities::{audit_event, join_request, zt_ipv6_assignment, zt_network};
use domain::testing::{fixtures, TestDb};
use domain::workflow::RequestStatus::{self, *};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, Statement,
};

const NET: &str = "8056c2e21c000001";

async fn setup(t: &TestDb) -> uuid::Uuid {
    fixtures::network(&t.db, NET).await;
    fixtures::user(&t.db, "alice", false).await.id
}

async fn insert(t: &TestDb, user: uuid::Uuid, asn: i64, node: Option<&str>, status: RequestStatus) -> Result<join_request::Model, DbErr> {
    fixtures::request(user, asn, NET, node, status).insert(&t.db).await
}

/// A request row as the schema before the lifecycle upgrade holds it.
fn without_lifecycle_columns(row: &mut join_request::ActiveModel) {
    use sea_orm::ActiveValue::NotSet;
    row.sync_due_at = NotSet;
    row.sync_attempts = NotSet;
    row.desired_revision = NotSet;
    row.retiring_node_id = NotSet;
    row.status_reason = NotSet;
    row.affiliation_lost_at = NotSet;
}

async fn table_names(t: &TestDb) -> Vec<String> {
    let sql = match t.backend {
        domain::testing::Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        domain::testing::Backend::Postgres => "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    };
    let rows = t.db.query_all(Statement::from_string(t.db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "name").unwrap()).collect()
}

db_test!(async fn migrations_go_up_down_and_up_again(t) {
    let all = [
        "api_token", "app_user", "audit_event", "bgp_session", "irr_expansion", "join_request", "local_credential", "login_attempt", "login_throttle_notice",
        "member_listing", "member_policy", "netixlan_check", "node_state", "notification_delivery", "notification_event", "oauth_state", "password_link", "recovery_code", "request_policy_override", "request_turn_up", "route_server_read", "seaql_migrations", "user_asn", "user_network_access", "user_session", "webhook_endpoint", "zt_ipv6_allocation_state",
        "zt_ipv6_assignment", "zt_membership", "zt_network",
    ];
    assert_eq!(table_names(t).await, all);
    Migrator::down(&t.db, None).await.unwrap();
    assert_eq!(table_names(t).await, ["seaql_migrations"]);
    assert!(Migrator::get_applied_migrations(&t.db).await.unwrap().is_empty());
    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(table_names(t).await, all);
    // and the invariants are back too
    let user = setup(t).await;
    insert(t, user, 64500, Some("aaaaaaaaaa"), Pending).await.unwrap();
    assert!(insert(t, user, 64500, Some("aaaaaaaaaa"), Approved).await.is_err());
});

db_test!(async fn one_live_request_per_asn_network_and_node(t) {
    let user = setup(t).await;
    insert(t, user, 64500, Some("aaaaaaaaaa"), Pending).await.unwrap();
    for status in RequestStatus::LIVE {
        assert!(
            insert(t, user, 64500, Some("aaaaaaaaaa"), status).await.is_err(),
            "a second live ({status}) request for the same slot must be refused"
        );
    }
    // settled requests do not hold the slot
    insert(t, user, 64500, Some("aaaaaaaaaa"), Rejected).await.unwrap();
    insert(t, user, 64500, Some("aaaaaaaaaa"), Failed).await.unwrap();
    // other nodes and networks are other slots
    insert(t, user, 64500, Some("bbbbbbbbbb"), Pending).await.unwrap();
    fixtures::network(&t.db, "8056c2e21c000002").await;
    fixtures::request(user, 64500, "8056c2e21c000002", Some("aaaaaaaaaa"), Pending).insert(&t.db).await.unwrap();
});

db_test!(async fn a_node_has_one_live_request_per_network_whatever_the_asn(t) {
    let user = setup(t).await;
    let other = fixtures::user(&t.db, "mallory", false).await.id;
    insert(t, user, 64500, Some("aaaaaaaaaa"), Active).await.unwrap();
    for status in RequestStatus::LIVE {
        assert!(
            insert(t, other, 64666, Some("aaaaaaaaaa"), status).await.is_err(),
            "another ASN's live ({status}) request for the same node must be refused"
        );
        assert!(insert(t, user, 64501, Some("aaaaaaaaaa"), status).await.is_err(), "nor the same member's with another ASN");
    }
    insert(t, other, 64666, Some("aaaaaaaaaa"), Rejected).await.unwrap();
    insert(t, other, 64666, Some("aaaaaaaaaa"), Failed).await.unwrap();
});

// Rows written by 0.1.0 (whose rule was per ASN) that break the new rule are settled by
// the upgrade: the request that got furthest keeps the node; the others are refused,
// with a reason and an audit event.
db_test!(async fn the_upgrade_settles_nodes_shared_by_several_members(t) {
    let empty = TestDb::empty(t.backend).await;
    let db = &empty.db;
    Migrator::up(db, Some(6)).await.unwrap();
    fixtures::network(db, NET).await;
    let user = fixtures::user(db, "alice", false).await.id;
    let other = fixtures::user(db, "mallory", false).await.id;
    // As 0.1.0 wrote them: without the columns added since.
    let old_row = |user, asn, node, status, age_minutes: i64| async move {
        let mut row = fixtures::request(user, asn, NET, Some(node), status);
        row.last_error_code = sea_orm::ActiveValue::NotSet;
        without_lifecycle_columns(&mut row);
        row.requested_at = Set(chrono::Utc::now() - chrono::Duration::minutes(age_minutes));
        let id = row.id.clone().unwrap();
        join_request::Entity::insert(row).exec_without_returning(db).await.unwrap();
        id
    };
    let waiting = old_row(other, 64666, "aaaaaaaaaa", Pending, 60).await;
    let active = old_row(user, 64500, "aaaaaaaaaa", Active, 30).await;
    let approved = old_row(user, 64501, "aaaaaaaaaa", Approved, 10).await;
    let alone = old_row(user, 64500, "bbbbbbbbbb", Pending, 5).await;

    Migrator::up(db, None).await.unwrap();
    let status = |id| async move { join_request::Entity::find_by_id(id).one(db).await.unwrap().unwrap() };
    assert_eq!(status(active).await.status, Active, "the member on the node keeps it");
    let rejected = status(waiting).await;
    assert_eq!(rejected.status, Rejected, "an older pending request of another member is refused");
    assert!(rejected.reject_reason.unwrap().contains("Another member's request already uses this ZeroTier node"));
    let failed = status(approved).await;
    assert_eq!((failed.status, failed.last_error_code.as_deref()), (Failed, Some("node_in_use")));
    assert_eq!(status(alone).await.status, Pending, "requests of other nodes are untouched");
    let settled = audit_event::Entity::find().all(db).await.unwrap();
    let mut targets: Vec<_> = settled
        .iter()
        .filter(|e| e.action == "join_request.node_conflict_settled")
        .map(|e| (e.target_id.clone(), e.metadata["to_status"].as_str().unwrap().to_owned()))
        .collect();
    targets.sort();
    let mut expected = vec![(waiting.to_string(), "rejected".to_owned()), (approved.to_string(), "failed".to_owned())];
    expected.sort();
    assert_eq!(targets, expected);
    // and the new rule holds from now on
    assert!(fixtures::request(other, 64666, NET, Some("aaaaaaaaaa"), Pending).insert(db).await.is_err());
});

db_test!(async fn a_request_without_node_is_its_own_single_slot(t) {
    let user = setup(t).await;
    insert(t, user, 64500, None, Pending).await.unwrap();
    assert!(insert(t, user, 64500, None, Active).await.is_err());
    insert(t, user, 64500, Some("aaaaaaaaaa"), Pending).await.unwrap();
    insert(t, user, 64500, None, Rejected).await.unwrap();
    insert(t, user, 64501, None, Pending).await.unwrap();
});

db_test!(async fn hex_formats_ranges_and_statuses_are_checked(t) {
    let user = setup(t).await;
    for node in ["AAAAAAAAAA", "aaaaaaaaa", "aaaaaaaaaaa", "gggggggggg", "0000000000", "ff00000000"] {
        assert!(insert(t, user, 64500, Some(node), Pending).await.is_err(), "node id {node:?} must be refused");
    }
    for asn in [0, -1, 4_294_967_296] {
        assert!(insert(t, user, asn, None, Pending).await.is_err(), "ASN {asn} must be refused");
    }
    insert(t, user, 4_294_967_295, None, Pending).await.unwrap();

    let mut negative = fixtures::request(user, 64502, NET, None, Pending);
    negative.retry_count = Set(-1);
    assert!(negative.insert(&t.db).await.is_err(), "retry_count must not be negative");

    let bad_status = format!(
        "UPDATE join_request SET status = 'bogus' WHERE asn = {}",
        4_294_967_295_i64
    );
    assert!(t.db.execute_unprepared(&bad_status).await.is_err(), "unknown status must be refused");

    for network in ["8056C2E21C000001", "8056c2e21c00001", "8056c2e21c00000z"] {
        let now = chrono::Utc::now();
        let row = zt_network::ActiveModel {
            id: Set(network.into()),
            name: Set("x".into()),
            description: Set(None),
            ipv6_prefix: Set(None),
            is_active: Set(true),
            irr_filter: Set(Default::default()),
            route_servers: Set("[]".into()),
            published: Set("{}".into()),
            created_at: Set(now),
            updated_at: Set(now),
        };
        assert!(row.insert(&t.db).await.is_err(), "network id {network:?} must be refused");
    }
});

db_test!(async fn ipv6_sequences_must_be_positive_and_unique(t) {
    let user = setup(t).await;
    let r1 = insert(t, user, 64500, Some("aaaaaaaaaa"), Active).await.unwrap();
    let r2 = insert(t, user, 64500, Some("bbbbbbbbbb"), Active).await.unwrap();
    let assign = |request: uuid::Uuid, sequence: i32, ip: &str| zt_ipv6_assignment::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        join_request_id: Set(request),
        zt_network_id: Set(NET.into()),
        asn: Set(64500),
        sequence: Set(sequence),
        assigned_ip: Set(ip.into()),
        created_at: Set(chrono::Utc::now()),
    };
    assert!(assign(r1.id, 0, "2001:db8:1:0:6:4500:0:0").insert(&t.db).await.is_err(), "sequence 0");
    assign(r1.id, 1, "2001:db8:1:0:6:4500:0:1").insert(&t.db).await.unwrap();
    assert!(assign(r2.id, 1, "2001:db8:1:0:6:4500:0:2").insert(&t.db).await.is_err(), "reused sequence");
    assert!(assign(r2.id, 2, "2001:db8:1:0:6:4500:0:1").insert(&t.db).await.is_err(), "reused address");
    assert!(assign(r1.id, 2, "2001:db8:1:0:6:4500:0:2").insert(&t.db).await.is_err(), "second address for one request");
    assign(r2.id, 2, "2001:db8:1:0:6:4500:0:2").insert(&t.db).await.unwrap();
});

db_test!(async fn the_audit_trail_is_append_only(t) {
    let event = domain::audit::record(
        &t.db,
        domain::audit::AuditEntry::new(domain::audit::Actor::System(domain::audit::SystemActor::Cli), domain::audit::AuditAction::UserCreated, "test", "1"),
    )
    .await
    .unwrap();
    let mut changed: audit_event::ActiveModel = event.clone().into();
    changed.action = Set("test.rewritten".into());
    assert!(changed.update(&t.db).await.is_err(), "UPDATE must be refused");
    assert!(audit_event::Entity::delete_by_id(event.id).exec(&t.db).await.is_err(), "DELETE must be refused");
    assert_eq!(audit_event::Entity::find().count(&t.db).await.unwrap(), 1);
    assert_eq!(audit_event::Entity::find_by_id(event.id).one(&t.db).await.unwrap().unwrap().action, "user.created");
});

/// Replicas that start together on one PostgreSQL each run the migrations at startup;
/// every one of them must come up, and each migration must be applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_migrating_at_once_all_succeed_on_postgres() {
    let t = TestDb::empty(domain::testing::Backend::Postgres).await;
    let settings = domain::db::PoolSettings { max_connections: 2, ..Default::default() };
    let mut replicas = tokio::task::JoinSet::new();
    for _ in 0..4 {
        // One pool per replica, as separate processes would have.
        let db = domain::db::connect(&t.url, &settings).await.unwrap();
        replicas.spawn(async move { domain::db::migrate(&db).await });
    }
    while let Some(result) = replicas.join_next().await {
        result.unwrap().expect("every replica's migration run succeeds");
    }
    let applied = Migrator::get_applied_migrations(&t.db).await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
    assert!(Migrator::get_pending_migrations(&t.db).await.unwrap().is_empty());
}

/// The query plan of one admin page's ids, one line per step.
async fn plan(t: &TestDb, filters: &domain::requests::AdminFilters) -> Vec<String> {
    use sea_orm::{QueryTrait, TransactionTrait};
    let backend = t.db.get_database_backend();
    let query = domain::requests::admin_page_ids(filters, 100, 9900).build(backend);
    let txn = t.db.begin().await.unwrap();
    let (explain, column) = match t.backend {
        domain::testing::Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {}", query.sql), "detail"),
        domain::testing::Backend::Postgres => {
            // On an empty table a scan and a sort are cheapest; forbid what the planner can
            // avoid, so a sort remains only where no index gives this order.
            txn.execute_unprepared("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
                .await
                .unwrap();
            (format!("EXPLAIN {}", query.sql), "QUERY PLAN")
        }
    };
    let statement = Statement { sql: explain, ..query };
    let rows = txn.query_all(statement).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", column).unwrap()).collect()
}

db_test!(async fn an_admin_page_is_read_along_an_index_without_sorting_the_table(t) {
    use domain::requests::AdminFilters;
    let cases = [
        (AdminFilters::default(), "ix_join_request_newest"),
        (AdminFilters { status: Some(Pending), ..Default::default() }, "ix_join_request_status_newest"),
        (AdminFilters { asn: Some(64500), ..Default::default() }, "ix_join_request_asn_newest"),
    ];
    for (filters, index) in cases {
        let steps = plan(t, &filters).await;
        assert!(steps.iter().any(|s| s.contains(index)), "{filters:?} must use {index}: {steps:#?}");
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE FOR ORDER BY") || s.trim_start().starts_with("->  Sort") || s.starts_with("Sort")),
            "{filters:?} must not sort the matches: {steps:#?}"
        );
    }
});

db_test!(async fn the_lifecycle_upgrade_keeps_every_request_and_what_references_it(t) {
    let empty = TestDb::empty(t.backend).await;
    let db = &empty.db;
    Migrator::up(db, Some(7)).await.unwrap();
    fixtures::network(db, NET).await;
    let user = fixtures::user(db, "alice", false).await.id;
    // As 0.1.0 wrote them: without the columns added since.
    let mut row = fixtures::request(user, 64500, NET, Some("aaaaaaaaaa"), Active);
    without_lifecycle_columns(&mut row);
    let id = row.id.clone().unwrap();
    join_request::Entity::insert(row).exec_without_returning(db).await.unwrap();
    let now = chrono::Utc::now();
    db.execute(Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO zt_ipv6_assignment (id, join_request_id, zt_network_id, asn, sequence, assigned_ip, created_at) \
         VALUES ($1, $2, $3, 64500, 1, '2001:db8:1:0:6:4500:0:1', $4)",
        [uuid::Uuid::new_v4().into(), id.into(), NET.into(), now.into()],
    ))
    .await
    .unwrap();

    Migrator::up(db, None).await.unwrap();
    let kept = join_request::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
    assert_eq!((kept.status, kept.node_id.as_deref(), kept.sync_attempts, kept.desired_revision), (Active, Some("aaaaaaaaaa"), 0, 0));
    assert_eq!(zt_ipv6_assignment::Entity::find().count(db).await.unwrap(), 1, "the address still points at its request");

    // the new statuses are allowed, others still refused, and suspended and offboarding
    // hold the node like the other live statuses
    let set = |column: join_request::Column, value: sea_orm::Value| async move {
        join_request::Entity::update_many()
            .col_expr(column, sea_orm::sea_query::Expr::value(value))
            .filter(join_request::Column::Id.eq(id))
            .exec(db)
            .await
    };
    for status in ["suspended", "offboarding", "removed", "withdrawn"] {
        assert_eq!(set(join_request::Column::Status, status.into()).await.unwrap().rows_affected, 1);
        let taken = fixtures::request(user, 64501, NET, Some("aaaaaaaaaa"), Pending).insert(db).await;
        assert_eq!(taken.is_err(), matches!(status, "suspended" | "offboarding"), "{status}: {taken:?}");
        if let Ok(other) = taken {
            join_request::Entity::delete_by_id(other.id).exec(db).await.unwrap();
        }
    }
    assert!(set(join_request::Column::Status, "gone".into()).await.is_err());
    assert!(set(join_request::Column::SyncAttempts, (-1).into()).await.is_err());
    assert!(set(join_request::Column::RetiringNodeId, "XYZ".into()).await.is_err());
    // references are still enforced after the rebuild
    let orphan = db
        .execute(Statement::from_sql_and_values(
            db.get_database_backend(),
            "INSERT INTO zt_ipv6_assignment (id, join_request_id, zt_network_id, asn, sequence, assigned_ip, created_at) \
             VALUES ($1, $2, $3, 64500, 2, '2001:db8:1:0:6:4500:0:2', $4)",
            [uuid::Uuid::new_v4().into(), uuid::Uuid::new_v4().into(), NET.into(), now.into()],
        ))
        .await;
    assert!(orphan.is_err(), "an address of no request is refused");
});
