//! The status machine on SQLite and PostgreSQL: each edge, refusals, and a real race.

use std::collections::HashMap;

use chrono::Duration;
use domain::audit::{self, Actor};
use domain::db_test;
use domain::provisioning::failure::{Failure, FailureCode};
use domain::testing::{fixtures, TestDb};
use domain::workflow::{self, DecisionSource, RejectReason, RequestStatus, TransitionError};
use sea_orm::ActiveModelTrait;
use uuid::Uuid;

const NET: &str = "8056c2e21c000001";

struct Ctx {
    admin: Actor,
    request: Uuid,
}

async fn pending(t: &TestDb) -> Ctx {
    fixtures::network(&t.db, NET).await;
    let operator = fixtures::user(&t.db, "operator", false).await;
    let admin = fixtures::user(&t.db, "admin", true).await;
    let request = fixtures::request(operator.id, 64500, NET, Some("aaaaaaaaaa"), RequestStatus::Pending)
        .insert(&t.db)
        .await
        .unwrap();
    Ctx { admin: Actor::User(admin.id), request: request.id }
}

async fn events(t: &TestDb, id: Uuid) -> Vec<(String, String, String)> {
    audit::for_target(&t.db, "join_request", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.action,
                e.metadata["from_status"].as_str().unwrap_or_default().to_owned(),
                e.metadata["to_status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn reason(text: &str) -> RejectReason {
    RejectReason::parse(text).unwrap()
}

db_test!(async fn the_happy_path_walks_every_forward_edge_with_one_audit_event_each(t) {
    let c = pending(t).await;
    let approved = workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await.unwrap();
    assert_eq!(approved.status, RequestStatus::Approved);
    assert!(approved.decided_at.is_some());

    let claimed = workflow::start_provisioning(&t.db, c.request, "worker-1", Duration::seconds(60)).await.unwrap();
    assert_eq!(claimed.status, RequestStatus::Provisioning);
    assert_eq!(claimed.lease_owner.as_deref(), Some("worker-1"));
    assert!(claimed.lease_expires_at.unwrap() > chrono::Utc::now());

    let failed = workflow::fail(&t.db, c.request, "worker-1", &Failure::new(FailureCode::ControllerUnavailable, "controller unreachable")).await.unwrap();
    assert_eq!(failed.status, RequestStatus::Failed);
    assert_eq!(failed.retry_count, 1);
    assert_eq!(failed.last_error.as_deref(), Some("controller unreachable"));
    assert!(failed.last_error_at.is_some());
    assert!(failed.lease_owner.is_none());

    workflow::retry(&t.db, c.request, c.admin).await.unwrap();
    workflow::start_provisioning(&t.db, c.request, "worker-2", Duration::seconds(60)).await.unwrap();
    let active = workflow::activate(&t.db, c.request, "worker-2").await.unwrap();
    assert_eq!(active.status, RequestStatus::Active);
    assert!(active.provisioned_at.is_some());
    assert!(active.last_error.is_none());
    assert_eq!(active.retry_count, 1, "retry_count counts failed attempts");

    let expected = [
        ("join_request.approved", "pending", "approved"),
        ("join_request.provisioning_started", "approved", "provisioning"),
        ("join_request.failed", "provisioning", "failed"),
        ("join_request.retried", "failed", "approved"),
        ("join_request.provisioning_started", "approved", "provisioning"),
        ("join_request.activated", "provisioning", "active"),
    ];
    let got = events(t, c.request).await;
    assert_eq!(got.len(), expected.len());
    for ((action, from, to), want) in got.iter().zip(expected) {
        assert_eq!((action.as_str(), from.as_str(), to.as_str()), want);
    }
});

db_test!(async fn approval_records_who_decided_and_how(t) {
    let c = pending(t).await;
    workflow::approve(&t.db, c.request, Actor::System(audit::SystemActor::PolicyAuto), DecisionSource::PolicyAuto)
        .await
        .unwrap();
    let event = &audit::for_target(&t.db, "join_request", &c.request.to_string()).await.unwrap()[0];
    assert_eq!(event.actor_user_id, None);
    assert_eq!(event.metadata["decision_source"], "policy_auto");
    assert_eq!(event.metadata["system_actor"], "policy_auto");
});

db_test!(async fn rejection_stores_the_reason(t) {
    let c = pending(t).await;
    let rejected = workflow::reject(&t.db, c.request, c.admin, &reason("ASN not in PeeringDB")).await.unwrap();
    assert_eq!(rejected.status, RequestStatus::Rejected);
    assert_eq!(rejected.reject_reason.as_deref(), Some("ASN not in PeeringDB"));
    let event = &audit::for_target(&t.db, "join_request", &c.request.to_string()).await.unwrap()[0];
    assert_eq!(event.actor_user_id, c.admin.user_id());
    assert_eq!(event.metadata["reject_reason"], "ASN not in PeeringDB");
});

db_test!(async fn approve_twice_returns_conflict_with_current_status_and_changes_nothing(t) {
    let c = pending(t).await;
    workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await.unwrap();
    match workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await {
        Err(TransitionError::Conflict { current, .. }) => assert_eq!(current, RequestStatus::Approved),
        other => panic!("expected a conflict, got {other:?}"),
    }
    match workflow::reject(&t.db, c.request, c.admin, &reason("late")).await {
        Err(TransitionError::Conflict { current, .. }) => assert_eq!(current, RequestStatus::Approved),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(events(t, c.request).await.len(), 1);
});

db_test!(async fn edges_outside_the_machine_are_refused(t) {
    let c = pending(t).await;
    assert!(matches!(workflow::retry(&t.db, c.request, c.admin).await, Err(TransitionError::Conflict { current: RequestStatus::Pending, .. })));
    assert!(matches!(
        workflow::start_provisioning(&t.db, c.request, "w", Duration::seconds(5)).await,
        Err(TransitionError::Conflict { current: RequestStatus::Pending, .. })
    ));
    assert!(matches!(workflow::activate(&t.db, c.request, "w").await, Err(TransitionError::Conflict { .. })));
    assert!(matches!(workflow::fail(&t.db, c.request, "w", &Failure::new(FailureCode::Internal, "x")).await, Err(TransitionError::Conflict { .. })));
    workflow::reject(&t.db, c.request, c.admin, &reason("no")).await.unwrap();
    assert!(matches!(
        workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await,
        Err(TransitionError::Conflict { current: RequestStatus::Rejected, .. })
    ));
    assert!(matches!(workflow::retry(&t.db, c.request, c.admin).await, Err(TransitionError::Conflict { .. })));
    assert!(matches!(
        workflow::approve(&t.db, Uuid::new_v4(), c.admin, DecisionSource::ManualAdmin).await,
        Err(TransitionError::NotFound)
    ));
    assert_eq!(events(t, c.request).await.len(), 1);
});

db_test!(async fn only_the_lease_holder_can_finish_provisioning(t) {
    let c = pending(t).await;
    workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await.unwrap();
    workflow::start_provisioning(&t.db, c.request, "worker-a", Duration::seconds(60)).await.unwrap();
    assert!(matches!(workflow::activate(&t.db, c.request, "worker-b").await, Err(TransitionError::LeaseLost)));
    assert!(matches!(workflow::fail(&t.db, c.request, "worker-b", &Failure::new(FailureCode::Internal, "x")).await, Err(TransitionError::LeaseLost)));
    workflow::activate(&t.db, c.request, "worker-a").await.unwrap();
});

db_test!(async fn concurrent_conflicting_decisions_have_exactly_one_winner(t) {
    let c = pending(t).await;
    let contenders = 24;
    let mut tasks = Vec::new();
    for i in 0..contenders {
        let db = t.db.clone();
        let (id, admin) = (c.request, c.admin);
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                workflow::approve(&db, id, admin, DecisionSource::ManualAdmin).await
            } else {
                workflow::reject(&db, id, admin, &RejectReason::parse("duplicate").unwrap()).await
            }
        }));
    }
    let mut winners = Vec::new();
    let mut losers: HashMap<RequestStatus, usize> = HashMap::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(request) => winners.push(request.status),
            Err(TransitionError::Conflict { current, .. }) => *losers.entry(current).or_default() += 1,
            Err(other) => panic!("a loser must learn the current status, got {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one transition wins");
    let winner = winners[0];
    assert_eq!(losers.len(), 1, "every loser sees the same, current status");
    assert_eq!(losers[&winner], contenders - 1);
    let trail = events(t, c.request).await;
    assert_eq!(trail.len(), 1, "exactly one audit event, for the winner");
    assert_eq!(trail[0].2, winner.as_str());
});

