//! Outbox values: what a client asks to send, and what it can see afterwards.

use crate::domain::Msisdn;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// 0 is sent first (one-time codes), 9 last (bulk); 5 is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Priority(u8);

impl Priority {
    /// One-time codes and passwords: they go before everything else.
    pub const URGENT: Priority = Priority(0);
    /// Notifications.
    pub const NORMAL: Priority = Priority(5);

    /// A priority from 0 to 9.
    pub fn new(value: u8) -> Option<Self> {
        (value <= 9).then_some(Priority(value))
    }

    /// The number stored.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Priority {
    fn default() -> Self {
        Priority::NORMAL
    }
}

/// Where a message stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    utoipa::ToSchema,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SmsState {
    /// Waiting for the dispatcher (or for its next attempt).
    Queued,
    /// Claimed by a dispatcher, being submitted.
    Submitting,
    /// Every part accepted by the SMSC.
    Submitted,
    /// The handset received every part.
    Delivered,
    /// The network gave up on delivery.
    Undeliverable,
    /// Its validity ran out before it could be sent or delivered.
    Expired,
    /// Refused permanently (the reason is recorded).
    Failed,
}

/// A message to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSms {
    /// Who sends it: an API client's name, or the gateway's service.
    pub client: String,
    /// The client's own reference, returned with status.
    pub client_ref: Option<String>,
    /// Repeating a request with the same key returns the first message.
    pub idempotency_key: Option<String>,
    /// The recipient.
    pub recipient: Msisdn,
    /// Source address, when not the carrier's default.
    pub sender: Option<String>,
    /// The final text.
    pub body: String,
    /// Order of sending.
    pub priority: Priority,
    /// Do not send (or deliver) after this.
    pub valid_until: Option<DateTime<Utc>>,
    /// Called with delivery status changes.
    pub callback_url: Option<String>,
    /// Kannel's dlr-mask: which receipt events to report to the callback.
    pub dlr_mask: Option<u8>,
}

/// The outcome of an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new message with this key.
    New(i64),
    /// The idempotency key was seen before: the earlier message's key.
    Duplicate(i64),
}

impl Enqueued {
    /// The message key either way.
    pub fn id(self) -> i64 {
        match self {
            Enqueued::New(id) | Enqueued::Duplicate(id) => id,
        }
    }
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sms {
    /// Key.
    pub id: i64,
    /// Who sent it.
    pub client: String,
    /// The client's reference.
    pub client_ref: Option<String>,
    /// Recipient, canonical `989…`.
    #[schema(value_type = String, example = "989121234567")]
    pub recipient: Msisdn,
    /// Text.
    pub body: String,
    /// Priority.
    #[schema(value_type = u8, minimum = 0, maximum = 9)]
    pub priority: Priority,
    /// State.
    pub state: SmsState,
    /// Submission attempts so far.
    pub attempts: i64,
    /// Parts it was split into, once submitted.
    pub parts: Option<i64>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Validity.
    pub valid_until: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}
