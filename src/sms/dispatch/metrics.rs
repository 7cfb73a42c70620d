//! The dispatcher's Prometheus series, named once here.

use metrics::{Counter, Gauge, counter, gauge};

/// Counters and gauges of the dispatcher and the receipt writer.
#[derive(Clone)]
pub struct DispatchMetrics {
    /// Messages claimed from the outbox.
    pub claimed: Counter,
    /// Messages whose every part the SMSC accepted.
    pub submitted: Counter,
    /// Messages queued again after a temporary error.
    pub retried: Counter,
    /// Messages refused for good.
    pub failed: Counter,
    /// Messages whose validity ran out.
    pub expired: Counter,
    /// Dead nodes' claims queued again.
    pub requeued_stale: Counter,
    /// Receipts matched to a part and stored.
    pub receipts_matched: Counter,
    /// Receipts held back for another try (their part not recorded yet).
    pub receipts_held: Counter,
    /// Receipts that matched no part within the grace period.
    pub receipts_unknown: Counter,
    /// Messages queued or being submitted.
    pub queue_depth: Gauge,
}

impl DispatchMetrics {
    /// Registers the series with the installed recorder.
    pub fn new() -> Self {
        DispatchMetrics {
            claimed: counter!("dargah_sms_claimed_total"),
            submitted: counter!("dargah_sms_submitted_total"),
            retried: counter!("dargah_sms_retried_total"),
            failed: counter!("dargah_sms_failed_total"),
            expired: counter!("dargah_sms_expired_total"),
            requeued_stale: counter!("dargah_sms_requeued_stale_total"),
            receipts_matched: counter!("dargah_sms_receipts_total", "result" => "matched"),
            receipts_held: counter!("dargah_sms_receipts_held_total"),
            receipts_unknown: counter!("dargah_sms_receipts_total", "result" => "unknown"),
            queue_depth: gauge!("dargah_sms_queue_depth"),
        }
    }
}

impl Default for DispatchMetrics {
    fn default() -> Self {
        Self::new()
    }
}
