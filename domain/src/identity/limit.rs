//! A request budget per key (a client address, an API token): a GCRA of `per_minute`
//! requests, all of them at once at most. Each process keeps its own counts; idle keys
//! are forgotten once many are remembered.

use std::hash::Hash;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys remembered before idle ones are forgotten.
const REMEMBERED: usize = 4096;

pub struct PerKey<K: Hash + Eq + Clone>(DefaultKeyedRateLimiter<K>);

impl<K: Hash + Eq + Clone> std::fmt::Debug for PerKey<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PerKey")
    }
}

impl<K: Hash + Eq + Clone> PerKey<K> {
    pub fn per_minute(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Self(RateLimiter::keyed(quota))
    }

    /// `Err(seconds)` (at least 1) when `key` has to wait.
    pub fn check(&self, key: &K) -> Result<(), u64> {
        if self.0.len() > REMEMBERED {
            self.0.retain_recent();
            self.0.shrink_to_fit();
        }
        self.0.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::PerKey;

    #[test]
    fn each_key_gets_its_own_budget() {
        let limit = PerKey::per_minute(3);
        for _ in 0..3 {
            assert_eq!(limit.check(&"a"), Ok(()));
        }
        let wait = limit.check(&"a").unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert_eq!(limit.check(&"b"), Ok(()));
    }
}
