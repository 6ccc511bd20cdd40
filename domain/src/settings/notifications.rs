//! `[notifications]`: how the outbox's sender delivers, and `[webhooks]`: which private
//! networks webhook endpoints may point at.

use ipnet::IpNet;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationSettings {
    /// How often the sender looks for due deliveries (a change in the same process
    /// wakes it at once).
    pub interval_seconds: u32,
    /// Deliveries in flight at once.
    pub concurrency: u32,
    /// Longest one delivery (an SMTP exchange, a webhook POST) may take.
    pub timeout_seconds: u32,
    /// Attempts before a delivery is a dead letter.
    pub max_attempts: u32,
    /// The first retry waits about this long (with jitter), each later one twice as
    /// long …
    pub backoff_seconds: u32,
    /// … up to this long.
    pub backoff_max_seconds: u32,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self { interval_seconds: 5, concurrency: 4, timeout_seconds: 15, max_attempts: 10, backoff_seconds: 30, backoff_max_seconds: 6 * 3600 }
    }
}

impl NotificationSettings {
    /// The wait before attempt `attempts + 1`: exponential from `backoff_seconds`,
    /// capped, with "equal jitter" (between half and all of it) so that deliveries
    /// failing together do not retry together.
    pub fn backoff(&self, attempts: u32, jitter: f64) -> chrono::Duration {
        let base = f64::from(self.backoff_seconds);
        let wait = (base * 2f64.powi(attempts.saturating_sub(1).min(30) as i32)).min(f64::from(self.backoff_max_seconds));
        let jittered = wait / 2.0 + wait / 2.0 * jitter.clamp(0.0, 1.0);
        chrono::Duration::milliseconds((jittered * 1000.0) as i64)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        for (key, value) in [
            ("notifications.interval_seconds", self.interval_seconds),
            ("notifications.concurrency", self.concurrency),
            ("notifications.timeout_seconds", self.timeout_seconds),
            ("notifications.max_attempts", self.max_attempts),
            ("notifications.backoff_seconds", self.backoff_seconds),
        ] {
            if value == 0 {
                return Err(format!("{key} must be greater than 0"));
            }
        }
        if self.backoff_max_seconds < self.backoff_seconds {
            return Err("notifications.backoff_max_seconds must be at least notifications.backoff_seconds".into());
        }
        if self.concurrency > 64 {
            return Err("notifications.concurrency must be at most 64".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    /// Networks (CIDR) endpoints may be in although they are loopback, link-local or
    /// private; everything else of that kind is refused (no requests into the
    /// portal's own network on an admin's say-so).
    pub allowed_networks: Vec<IpNet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_keeps_half() {
        let s = NotificationSettings { backoff_seconds: 10, backoff_max_seconds: 100, ..Default::default() };
        assert_eq!(s.backoff(1, 1.0).num_seconds(), 10);
        assert_eq!(s.backoff(2, 1.0).num_seconds(), 20);
        assert_eq!(s.backoff(3, 1.0).num_seconds(), 40);
        assert_eq!(s.backoff(5, 1.0).num_seconds(), 100, "capped");
        assert_eq!(s.backoff(50, 1.0).num_seconds(), 100, "no overflow");
        assert_eq!(s.backoff(2, 0.0).num_seconds(), 10, "at least half");
        assert_eq!(s.backoff(2, 0.5).num_seconds(), 15);
    }
}
