//! The policy pass: PeeringDB records and IRR expansions of the members, each on its
//! own schedule, and the members whose peer files change as a result marked for
//! convergence (pushed only then).
//!
//! Rows are claimed by moving their `due_at` forward in one conditional update, so two
//! workers never fetch the same record at once. A failed fetch or expansion keeps the
//! last good values, records why and when, and is due again after `retry_seconds`
//! (or PeeringDB's `Retry-After`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::peeringdb::{FetchError, NetRecord, BATCH};
use super::{effective, irr, next_due};
use crate::audit::{self, Actor, AuditAction, AuditEntry, SystemActor};
use crate::entities::{irr_expansion, join_request, member_policy};
use crate::workflow::RequestStatus;
use crate::Services;

/// Statuses whose members' records are kept current (pending ones for the onboarding
/// warning; the others for their peer files).
const FETCHED: [RequestStatus; 6] = [
    RequestStatus::Pending,
    RequestStatus::Approved,
    RequestStatus::Provisioning,
    RequestStatus::Active,
    RequestStatus::Suspended,
    RequestStatus::Failed,
];
/// Statuses with a peer file on the route servers.
const WITH_FILE: [RequestStatus; 2] = [RequestStatus::Active, RequestStatus::Suspended];
/// PeeringDB asks for at least this between queries.
const BETWEEN_CALLS: Duration = Duration::from_secs(2);

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// ASNs whose records were fetched (successfully or not).
    pub fetched: Vec<i64>,
    /// Queries expanded (successfully or not).
    pub expanded: Vec<String>,
    /// Requests marked for convergence because their policy changed.
    pub changed: Vec<Uuid>,
    /// Failures, for the log.
    pub errors: Vec<String>,
}

/// One pass over everything that is due.
pub async fn refresh(services: &Services) -> Result<PassReport, DbErr> {
    let mut report = PassReport::default();
    let requests = join_request::Entity::find().filter(join_request::Column::Status.is_in(FETCHED)).all(&services.db).await?;
    if requests.is_empty() {
        return Ok(report);
    }
    // What each request's file says before the pass, to push only what changed.
    let before = fingerprints(services, &requests).await?;
    if let Some(api) = &services.peeringdb_api {
        let asns: BTreeSet<i64> = requests.iter().map(|r| r.asn).collect();
        fetch_due(services, api, &asns, &mut report).await?;
    }
    if services.settings.irr.host.is_some() {
        let mut queries = BTreeSet::new();
        for request in requests.iter().filter(|r| r.status != RequestStatus::Pending) {
            queries.insert(effective(&services.db, services, request).await?.as_set.0);
        }
        expand_due(services, &queries, &mut report).await?;
    }
    let after = fingerprints(services, &requests).await?;
    let changed: Vec<&join_request::Model> =
        requests.iter().filter(|r| WITH_FILE.contains(&r.status) && before.get(&r.id) != after.get(&r.id)).collect();
    if !changed.is_empty() {
        let txn = crate::db::begin_write(&services.db).await?;
        let ids: Vec<Uuid> = changed.iter().map(|r| r.id).collect();
        crate::workflow::converge_now(&txn, &ids).await?;
        for request in &changed {
            let (old, new) = (&before[&request.id], &after[&request.id]);
            audit::record(
                &txn,
                AuditEntry::new(Actor::System(SystemActor::Worker), AuditAction::RoutePolicyChanged, "join_request", request.id)
                    .with("before", old.clone())
                    .with("after", new.clone()),
            )
            .await?;
        }
        txn.commit().await?;
        services.provisioning.wake();
        report.changed = ids;
    }
    Ok(report)
}

/// A summary of what goes into each request's peer file from the policy.
async fn fingerprints(services: &Services, requests: &[join_request::Model]) -> Result<BTreeMap<Uuid, serde_json::Value>, DbErr> {
    let mut out = BTreeMap::new();
    for request in requests.iter().filter(|r| WITH_FILE.contains(&r.status)) {
        let policy = effective(&services.db, services, request).await?;
        let sets = policy.irr(&services.settings.irr).and_then(|i| i.sets);
        out.insert(
            request.id,
            serde_json::json!({
                "max_prefixes_v4": policy.max_prefixes_v4.0,
                "max_prefixes_v6": policy.max_prefixes_v6.0,
                "as_set": policy.as_set.0,
                "irr_v4": sets.as_ref().map(|s| s.v4.len()),
                "irr_v6": sets.as_ref().map(|s| s.v6.len()),
                "irr_origins": sets.as_ref().map(|s| s.origins.len()),
                "irr_digest": sets.as_ref().map(digest),
            }),
        );
    }
    Ok(out)
}

