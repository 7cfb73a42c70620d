//! `[sms.callbacks]`: how clients' callback URLs are called.

use crate::sms::delivery::RetryPolicy;
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
    /// How failed calls are retried: every failure retries, as a client's
    /// callback URL may answer 404 until its deployment is finished.
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts,
            backoff_min: self.backoff_min,
            backoff_max: self.backoff_max,
            permanent_4xx: false,
        }
    }
}
