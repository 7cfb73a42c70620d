//! One-time codes (seeds 000 and 003): a code is sent by SMS to the mobile on
//! file, a new one for the same number and purpose only after 120 seconds,
//! and it is checked with a bounded number of attempts before it expires.
//!
//! Only a keyed SHA-256 of each code is stored; the comparison is constant-time.

mod rules;
pub(crate) mod sql;

#[doc(hidden)]
pub use rules::same_hash as rules_same_hash;
pub use rules::{OtpPolicy, Verdict, code_hash, new_code};

use crate::domain::Msisdn;
use crate::registry::Result;
use crate::sms::outbox::NewSms;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A code to store together with the SMS that carries it.
#[derive(Debug, Clone)]
pub struct NewOtp {
    /// The API client asking.
    pub client: String,
    /// Who receives the code.
    pub msisdn: Msisdn,
    /// What it is for (`login`, `signup`, `delete-unit`…): codes of different purposes never mix.
    pub purpose: String,
    /// The keyed hash of the code.
    pub code_hash: String,
    /// When it stops being valid.
    pub expires_at: DateTime<Utc>,
}

/// The outcome of asking for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    /// Stored and its SMS queued: (code key, outbox key).
    Sent(i64, i64),
    /// The previous code for this number and purpose is too recent: seconds to wait.
    TooSoon(i64),
}

/// Storage of codes, in the shared database.
#[async_trait]
pub trait OtpStore: Send + Sync + 'static {
    /// Stores the code and enqueues its SMS in one transaction, unless the
    /// last code for the same number and purpose is younger than `resend_after`.
    async fn issue(
        &self,
        otp: &NewOtp,
        sms: &NewSms,
        resend_after: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Issued>;
    /// Checks a code against the latest unconsumed one for the number and
    /// purpose, counting the attempt; a right code is consumed.
    async fn verify(
        &self,
        msisdn: &Msisdn,
        purpose: &str,
        code_hash: &str,
        max_attempts: i64,
        now: DateTime<Utc>,
    ) -> Result<Verdict>;
}

/// A cheap, cloneable handle to the code store.
pub type SharedOtpStore = Arc<dyn OtpStore>;
