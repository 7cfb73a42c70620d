//! What the callback worker needs from the database, over both backends:
//! claim due callbacks with the message they are about, and record each
//! attempt with what comes next.

use crate::registry::Result;
use crate::sms::delivery::Attempt;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A claimed callback and the message it reports on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingCallback {
    /// `sms_callbacks` key.
    pub id: i64,
    /// The message (`sms_outbox.id`).
    pub outbox_id: i64,
    /// The state the message reached.
    pub state: String,
    /// Kannel DLR type; `None` for JSON clients.
    pub dlr_type: Option<i64>,
    /// Where to call (Kannel: with escapes still in it).
    pub url: String,
    /// Attempts including the one now claimed.
    pub attempts: i64,
    /// When the state was reached.
    pub created_at: DateTime<Utc>,
    /// The API client that sent the message.
    pub client: String,
    /// The client's own reference.
    pub client_ref: Option<String>,
    /// Recipient (canonical `98…`).
    pub recipient: String,
    /// Source address asked for.
    pub sender: Option<String>,
    /// Why the dispatcher failed it, if it did.
    pub error: Option<String>,
    /// The carrier that took it.
    pub carrier: Option<String>,
    /// The SMSC id of the part that decided the state (a failed one first).
    pub smsc_message_id: Option<String>,
    /// That part's receipt stat word.
    pub receipt_state: Option<String>,
    /// That part's network error code.
    pub receipt_error: Option<String>,
}

/// The callback worker's view of the database.
#[async_trait]
pub trait CallbackStore: Send + Sync + 'static {
    /// Claims up to `limit` pending callbacks due at `now` (oldest first),
    /// counting the attempt and hiding them until `lease_until`, after which
    /// a dead node's claim is due again.
    async fn claim_callbacks(
        &self,
        limit: u32,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<PendingCallback>>;
    /// Records one attempt and its consequence in one transaction.
    async fn record_attempt(&self, attempt: &Attempt) -> Result<()>;
}

/// A cheap, cloneable handle to the callback store.
pub type SharedCallbackStore = Arc<dyn CallbackStore>;
