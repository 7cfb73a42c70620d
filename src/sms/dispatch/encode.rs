//! A claimed message as the submit_sm PDUs of its parts: the cheapest
//! alphabet, UDH concatenation, a receipt asked for, the validity carried
//! to the SMSC. Pure: no I/O.

use crate::smpp::pdu::{Address, ShortMessage};
use crate::smpp::text::split::{SplitError, SplitMethod, split};
use crate::smpp::text::{Encoding, cheapest};
use bytes::Bytes;
use chrono::{DateTime, Utc};

/// TON international, NPI ISDN (§5.2.5, 5.2.6).
const INTERNATIONAL: (u8, u8) = (1, 1);
/// TON alphanumeric.
const ALPHANUMERIC: u8 = 5;
/// Ask for a receipt on success and failure (§5.2.17).
const RECEIPT_ON_FINAL: u8 = 0x01;

/// The submit_sm of every part of `body` to `recipient` (canonical `98…`).
pub fn parts(
    recipient: &str,
    source: &str,
    body: &str,
    reference: u16,
    valid_until: Option<DateTime<Utc>>,
) -> Result<Vec<ShortMessage>, SplitError> {
    let encoding = cheapest(body, false);
    let pieces = split(body, encoding, SplitMethod::Udh8, reference)?;
    let template = template(recipient, source, valid_until);
    Ok(pieces
        .iter()
        .map(|p| {
            let mut sm = template.clone();
            p.apply(&mut sm, encoding);
            sm
        })
        .collect())
}

fn template(recipient: &str, source: &str, valid_until: Option<DateTime<Utc>>) -> ShortMessage {
    ShortMessage {
        source: source_address(source),
        destination: Address {
            ton: INTERNATIONAL.0,
            npi: INTERNATIONAL.1,
            addr: Bytes::copy_from_slice(recipient.as_bytes()),
        },
        registered_delivery: RECEIPT_ON_FINAL,
        validity_period: valid_until.map(absolute_time).unwrap_or_default(),
        data_coding: Encoding::Gsm7.data_coding(),
        ..ShortMessage::default()
    }
}

/// Digits are a short code or number (TON unknown); anything else alphanumeric.
fn source_address(source: &str) -> Address {
    let numeric = source.bytes().all(|b| b.is_ascii_digit());
    Address {
        ton: if numeric || source.is_empty() {
            0
        } else {
            ALPHANUMERIC
        },
        npi: if numeric && !source.is_empty() { 1 } else { 0 },
        addr: Bytes::copy_from_slice(source.as_bytes()),
    }
}

/// SMPP absolute time in UTC, `YYMMDDhhmmsstnnp` (§7.1.1).
fn absolute_time(t: DateTime<Utc>) -> Bytes {
    Bytes::from(format!("{}000+", t.format("%y%m%d%H%M%S")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_short_latin_text_is_one_gsm_part_asking_for_a_receipt() {
        let sms = parts("989121234567", "", "hello", 7, None).unwrap();
        assert_eq!(sms.len(), 1);
        assert_eq!(&sms[0].destination.addr[..], b"989121234567");
        assert_eq!(sms[0].destination.ton, 1);
        assert_eq!(sms[0].registered_delivery, 1);
        assert_eq!(sms[0].esm_class & 0x40, 0);
        assert!(sms[0].validity_period.is_empty());
    }

    #[test]
    fn a_long_persian_text_is_ucs2_parts_with_udh() {
        let sms = parts("989121234567", "3000", &"س".repeat(100), 7, None).unwrap();
        assert_eq!(sms.len(), 2);
        assert!(
            sms.iter()
                .all(|s| s.data_coding == 0x08 && s.esm_class & 0x40 != 0)
        );
        assert_eq!(sms[0].source.npi, 1);
    }

    #[test]
    fn validity_is_sent_as_smpp_absolute_time() {
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 15, 49, 41).unwrap();
        let sms = parts("989121234567", "Dargah", "hi", 1, Some(t)).unwrap();
        assert_eq!(&sms[0].validity_period[..], b"261121154941000+");
        assert_eq!(sms[0].source.ton, 5);
    }
}
