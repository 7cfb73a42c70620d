//! `[sms.dispatch]` and `[sms.routes]`: how the dispatcher drains the outbox
//! and which carrier each recipient goes to.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// `[sms.dispatch]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DispatchSettings {
    /// Messages claimed per batch.
    pub batch: u32,
    /// Batches submitted at the same time; each awaits its SMSC answers.
    pub in_flight: u32,
    /// How often the outbox is polled when nothing woke the dispatcher.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// A claim older than this is taken to be a dead node's: the message is
    /// queued again (it may then be sent twice; it is never lost).
    #[serde(with = "humantime_serde")]
    pub lease: Duration,
    /// First pause after a temporary error; doubled per attempt.
    #[serde(with = "humantime_serde")]
    pub retry_min: Duration,
    /// Longest pause between attempts.
    #[serde(with = "humantime_serde")]
    pub retry_max: Duration,
    /// Validity of messages that did not give one.
    #[serde(with = "humantime_serde")]
    pub default_validity: Duration,
    /// Source address of submitted SMS (empty: the carrier's default).
    pub source_addr: String,
    /// Receipts written per transaction.
    pub receipt_batch: u32,
    /// How long a receipt that matches no part yet is kept (its submission
    /// may still be being recorded) before it is counted unknown.
    #[serde(with = "humantime_serde")]
    pub receipt_grace: Duration,
    /// How SMSC ids are written, per carrier: `{ submit = "hex", receipt = "decimal" }`.
    pub id_formats: BTreeMap<String, IdFormats>,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        DispatchSettings {
            batch: 500,
            in_flight: 4,
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(120),
            retry_min: Duration::from_secs(5),
            retry_max: Duration::from_secs(600),
            default_validity: Duration::from_secs(24 * 3600),
            source_addr: String::new(),
            receipt_batch: 1000,
            receipt_grace: Duration::from_secs(30),
            id_formats: BTreeMap::new(),
        }
    }
}

/// How one carrier writes message ids in submit_sm_resp and in receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdFormats {
    /// In submit_sm_resp.
    pub submit: IdBase,
    /// In the receipt's `id:` (or `receipted_message_id`).
    pub receipt: IdBase,
}

/// A message id's notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdBase {
    /// Compared as received.
    #[default]
    Verbatim,
    /// Hexadecimal.
    Hex,
    /// Decimal.
    Decimal,
}

impl From<IdBase> for crate::smpp::receipt::IdFormat {
    fn from(b: IdBase) -> Self {
        use crate::smpp::receipt::IdFormat;
        match b {
            IdBase::Verbatim => IdFormat::Verbatim,
            IdBase::Hex => IdFormat::Hex,
            IdBase::Decimal => IdFormat::Decimal,
        }
    }
}

/// `[sms.routes]`: recipient prefixes (national form, `09…`) per carrier,
/// and the carrier used when the preferred one has no bound link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RouteSettings {
    /// Carrier name (a `[carriers.NAME]`) to its prefixes.
    pub prefixes: BTreeMap<String, Vec<String>>,
    /// Used when no prefix matches or the chosen carrier has no bound link.
    pub fallback: Option<String>,
}

impl Default for RouteSettings {
    fn default() -> Self {
        let range = |from: u32, to: u32| (from..=to).map(|p| format!("0{p}")).collect::<Vec<_>>();
        let mci = [range(910, 919), range(990, 994)].concat();
        let irancell = [
            range(901, 905),
            range(930, 930),
            range(933, 939),
            range(941, 941),
        ]
        .concat();
        let rightel = range(920, 923);
        RouteSettings {
            prefixes: BTreeMap::from([
                ("mci".to_owned(), mci),
                ("irancell".to_owned(), irancell),
                ("rightel".to_owned(), rightel),
            ]),
            fallback: None,
        }
    }
}
