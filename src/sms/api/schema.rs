//! The JSON bodies the API answers with, as types: the handlers build them
//! and the OpenAPI document is derived from them, so the two cannot differ.

use crate::sms::otp::Verdict;
use crate::sms::outbox::{Enqueued, SmsState};
use serde::Serialize;
use utoipa::ToSchema;

/// One enqueued message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The message key, for `GET /v1/sms/{id}`.
    pub id: i64,
    /// Always `queued` on acceptance.
    pub state: SmsState,
    /// True when the idempotency key was seen before: `id` is the first message.
    pub duplicate: bool,
}

impl From<Enqueued> for Accepted {
    fn from(e: Enqueued) -> Self {
        Accepted {
            id: e.id(),
            state: SmsState::Queued,
            duplicate: matches!(e, Enqueued::Duplicate(_)),
        }
    }
}

/// The answer to a batch: one entry per message, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAccepted {
    /// The messages.
    pub messages: Vec<Accepted>,
}

/// `POST /v1/sms` answers a single message with `Accepted`, a batch with `BatchAccepted`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SendAnswer {
    /// A batch.
    Batch(BatchAccepted),
    /// One message.
    One(Accepted),
}

/// Every refusal: a reason a person can act on, and for 429 when to retry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What was wrong, naming the field (and the batch index).
    pub error: String,
    /// Seconds to wait before retrying (429 only; also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
}

/// A one-time code was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OtpSent {
    /// The code's key.
    pub id: i64,
    /// The SMS carrying it.
    pub sms_id: i64,
    /// Seconds the code stays valid.
    pub expires_in: i64,
    /// Seconds before a new code may be asked for the same number and purpose.
    pub resend_after: i64,
}

/// The outcome of a verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct OtpVerdict {
    /// Whether the code was right (it is used up then).
    pub valid: bool,
    /// Why not: `wrong`, `expired`, `too_many_attempts`, `not_found`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub reason: Option<Verdict>,
}
