use bytes::Bytes;

use super::*;
use crate::smpp::pdu::Tlv;

const SPEC: &[u8] = b"id:1234567890 sub:001 dlvrd:001 submit date:2511211305 done date:2511211306 stat:DELIVRD err:000 text:Hello world";

#[test]
fn the_appendix_b_receipt_parses_every_field() {
    let r = parse(SPEC);
    assert_eq!(r.id.as_deref(), Some("1234567890"));
    assert_eq!((r.sub, r.dlvrd), (Some(1), Some(1)));
    assert_eq!(
        r.submit_date
            .map(|d| (d.year, d.month, d.day, d.hour, d.minute)),
        Some((25, 11, 21, 13, 5))
    );
    assert_eq!(r.done_date.and_then(|d| d.second), None);
    assert_eq!(r.stat.as_deref(), Some("DELIVRD"));
    assert_eq!(r.err.as_deref(), Some("000"));
    assert_eq!(r.text.as_deref(), Some("Hello world"));
    assert_eq!(r.outcome(), Outcome::Delivered);
}

#[test]
fn letter_case_missing_fields_seconds_and_junk_are_tolerated() {
    let r = parse(
        b"ID:ab12 Submit_Date:251121130559 DONE DATE:251121130600 Stat:undeliv vendor=7 err:0x1F",
    );
    assert_eq!(r.id.as_deref(), Some("ab12"));
    assert_eq!(r.sub, None);
    assert_eq!(r.submit_date.and_then(|d| d.second), Some(59));
    assert_eq!(r.stat.as_deref(), Some("UNDELIV"));
    assert_eq!(r.err.as_deref(), Some("0x1F"));
    assert_eq!(r.outcome(), Outcome::Failed);
}

#[test]
fn a_bad_date_is_dropped_not_fatal() {
    let r = parse(b"id:1 submit date:99999 stat:DELIVRD");
    assert_eq!(r.submit_date, None);
    assert_eq!(r.stat.as_deref(), Some("DELIVRD"));
}

#[test]
fn receipt_tlvs_take_precedence_over_the_text() {
    let mut sm = ShortMessage {
        esm_class: 0x04,
        short_message: Bytes::from_static(SPEC),
        ..Default::default()
    };
    sm.tlvs
        .push(Tlv::ReceiptedMessageId(Bytes::from_static(b"499602D2")));
    sm.tlvs.push(Tlv::MessageState(MessageState::EXPIRED));
    let r = Receipt::from_deliver_sm(&sm).expect("a receipt");
    assert_eq!(r.id.as_deref(), Some("499602D2"));
    assert_eq!(r.outcome(), Outcome::Failed);
    assert_eq!(
        normalize("499602D2", IdFormat::Hex),
        normalize("1234567890", IdFormat::Decimal)
    );
}

#[test]
fn an_ordinary_mo_message_is_not_a_receipt() {
    let sm = ShortMessage {
        esm_class: 0x00,
        short_message: Bytes::from_static(SPEC),
        ..Default::default()
    };
    assert_eq!(Receipt::from_deliver_sm(&sm), None);
}
