//! Text paths end to end: Persian through UCS-2, splitting into submit_sm
//! parts and reassembly of the matching deliver_sm parts in any order.

use std::time::Instant;

use bytes::Bytes;
use dargah::smpp::pdu::{Body, Pdu, ShortMessage};
use dargah::smpp::text::reassembly::{Limits, Outcome, Reassembler, fragment_of};
use dargah::smpp::text::split::{SplitMethod, split};
use dargah::smpp::text::{Encoding, cheapest, ucs2};
use dargah::smpp::{encode, parse};
use proptest::prelude::*;

const PERSIAN: &str = "وضعیت درخواست شما: در حال تولید";

/// Splits, sends every part through encode/decode, delivers them in `order`
/// (indices into the parts, repeats allowed) and returns the reassembled text.
fn through_the_wire(
    text: &str,
    enc: Encoding,
    method: SplitMethod,
    order: &[usize],
) -> Option<String> {
    let parts = split(text, enc, method, 0x0102).expect("splits");
    let mut r = Reassembler::new(Limits::default());
    let origin = (
        Bytes::from_static(b"989121234567"),
        Bytes::from_static(b"6090"),
    );
    for &k in order {
        let mut sm = ShortMessage::default();
        parts[k % parts.len()].apply(&mut sm, enc);
        let wire = encode::to_bytes(&Pdu::new(1, Body::DeliverSm(sm))).expect("encodes");
        let Body::DeliverSm(sm) = parse::decode(&wire).expect("decodes").body else {
            unreachable!()
        };
        let Some(frag) = fragment_of(&sm).expect("udh") else {
            let data = sm.tlvs.message_payload().unwrap_or(&sm.short_message);
            return Some(enc.decode(data));
        };
        if let Outcome::Complete(all) = r.push(origin.clone(), frag, Instant::now()) {
            return Some(enc.decode(&all));
        }
    }
    None
}

#[test]
fn persian_status_text_is_ucs2_and_round_trips() {
    assert_eq!(cheapest(PERSIAN, true), Encoding::Ucs2);
    assert_eq!(ucs2::decode(&ucs2::encode(PERSIAN)), PERSIAN);
}

#[test]
fn long_persian_text_splits_and_reassembles_in_reverse_with_duplicates_for_every_method() {
    let text = [PERSIAN; 5].join(" — ");
    for method in [
        SplitMethod::Udh8,
        SplitMethod::Udh16,
        SplitMethod::Sar,
        SplitMethod::Payload,
    ] {
        let n = split(&text, Encoding::Ucs2, method, 1)
            .expect("split")
            .len();
        let order: Vec<usize> = (0..n).rev().chain(0..n).collect();
        let got = through_the_wire(&text, Encoding::Ucs2, method, &order);
        assert_eq!(got.as_deref(), Some(text.as_str()), "{method:?}");
    }
}

#[test]
fn persian_parts_hold_67_characters_behind_an_8_bit_udh() {
    let text = PERSIAN.repeat(4);
    let parts = split(&text, Encoding::Ucs2, SplitMethod::Udh8, 1).expect("split");
    assert!(parts.iter().all(|p| p.short_message.len() <= 6 + 134));
    assert_eq!(parts[0].short_message.len(), 6 + 134);
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 {}€\\[\\]~|^\\\\]{0,500}",
        "[آ-ی ۰-۹😀a-z]{0,300}",
        "[a-zé àüß]{0,400}",
    ]
}

proptest! {
    #[test]
    fn any_text_split_any_way_reassembles_in_any_order(
        text in any_text(),
        method in prop_oneof![Just(SplitMethod::Udh8), Just(SplitMethod::Udh16), Just(SplitMethod::Sar), Just(SplitMethod::Payload)],
        latin1 in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let enc = cheapest(&text, latin1);
        let n = split(&text, enc, method, 7).expect("split").len();
        let mut order: Vec<usize> = (0..n).collect();
        // A deterministic shuffle plus one duplicate.
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        order.insert(n / 2, order[0]);
        prop_assert_eq!(through_the_wire(&text, enc, method, &order), Some(text));
    }
}
