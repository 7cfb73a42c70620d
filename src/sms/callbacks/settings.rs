//! `[sms.callbacks]`: how clients' callback URLs are called.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `[sms.callbacks]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallbackSettings {
    /// Whether this node sends callbacks (pending ones wait in `sms_callbacks` otherwise).
    pub enabled: bool,
    /// How long one call may take before it counts as failed.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Calls made before a callback is given up.
    pub attempts: u32,
    /// Pause after the first failure; doubled after each further one.
    #[serde(with = "humantime_serde")]
    pub backoff_min: Duration,
    /// Longest pause between calls.
    #[serde(with = "humantime_serde")]
    pub backoff_max: Duration,
    /// Calls in flight at once on this node.
    pub concurrency: u32,
    /// How often pending callbacks are looked for.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
}

impl Default for CallbackSettings {
    fn default() -> Self {
        CallbackSettings {
            enabled: true,
            timeout: Duration::from_secs(10),
            attempts: 8,
            backoff_min: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
            concurrency: 16,
            poll_interval: Duration::from_secs(1),
        }
    }
}

impl CallbackSettings {
    /// The pause after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.backoff_min
            .saturating_mul(factor)
            .min(self.backoff_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_the_minimum_up_to_the_maximum() {
        let s = CallbackSettings {
            backoff_min: Duration::from_secs(10),
            backoff_max: Duration::from_secs(60),
            ..CallbackSettings::default()
        };
        let pauses: Vec<u64> = (1..=5).map(|a| s.backoff(a).as_secs()).collect();
        assert_eq!(pauses, [10, 20, 40, 60, 60]);
        assert_eq!(s.backoff(200), Duration::from_secs(60));
    }
}