fn digest(sets: &crate::routeservers::IrrSets) -> String {
    use sha2::{Digest, Sha256};
    let text = format!("{:?}", (&sets.v4.iter().map(ToString::to_string).collect::<Vec<_>>(), &sets.v6.iter().map(ToString::to_string).collect::<Vec<_>>(), &sets.origins));
    Sha256::digest(text.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

async fn fetch_due(services: &Services, api: &super::peeringdb::PeeringDbApi, asns: &BTreeSet<i64>, report: &mut PassReport) -> Result<(), DbErr> {
    let db = &services.db;
    let settings = &services.settings.peeringdb;
    let now = Utc::now();
    let new_rows = asns.iter().map(|asn| member_policy::ActiveModel {
        asn: Set(*asn),
        net_id: Set(None),
        listed: Set(false),
        name: Set(None),
        irr_as_set: Set(None),
        info_prefixes4: Set(None),
        info_prefixes6: Set(None),
        never_via_route_servers: Set(false),
        fetched_at: Set(None),
        attempted_at: Set(None),
        fetch_error: Set(None),
        due_at: Set(now),
    });
    member_policy::Entity::insert_many(new_rows)
        .on_conflict(OnConflict::column(member_policy::Column::Asn).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    let due: Vec<i64> = member_policy::Entity::find()
        .select_only()
        .column(member_policy::Column::Asn)
        .filter(member_policy::Column::Asn.is_in(asns.iter().copied()))
        .filter(member_policy::Column::DueAt.lte(now))
        .into_tuple()
        .all(db)
        .await?;
    for (i, batch) in due.chunks(BATCH).enumerate() {
        // Claim: nobody else fetches these while this call is out.
        let hold = next_due(now, settings.retry_seconds);
        let claimed = member_policy::Entity::update_many()
            .col_expr(member_policy::Column::DueAt, Expr::value(hold))
            .filter(member_policy::Column::Asn.is_in(batch.iter().copied()))
            .filter(member_policy::Column::DueAt.lte(now))
            .exec_with_returning(db)
            .await?;
        let batch: Vec<i64> = claimed.iter().map(|r| r.asn).collect();
        if batch.is_empty() {
            continue;
        }
        if i > 0 {
            tokio::time::sleep(BETWEEN_CALLS).await;
        }
        report.fetched.extend(&batch);
        let at = Utc::now();
        match api.networks(&batch).await {
            Ok(records) => store_records(services, &batch, records, at).await?,
            Err(error) => {
                let retry = match &error {
                    FetchError::Throttled { retry_after: Some(wait) } => at + chrono::Duration::from_std(*wait).unwrap_or_default().max(chrono::Duration::seconds(1)),
                    _ => next_due(at, settings.retry_seconds),
                };
                tracing::warn!(%error, asns = batch.len(), "PeeringDB fetch failed; the last known values stay");
                report.errors.push(error.to_string());
                member_policy::Entity::update_many()
                    .col_expr(member_policy::Column::AttemptedAt, Expr::value(at))
                    .col_expr(member_policy::Column::FetchError, Expr::value(error.to_string()))
                    .col_expr(member_policy::Column::DueAt, Expr::value(retry))
                    .filter(member_policy::Column::Asn.is_in(batch.iter().copied()))
                    .exec(db)
                    .await?;
                if matches!(error, FetchError::Throttled { .. }) {
                    // The rest waits for the next pass.
                    break;
                }
            }
        }
    }
    Ok(())
}

async fn store_records(services: &Services, batch: &[i64], records: Vec<NetRecord>, at: DateTime<Utc>) -> Result<(), DbErr> {
    let due = next_due(at, services.settings.peeringdb.refresh_interval_seconds);
    for asn in batch {
        let record = records.iter().find(|r| r.asn == *asn);
        let as_set = record.and_then(|r| r.irr_as_set.as_deref()).map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(255).collect::<String>());
        member_policy::Entity::update_many()
            .col_expr(member_policy::Column::NetId, Expr::value(record.map(|r| r.id)))
            .col_expr(member_policy::Column::Listed, Expr::value(record.is_some()))
            .col_expr(member_policy::Column::Name, Expr::value(record.and_then(|r| r.name.as_deref()).map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(255).collect::<String>())))
            .col_expr(member_policy::Column::IrrAsSet, Expr::value(as_set))
            .col_expr(member_policy::Column::InfoPrefixes4, Expr::value(record.and_then(|r| r.info_prefixes4).filter(|v| *v >= 0)))
            .col_expr(member_policy::Column::InfoPrefixes6, Expr::value(record.and_then(|r| r.info_prefixes6).filter(|v| *v >= 0)))
            .col_expr(member_policy::Column::NeverViaRouteServers, Expr::value(record.is_some_and(|r| r.info_never_via_route_servers)))
            .col_expr(member_policy::Column::FetchedAt, Expr::value(at))
            .col_expr(member_policy::Column::AttemptedAt, Expr::value(at))
            .col_expr(member_policy::Column::FetchError, Expr::value(Option::<String>::None))
            .col_expr(member_policy::Column::DueAt, Expr::value(due))
            .filter(member_policy::Column::Asn.eq(*asn))
            .exec(&services.db)
            .await?;
    }
    Ok(())
}

async fn expand_due(services: &Services, queries: &BTreeSet<String>, report: &mut PassReport) -> Result<(), DbErr> {
    let db = &services.db;
    let settings = &services.settings.irr;
    let now = Utc::now();
    let new_rows = queries.iter().map(|query| irr_expansion::ActiveModel {
        query: Set(query.clone()),
        prefixes_v4: Set("[]".into()),
        prefixes_v6: Set("[]".into()),
        origins: Set("[]".into()),
        expanded_at: Set(None),
        attempted_at: Set(None),
        error: Set(None),
        due_at: Set(now),
    });
    irr_expansion::Entity::insert_many(new_rows)
        .on_conflict(OnConflict::column(irr_expansion::Column::Query).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    for query in queries {
        let claimed = irr_expansion::Entity::update_many()
            .col_expr(irr_expansion::Column::DueAt, Expr::value(next_due(now, settings.retry_seconds.max(settings.timeout_seconds))))
            .filter(irr_expansion::Column::Query.eq(query.as_str()))
            .filter(irr_expansion::Column::DueAt.lte(now))
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        report.expanded.push(query.clone());
        let result = irr::expand(settings, query).await;
        let at = Utc::now();
        let update = irr_expansion::Entity::update_many().col_expr(irr_expansion::Column::AttemptedAt, Expr::value(at));
        let update = match result {
            Ok(sets) => {
                let list = |rules: &[crate::routeservers::PrefixRule]| serde_json::to_string(&rules.iter().map(ToString::to_string).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
                update
                    .col_expr(irr_expansion::Column::PrefixesV4, Expr::value(list(&sets.v4)))
                    .col_expr(irr_expansion::Column::PrefixesV6, Expr::value(list(&sets.v6)))
                    .col_expr(irr_expansion::Column::Origins, Expr::value(serde_json::to_string(&sets.origins).unwrap_or_else(|_| "[]".into())))
                    .col_expr(irr_expansion::Column::ExpandedAt, Expr::value(at))
                    .col_expr(irr_expansion::Column::Error, Expr::value(Option::<String>::None))
                    .col_expr(irr_expansion::Column::DueAt, Expr::value(next_due(at, settings.refresh_interval_seconds)))
            }
            Err(error) => {
                tracing::warn!(%error, query, "IRR expansion failed; the last good sets stay");
                report.errors.push(format!("{query}: {error}"));
                update
                    .col_expr(irr_expansion::Column::Error, Expr::value(error))
                    .col_expr(irr_expansion::Column::DueAt, Expr::value(next_due(at, settings.retry_seconds)))
            }
        };
        update.filter(irr_expansion::Column::Query.eq(query.as_str())).exec(db).await?;
    }
    Ok(())
}