db_test!(async fn concurrent_claims_by_many_workers_have_exactly_one_winner(t) {
    let c = pending(t).await;
    workflow::approve(&t.db, c.request, c.admin, DecisionSource::ManualAdmin).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = t.db.clone();
        let id = c.request;
        tasks.push(tokio::spawn(async move {
            workflow::start_provisioning(&db, id, &format!("worker-{i}"), Duration::seconds(60)).await
        }));
    }
    let results: Vec<_> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| matches!(e, TransitionError::Conflict { current: RequestStatus::Provisioning, .. })));
    assert_eq!(events(t, c.request).await.len(), 2);
});

#[test]
fn reject_reasons_must_say_something() {
    assert!(RejectReason::parse("   ").is_none());
    assert!(RejectReason::parse(&"x".repeat(RejectReason::MAX_CHARS + 1)).is_none());
    assert_eq!(RejectReason::parse("  not a member  ").unwrap().as_str(), "not a member");
}

// The worker's takeover of an expired lease and its audit event are written together: when
// the event cannot be written, the takeover does not happen either.
db_test!(async fn a_lease_takeover_is_written_with_its_audit_event_or_not_at_all(t) {
    use domain::entities::join_request;
    use domain::provisioning::worker::Worker;
    use sea_orm::{ConnectionTrait, EntityTrait, Set};

    fixtures::network(&t.db, NET).await;
    let user = fixtures::user(&t.db, "op", false).await;
    let mut row = fixtures::request(user.id, 64500, NET, Some("aaaaaaaaaa"), RequestStatus::Provisioning);
    row.lease_owner = Set(Some("crashed-worker".into()));
    row.lease_expires_at = Set(Some(chrono::Utc::now() - Duration::seconds(5)));
    let stuck = row.insert(&t.db).await.unwrap();

    let refuse = match t.backend {
        domain::testing::Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_recovery_audit BEFORE INSERT ON audit_event \
             WHEN NEW.action = 'join_request.lease_recovered' BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
                .to_owned(),
        ],
        domain::testing::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_recovery_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'audit refused'; END $$"
                .to_owned(),
            "CREATE TRIGGER refuse_recovery_audit BEFORE INSERT ON audit_event FOR EACH ROW \
             WHEN (NEW.action = 'join_request.lease_recovered') EXECUTE FUNCTION refuse_recovery_audit()"
                .to_owned(),
        ],
    };
    for sql in &refuse {
        t.db.execute_unprepared(sql).await.unwrap();
    }
    let identity = domain::identity::IdentityConfig {
        session_key: domain::identity::SessionKey::new(secrecy::SecretString::from("k".to_owned())),
        local_auth_enabled: true,
        secure_cookies: false,
        peeringdb: None,
        require_totp_for_admins: false,
    };
    let services = domain::Services::new(t.db.clone(), domain::RuntimeSettings::default(), identity);
    let worker = Worker::new(services, "recovering-worker");
    assert!(worker.claim().await.is_err(), "the audit write fails");
    let unchanged = join_request::Entity::find_by_id(stuck.id).one(&t.db).await.unwrap().unwrap();
    assert_eq!(unchanged.lease_owner.as_deref(), Some("crashed-worker"), "no takeover without its audit event");

    t.db.execute_unprepared("DROP TRIGGER refuse_recovery_audit ON audit_event").await.ok();
    t.db.execute_unprepared("DROP TRIGGER IF EXISTS refuse_recovery_audit").await.ok();
    let taken = worker.claim().await.unwrap().expect("the expired lease is taken over");
    let taken = taken.request();
    assert_eq!(taken.lease_owner.as_deref(), Some(worker.id()));
    let trail = audit::for_target(&t.db, "join_request", &stuck.id.to_string()).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.action == "join_request.lease_recovered").count(), 1);
});
