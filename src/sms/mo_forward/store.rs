//! What the forward worker needs from the database, over both backends:
//! claim due forwards with their messages, and record each attempt (a
//! final one also settles the message's inbox state).

use crate::registry::Result;
use crate::sms::delivery::Attempt;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A claimed forward: the inbox message to send.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingForward {
    /// `sms_inbox.id` (also the forward's key).
    pub inbox_id: i64,
    /// Attempts including the one now claimed.
    pub attempts: i64,
    /// The carrier (link) it came through.
    pub carrier: String,
    /// The sender as received.
    pub source: String,
    /// Our number as received.
    pub destination: String,
    /// The decoded text; `None` for a coding we do not decode.
    pub text: Option<String>,
    /// `data_coding` of the PDU.
    pub data_coding: i64,
    /// How many parts it came in.
    pub parts: i64,
    /// When it was stored (its last part, for a concatenated one).
    pub received_at: DateTime<Utc>,
}

/// One attempt and, after a reply SMS was enqueued, that message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardAttempt {
    /// The attempt (`key` is the inbox id).
    pub attempt: Attempt,
    /// The outbox message that answers the sender (`reply = true`).
    pub reply: Option<i64>,
}

/// The forward worker's view of the database.
#[async_trait]
pub trait MoForwardStore: Send + Sync + 'static {
    /// Claims up to `limit` pending forwards due at `now` (oldest first),
    /// counting the attempt and hiding them until `lease_until`, after which
    /// a dead node's claim is due again.
    async fn claim_forwards(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<PendingForward>>;
    /// Records one attempt and its consequence in one transaction: the
    /// message becomes `forwarded` or `forward_failed` when it is final.
    async fn record_forward(&self, attempt: &ForwardAttempt) -> Result<()>;
}

/// A cheap, cloneable handle to the forward store.
pub type SharedMoForwardStore = Arc<dyn MoForwardStore>;
