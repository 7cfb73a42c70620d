//! `[national_card]`: the service's limits (identity attempts, lookups from
//! other phones) and how far ahead an appointment may be moved.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `[national_card]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NationalCardSettings {
    /// Failed identity attempts one MSISDN may make per `identity_window`.
    pub identity_attempts: u32,
    /// The window of `identity_attempts`; a locked-out caller waits until one attempt refills.
    #[serde(with = "humantime_serde")]
    pub identity_window: Duration,
    /// Tries on one national ID (failed or not) from phones other than its registered mobile per `lookup_window`.
    pub lookups_from_other_phones: u32,
    /// The window of `lookups_from_other_phones`.
    #[serde(with = "humantime_serde")]
    pub lookup_window: Duration,
    /// An appointment may be moved to one of the next this many days.
    pub change_days: u32,
}

impl Default for NationalCardSettings {
    fn default() -> Self {
        NationalCardSettings {
            identity_attempts: 5,
            identity_window: Duration::from_secs(15 * 60),
            lookups_from_other_phones: 10,
            lookup_window: Duration::from_secs(60 * 60),
            change_days: 14,
        }
    }
}
