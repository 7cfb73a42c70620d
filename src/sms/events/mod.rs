//! Notifications from the registry. Triggers on `card_requests` (both
//! backends, migration 000005) record every change made by anyone, the web
//! side included, as a row of `request_events`. The notifier claims unprocessed
//! rows, turns each into templated Persian SMS and enqueues them in the same
//! transaction that marks the row processed: an event survives a gateway
//! outage and is sent exactly once. A second pass reminds citizens the day
//! before their appointment, once per request and day (idempotency key).
//!
//! Separate from the outbox because it owns a different table and a policy
//! (which change tells whom what); the SQL lives beside the backends like the
//! outbox's, and the choice of message is the pure [`compose`] module.

pub mod compose;
mod model;
mod settings;
pub(crate) mod sql;
mod task;

pub use model::{EventKind, PendingEvent, Planned, Reminder};
pub use settings::NotifySettings;
pub use task::{EventNotifier, Render, tehran_today};

use crate::registry::Result;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// Turns planned messages into outbox rows; `Err` carries the reason a
/// message could not be made (recorded on the event, never retried).
pub type Build<'a> = &'a (dyn Fn(&Planned) -> Result<crate::sms::outbox::NewSms, String> + Sync);

/// The events table and the reminders query, per backend.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Claims up to `limit` unprocessed events (oldest first; `SKIP LOCKED`
    /// on PostgreSQL so several gateways share the work), enqueues the
    /// messages `build` makes of each and marks them processed, all in one
    /// transaction. Returns how many events were processed.
    async fn process_events(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        build: Build<'_>,
    ) -> Result<usize>;

    /// Enqueues a reminder for every request with an appointment on `day`
    /// that has not started enrollment; the idempotency key per request and
    /// day makes a repeat enqueue nothing. Returns how many were new.
    async fn remind(&self, day: NaiveDate, build: Build<'_>) -> Result<usize>;

    /// Events not yet processed (for readiness and tests).
    async fn pending_events(&self) -> Result<i64>;
}

/// A cheap, cloneable handle to the events store.
pub type SharedEventStore = Arc<dyn EventStore>;
