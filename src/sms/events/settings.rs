//! `[notify]`: how often the registry notifier looks for events and when it
//! sends appointment reminders.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `[notify]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// Whether this gateway turns registry events into SMS (several gateways
    /// may all do it: claims skip rows another one holds).
    pub enabled: bool,
    /// Pause between looks at the events table when it was empty.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// Events claimed per transaction.
    pub batch: u32,
    /// Pause between reminder passes (each is one query; repeats enqueue nothing).
    #[serde(with = "humantime_serde")]
    pub reminder_interval: Duration,
    /// Reminders for tomorrow go out from this hour, Tehran time…
    pub reminder_from_hour: u32,
    /// …until before this hour, so nobody is woken at night.
    pub reminder_until_hour: u32,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            enabled: true,
            poll_interval: Duration::from_secs(1),
            batch: 100,
            reminder_interval: Duration::from_secs(600),
            reminder_from_hour: 9,
            reminder_until_hour: 21,
        }
    }
}
