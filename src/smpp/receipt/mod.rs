//! Delivery receipts (SMPP 3.4 §2.11, Appendix B): the receipt text, the
//! TLVs that override it, and message-id matching.
//!
//! Separate from the codec because receipts are application data inside a
//! deliver_sm, and their parsing must be forgiving where the codec is strict.

mod id;
mod parse;

pub use id::{IdFormat, normalize};
pub use parse::parse;

use crate::smpp::pdu::{MessageState, ShortMessage};

/// A receipt date: YYMMDDhhmm, optionally with seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ReceiptDate {
    pub year: u8,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: Option<u8>,
}

/// The fields of a delivery receipt; each may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Receipt {
    /// `id`: the message id the SMSC gave in submit_sm_resp (maybe in another base).
    pub id: Option<String>,
    /// `sub`: parts submitted.
    pub sub: Option<u32>,
    /// `dlvrd`: parts delivered.
    pub dlvrd: Option<u32>,
    /// `submit date`.
    pub submit_date: Option<ReceiptDate>,
    /// `done date`.
    pub done_date: Option<ReceiptDate>,
    /// `stat`, upper-cased: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE…
    pub stat: Option<String>,
    /// `err`: network-specific error code.
    pub err: Option<String>,
    /// `text`: the start of the original message.
    pub text: Option<String>,
}

/// Final outcome of a message as a receipt reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Reached the handset.
    Delivered,
    /// Will not be delivered (expired, deleted, undeliverable, rejected).
    Failed,
    /// Still on its way, or the state is not final.
    Pending,
    /// A state we do not recognise.
    Unknown,
}

impl Receipt {
    /// Reads a deliver_sm as a receipt when `esm_class` says it is one
    /// (bits 5..2 = 0001 or 1000, §5.2.12): text from `short_message` or
    /// `message_payload`, then `receipted_message_id` and `message_state`
    /// TLVs, which take precedence over the text.
    pub fn from_deliver_sm(sm: &ShortMessage) -> Option<Receipt> {
        let kind = (sm.esm_class >> 2) & 0x0F;
        if kind != 0b0001 && kind != 0b1000 {
            return None;
        }
        let text = sm.tlvs.message_payload().unwrap_or(&sm.short_message);
        let mut r = parse(text);
        if let Some(id) = sm.tlvs.receipted_message_id() {
            r.id = Some(String::from_utf8_lossy(id).into_owned());
        }
        if let Some(state) = sm.tlvs.message_state() {
            r.stat = state_name(state).map(str::to_owned).or(r.stat);
        }
        Some(r)
    }

    /// The outcome `stat` reports.
    pub fn outcome(&self) -> Outcome {
        match self.stat.as_deref() {
            Some("DELIVRD" | "DELIVERED") => Outcome::Delivered,
            Some("EXPIRED" | "DELETED" | "UNDELIV" | "UNDELIVERABLE" | "REJECTD" | "REJECTED") => {
                Outcome::Failed
            }
            Some("ENROUTE" | "ACCEPTD" | "ACCEPTED") => Outcome::Pending,
            _ => Outcome::Unknown,
        }
    }
}

/// The receipt `stat` word of a `message_state` value (Appendix B, §5.2.28).
fn state_name(s: MessageState) -> Option<&'static str> {
    Some(match s {
        MessageState::ENROUTE => "ENROUTE",
        MessageState::DELIVERED => "DELIVRD",
        MessageState::EXPIRED => "EXPIRED",
        MessageState::DELETED => "DELETED",
        MessageState::UNDELIVERABLE => "UNDELIV",
        MessageState::ACCEPTED => "ACCEPTD",
        MessageState::UNKNOWN => "UNKNOWN",
        MessageState::REJECTED => "REJECTD",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
