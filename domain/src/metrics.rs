//! The portal's metrics, recorded through the `metrics` facade. The server installs the
//! Prometheus recorder and serves `/metrics`; without a recorder these calls do nothing.
//!
//! Names and labels are part of the operator's contract: dashboards and alerts use them.

/// `auth_attempts_total{method, outcome}`.
pub const AUTH_ATTEMPTS: &str = "ztix_auth_attempts_total";
/// `http_request_duration_seconds{route, method, status}`.
pub const HTTP_DURATION: &str = "ztix_http_request_duration_seconds";
/// `provisioning_attempts_total{outcome}`.
pub const PROVISIONING_ATTEMPTS: &str = "ztix_provisioning_attempts_total";
/// From the admin's approval to the request becoming active.
pub const APPROVE_TO_ACTIVE: &str = "ztix_approve_to_active_seconds";
/// `join_requests{status}`: how many requests are in each status (read at scrape time).
pub const REQUESTS_BY_STATUS: &str = "ztix_join_requests";
/// `bgp_sessions{state}`: active members' BGP sessions on the route servers by state
/// (`unknown` for route servers not read lately), read at scrape time.
pub const BGP_SESSIONS: &str = "ztix_bgp_sessions";
/// `peeringdb_netixlan_findings{kind}`: what differs between the members' PeeringDB
/// entries and the portal, by kind, as of the last check (read at scrape time).
pub const NETIXLAN_FINDINGS: &str = "ztix_peeringdb_netixlan_findings";
/// 1 while the last PeeringDB check could not read PeeringDB (the findings are older).
pub const NETIXLAN_STALE: &str = "ztix_peeringdb_netixlan_stale";
/// 1 while the controller preflight passes, 0 otherwise.
pub const PREFLIGHT_OK: &str = "ztix_controller_preflight_ok";

/// A login attempt: `method` is `local` or `peeringdb`; `outcome` a short code such as
/// `success`, `invalid_credentials` or `throttled`.
pub fn auth_attempt(method: &'static str, outcome: &'static str) {
    metrics::counter!(AUTH_ATTEMPTS, "method" => method, "outcome" => outcome).increment(1);
}

/// One provisioning run ended: `active`, `failed` or `lease_lost`.
pub fn provisioning_attempt(outcome: &'static str) {
    metrics::counter!(PROVISIONING_ATTEMPTS, "outcome" => outcome).increment(1);
}

/// A request became active `elapsed` after it was approved.
pub fn approve_to_active(elapsed: chrono::TimeDelta) {
    metrics::histogram!(APPROVE_TO_ACTIVE).record(elapsed.as_seconds_f64().max(0.0));
}

/// `notification_deliveries_total{channel, outcome}`: delivery attempts (`delivered`,
/// `retried`, `dead`).
pub const NOTIFICATION_DELIVERIES: &str = "ztix_notification_deliveries_total";
/// Deliveries (and events not yet expanded) waiting in the outbox (read at scrape time).
pub const OUTBOX_PENDING: &str = "ztix_outbox_pending";
/// Dead letters: deliveries that used up their attempts (read at scrape time).
pub const OUTBOX_DEAD: &str = "ztix_outbox_dead";
/// Age of the oldest pending delivery in seconds, 0 when none (read at scrape time).
pub const OUTBOX_OLDEST_PENDING: &str = "ztix_outbox_oldest_pending_seconds";

/// One delivery attempt ended.
pub fn notification_delivery(channel: &'static str, outcome: &'static str) {
    metrics::counter!(NOTIFICATION_DELIVERIES, "channel" => channel, "outcome" => outcome).increment(1);
}
