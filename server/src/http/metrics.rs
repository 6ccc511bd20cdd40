//! `GET /metrics`: Prometheus text. Counters and histograms are recorded as things
//! happen (see `domain::metrics`); request counts by status and the controller's
//! preflight state are read when scraped, so they are never stale.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::metrics::{
    APPROVE_TO_ACTIVE, BGP_SESSIONS, HTTP_DURATION, NETIXLAN_FINDINGS, NETIXLAN_STALE, OUTBOX_DEAD, OUTBOX_OLDEST_PENDING, OUTBOX_PENDING, PREFLIGHT_OK,
    REQUESTS_BY_STATUS,
};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::AppState;

/// Request durations: from a fast cache hit to the request timeout.
const HTTP_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Approval to active: seconds when all is well, hours when a controller was down.
const LATENCY_BUCKETS: &[f64] = &[1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0, 4.0 * 3600.0, 24.0 * 3600.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide recorder (installed on first use; every server in the process
/// shares it).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), HTTP_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(APPROVE_TO_ACTIVE.into()), LATENCY_BUCKETS));
        match builder {
            Ok(builder) => {
                let recorder = builder.build_recorder();
                let handle = recorder.handle();
                if metrics::set_global_recorder(recorder).is_err() {
                    tracing::warn!("another metrics recorder is installed; /metrics shows only scrape-time values");
                }
                handle
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics buckets refused; using summaries");
                PrometheusBuilder::new().build_recorder().handle()
            }
        }
    })
}

/// Keeps histograms bounded in memory; every serving process runs it in the background
/// while it serves (a test process that starts several servers runs one per server,
/// which only repeats the same cheap upkeep).
pub async fn upkeep() {
    let handle = handle();
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        handle.run_upkeep();
    }
}

/// Times each request by its route template (`/api/v1/requests/{id}`, never the id).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    if let Some(route) = route {
        metrics::histogram!(HTTP_DURATION, "route" => route, "method" => method, "status" => response.status().as_str().to_owned())
            .record(started.elapsed().as_secs_f64());
    }
    response
}

/// Whether the caller may read metrics: with `METRICS_TOKEN` set, only with that bearer
/// token; without it, only outside production.
fn allowed(state: &AppState, headers: &HeaderMap) -> bool {
    match &state.config.http.metrics_token {
        Some(_) => bearer_matches(state, headers),
        None => !state.config.env.is_production(),
    }
}

/// The request carries the configured metrics token (`Authorization: Bearer …`).
pub(super) fn bearer_matches(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = &state.config.http.metrics_token else { return false };
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        // Compared as digests, so the time taken says nothing about the token.
        .is_some_and(|given| Sha256::digest(given.trim()) == Sha256::digest(token.expose_secret()))
}

pub async fn render(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !allowed(&state, &headers) {
        return (StatusCode::UNAUTHORIZED, [(http::header::WWW_AUTHENTICATE, "Bearer")], "metrics need the operator's bearer token\n")
            .into_response();
    }
    let handle = handle();
    match tokio::time::timeout(Duration::from_secs(2), domain::requests::count_by_status(&state.services.db)).await {
        Ok(Ok(counts)) => {
            for (status, count) in counts {
                metrics::gauge!(REQUESTS_BY_STATUS, "status" => status.as_str()).set(count as f64);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: counting requests failed"),
        Err(_) => tracing::warn!("metrics: counting requests took longer than 2 s"),
    }
    match tokio::time::timeout(Duration::from_secs(2), domain::sessions::count_by_state(&state.services.db, &state.services.settings)).await {
        Ok(Ok(counts)) => {
            for (session_state, count) in counts {
                metrics::gauge!(BGP_SESSIONS, "state" => session_state).set(count as f64);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: counting BGP sessions failed"),
        Err(_) => tracing::warn!("metrics: counting BGP sessions took longer than 2 s"),
    }
    match tokio::time::timeout(Duration::from_secs(2), domain::exchange::netixlan::counts(&state.services)).await {
        Ok(Ok(Some((counts, stale)))) => {
            for (kind, count) in counts {
                metrics::gauge!(NETIXLAN_FINDINGS, "kind" => kind).set(count as f64);
            }
            metrics::gauge!(NETIXLAN_STALE).set(if stale { 1.0 } else { 0.0 });
        }
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: reading the PeeringDB check failed"),
        Err(_) => tracing::warn!("metrics: reading the PeeringDB check took longer than 2 s"),
    }
    match tokio::time::timeout(Duration::from_secs(2), domain::notify::outbox::depth(&state.services.db)).await {
        Ok(Ok(depth)) => {
            metrics::gauge!(OUTBOX_PENDING).set(depth.pending as f64);
            metrics::gauge!(OUTBOX_DEAD).set(depth.dead as f64);
            let age = depth.oldest_pending.map_or(0.0, |at| (chrono::Utc::now() - at).as_seconds_f64().max(0.0));
            metrics::gauge!(OUTBOX_OLDEST_PENDING).set(age);
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: reading the outbox failed"),
        Err(_) => tracing::warn!("metrics: reading the outbox took longer than 2 s"),
    }
    let passed = state.services.provisioning.status().passed();
    metrics::gauge!(PREFLIGHT_OK).set(if passed { 1.0 } else { 0.0 });
    ([(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], handle.render()).into_response()
}
