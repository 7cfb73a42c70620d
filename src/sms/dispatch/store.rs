//! What the dispatcher needs from the database, as one trait over both
//! backends: claim due messages, record their fates in bulk, apply receipts
//! in bulk, and give stale claims back. Every write is one statement per
//! kind per batch (rows travel as one JSON text or as typed arrays), because the dispatcher
//! must keep up with tens of thousands of messages a second.

use crate::registry::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// A message claimed for submission (its row is now `submitting`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    /// Outbox key.
    pub id: i64,
    /// Recipient as stored (canonical `98…`).
    pub recipient: String,
    /// Source address asked for by the client.
    pub sender: Option<String>,
    /// Text.
    pub body: String,
    /// 0 first.
    pub priority: i64,
    /// Attempts including this one.
    pub attempts: i64,
    /// Do not send after this.
    pub valid_until: Option<DateTime<Utc>>,
    /// Enqueued at (the default validity counts from here).
    pub created_at: DateTime<Utc>,
    /// The ported-number override, if the recipient has one.
    #[sqlx(default)]
    pub ported: Option<String>,
}

/// One part accepted by the SMSC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcceptedPart {
    /// 1-based.
    #[serde(rename = "n")]
    pub part_no: i64,
    /// As the SMSC gave it.
    #[serde(rename = "m")]
    pub message_id: String,
    /// Normalised for receipt matching.
    #[serde(rename = "k")]
    pub key: String,
}

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Every part accepted.
    Submitted {
        /// Outbox key.
        id: i64,
        /// The carrier that took it.
        carrier: String,
        /// Its parts.
        parts: Vec<AcceptedPart>,
    },
    /// Queued again for `at`; `error` says why (none when just released).
    Retry {
        /// Outbox key.
        id: i64,
        /// Next attempt.
        at: DateTime<Utc>,
        /// The temporary error.
        error: Option<String>,
    },
    /// Refused for good.
    Failed {
        /// Outbox key.
        id: i64,
        /// Why.
        error: String,
    },
    /// Its validity ran out.
    Expired {
        /// Outbox key.
        id: i64,
    },
}

impl Fate {
    /// The outbox key of the message it is the fate of.
    pub fn id(&self) -> i64 {
        match self {
            Fate::Submitted { id, .. }
            | Fate::Retry { id, .. }
            | Fate::Failed { id, .. }
            | Fate::Expired { id } => *id,
        }
    }
}

/// One receipt to apply: the part it names and what it says. Serialised
/// as the JSON array `[carrier, key, stat, error]` SQLite's statement reads
/// (see `sql::rows` for why arrays).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptUpdate {
    /// Carrier it came from.
    pub carrier: String,
    /// Normalised SMSC id.
    pub key: String,
    /// Canonical stat word (DELIVRD, EXPIRED, UNDELIV, REJECTD, DELETED, ENROUTE, UNKNOWN).
    pub stat: String,
    /// Network error code.
    pub error: Option<String>,
}

impl serde::Serialize for ReceiptUpdate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.carrier, &self.key, &self.stat, &self.error).serialize(s)
    }
}

/// The dispatcher's view of the database.
#[async_trait]
pub trait DispatchStore: Send + Sync + 'static {
    /// Queues again every `submitting` row claimed before `before` (a dead
    /// node's claim); returns how many.
    async fn requeue_stale(&self, before: DateTime<Utc>) -> Result<u64>;
    /// Claims up to `limit` due `queued` rows, most urgent first, with their
    /// ported-number overrides.
    async fn claim(&self, limit: u32) -> Result<Vec<Claimed>>;
    /// Records the fates of claimed messages in one transaction.
    async fn record(&self, fates: &[Fate]) -> Result<()>;
    /// Applies receipts to their parts and the parts' messages in one
    /// transaction; returns the (carrier, key) pairs that matched a part.
    async fn apply_receipts(&self, receipts: &[ReceiptUpdate]) -> Result<Vec<(String, String)>>;
    /// Messages queued or being submitted.
    async fn queue_depth(&self) -> Result<i64>;
    /// Routes `msisdn` (canonical) to `carrier` whatever its prefix (ported numbers).
    async fn set_number_route(&self, msisdn: &str, carrier: &str) -> Result<()>;
    /// Notifies `wake` whenever a message is enqueued, until `cancel`
    /// (PostgreSQL LISTEN/NOTIFY; returns at once where there is no such thing).
    async fn listen(&self, wake: Arc<Notify>, cancel: CancellationToken);
}

/// A cheap, cloneable handle to the dispatcher's store.
pub type SharedDispatchStore = Arc<dyn DispatchStore>;

/// The JSON text of a list (serde_json cannot fail on these values).
pub(crate) fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}
