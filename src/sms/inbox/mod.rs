//! The MO SMS inbox: every mobile-originated message stored whole before the
//! SMSC is told it may forget it, then answered by a keyword service.
//!
//! Parts of a concatenated message (UDH or SAR) are stored one by one in
//! `sms_inbox_parts` and each part is acknowledged once its own row is
//! committed: a crash between parts then loses nothing (the stored parts
//! wait in the database, the missing ones are still the SMSC's), and no
//! SMSC waits on a `deliver_sm_resp` for minutes while siblings trickle in.
//! The part that completes a message joins, decodes and moves the message
//! into `sms_inbox` in the same transaction.

pub mod keyword;
pub mod mo;
pub mod reply;
pub mod sql;

use crate::registry::Result;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Where a stored message came from and went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The carrier (link) name.
    pub carrier: String,
    /// Sender address as received.
    pub source: String,
    /// Our short code or number as received.
    pub destination: String,
    /// `data_coding` of the PDU.
    pub data_coding: u8,
}

/// One part of a concatenated message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPart {
    /// Reference shared by the parts (per sender and recipient).
    pub reference: u16,
    /// Number of parts.
    pub total: u8,
    /// This part, 1-based.
    pub seqnum: u8,
    /// Its octets, UDH removed.
    pub octets: Vec<u8>,
}

/// A whole message in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxSms {
    /// Row id.
    pub id: i64,
    /// Origin and coding.
    pub envelope: Envelope,
    /// The decoded text; `None` for a coding we do not decode.
    pub text: Option<String>,
    /// How many parts it came in.
    pub parts: i64,
}

/// What storing one part led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartStored {
    /// Stored; siblings still missing.
    Pending,
    /// This part completed the message, now in the inbox.
    Complete(InboxSms),
}

/// How a message was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// A keyword service answered it with the outbox message `reply`.
    Replied {
        /// The service (`status`).
        by: &'static str,
        /// The reply in `sms_outbox`.
        reply: i64,
    },
    /// No keyword claimed it.
    Unclaimed,
    /// No keyword claimed it and it is queued for the web side
    /// (`crate::sms::mo_forward`): state `forwarding`.
    Forward,
}

/// The inbox in the shared database.
#[async_trait::async_trait]
pub trait InboxStore: Send + Sync + 'static {
    /// Stores a message that came in one part.
    async fn store_whole(
        &self,
        env: &Envelope,
        text: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<InboxSms>;

    /// Stores one part; the part that completes a message moves it to the inbox.
    async fn store_part(
        &self,
        env: &Envelope,
        part: &NewPart,
        now: DateTime<Utc>,
    ) -> Result<PartStored>;

    /// Records how message `id` was handled; `Forward` also queues its
    /// forward, in the same transaction.
    async fn mark(&self, id: i64, handled: Handled, now: DateTime<Utc>) -> Result<()>;

    /// Up to `limit` whole messages still `received` (never answered: a crash
    /// after the store, or a keyword service that failed) from before `before`.
    async fn stranded(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<InboxSms>>;
}

/// A cheap, cloneable handle to the inbox.
pub type SharedInboxStore = Arc<dyn InboxStore>;

/// The text of joined octets in `data_coding`, if we decode it.
pub fn decode(data_coding: u8, octets: &[u8]) -> Option<String> {
    crate::smpp::text::encoding::Encoding::from_data_coding(data_coding).map(|e| e.decode(octets))
}
