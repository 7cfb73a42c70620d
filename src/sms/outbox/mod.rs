//! The outbox: every SMS the gateway must send is a row first, so a crash or a
//! carrier outage loses nothing. Rows come from the HTTP API, from the
//! gateway's services, or straight from the web side (`docs/schema.md`).

pub mod coalesce;
mod model;
pub(crate) mod sql;
mod wake;

pub use coalesce::CoalescingOutbox;
pub use model::{Enqueued, NewSms, Priority, Sms, SmsState};
pub use wake::EnqueueBell;

use crate::registry::Result;
use async_trait::async_trait;
use std::sync::Arc;

/// Enqueue and look up messages.
#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    /// Adds a message, or returns the existing one for a repeated
    /// (client, idempotency key).
    async fn enqueue(&self, sms: &NewSms) -> Result<Enqueued>;
    /// Adds several messages in one transaction: all or none.
    async fn enqueue_batch(&self, batch: &[NewSms]) -> Result<Vec<Enqueued>>;
    /// A message by key, as its client may see it.
    async fn sms(&self, id: i64) -> Result<Option<Sms>>;
}

/// A cheap, cloneable handle to the outbox.
pub type SharedOutbox = Arc<dyn Outbox>;
