//! A run of database errors seen by one task of the dispatcher: how long to
//! pause before the next try, and what to log. The first error of a run is
//! a warning, the rest are debug lines (a database gone for a minute must
//! not write thousands of lines), and the recovery is logged once with how
//! long it took and how many tries failed.

use metrics::Counter;
use std::fmt::Display;
use std::time::Duration;
use tokio::time::Instant;

/// First pause after an error.
const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// Longest pause: the database is tried at least this often, so work
/// resumes within this long of its return.
const MAX_PAUSE: Duration = Duration::from_secs(2);

/// One task's current run of errors (none while the database answers).
pub(crate) struct Outage {
    task: &'static str,
    errors: Counter,
    since: Option<Instant>,
    failures: u32,
}

impl Outage {
    /// A tracker for `task` (named in logs and in `dargah_sms_store_errors_total`).
    pub fn new(task: &'static str) -> Self {
        Outage {
            task,
            errors: metrics::counter!("dargah_sms_store_errors_total", "task" => task),
            since: None,
            failures: 0,
        }
    }

    /// Whether the last try failed.
    pub fn active(&self) -> bool {
        self.since.is_some()
    }

    /// Records a failed try; returns the pause before the next one.
    pub fn failed(&mut self, error: &dyn Display) -> Duration {
        self.errors.increment(1);
        self.failures += 1;
        if self.since.is_none() {
            self.since = Some(Instant::now());
            tracing::warn!(task = self.task, %error, "database unavailable; retrying with backoff");
        } else {
            tracing::debug!(task = self.task, %error, tries = self.failures, "database still unavailable");
        }
        pause(self.failures)
    }

    /// Records a successful try, ending the run if there was one.
    pub fn recovered(&mut self) {
        if let Some(since) = self.since.take() {
            tracing::info!(task = self.task, failed_tries = self.failures, after = ?since.elapsed(),
                "database available again; resumed");
        }
        self.failures = 0;
    }
}

/// `FIRST_PAUSE` doubled per failure after the first, at most `MAX_PAUSE`.
fn pause(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_PAUSE.saturating_mul(1 << doublings).min(MAX_PAUSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_the_maximum_and_a_success_resets_it() {
        let mut o = Outage::new("test");
        assert!(!o.active());
        let pauses: Vec<_> = (0..7).map(|_| o.failed(&"down").as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 800, 1600, 2000, 2000]);
        assert!(o.active());
        o.recovered();
        assert!(!o.active());
        assert_eq!(o.failed(&"down again"), FIRST_PAUSE);
    }
}
