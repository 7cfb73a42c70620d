//! Round-trip properties: every PDU and TLV encodes, decodes to itself, and
//! re-encodes to the same bytes.

mod smpp_support;

use bytes::{Bytes, BytesMut};
use dargah::smpp::codec::SmppCodec;
use dargah::smpp::pdu::{Body, Pdu, ShortMessage, Tlvs};
use dargah::smpp::{encode, parse};
use proptest::prelude::*;
use tokio_util::codec::Decoder;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_pdu_round_trips(pdu in smpp_support::pdu()) {
        let bytes = encode::to_bytes(&pdu).expect("within limits");
        let back = parse::decode(&bytes).expect("decodes");
        prop_assert_eq!(&back, &pdu);
        prop_assert_eq!(encode::to_bytes(&back).expect("re-encodes"), bytes);
    }

    #[test]
    fn every_tlv_round_trips_on_a_deliver_sm(tlvs in proptest::collection::vec(smpp_support::tlv(), 1..8)) {
        let sm = ShortMessage { tlvs: Tlvs(tlvs), ..Default::default() };
        let pdu = Pdu::new(1, Body::DeliverSm(sm));
        let bytes = encode::to_bytes(&pdu).expect("within limits");
        prop_assert_eq!(parse::decode(&bytes).expect("decodes"), pdu);
    }

    #[test]
    fn a_stream_of_pdus_cut_anywhere_decodes_to_the_same_pdus(
        pdus in proptest::collection::vec(smpp_support::pdu(), 1..5),
        cuts in proptest::collection::vec(1usize..64, 1..40),
    ) {
        let mut wire = BytesMut::new();
        for p in &pdus {
            encode::encode(p, &mut wire).expect("within limits");
        }
        let wire: Bytes = wire.freeze();
        let mut codec = SmppCodec::new();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let (mut at, mut k) = (0, 0);
        while at < wire.len() {
            let n = cuts[k % cuts.len()].min(wire.len() - at);
            buf.extend_from_slice(&wire[at..at + n]);
            (at, k) = (at + n, k + 1);
            while let Some(item) = codec.decode(&mut buf).expect("framing holds") {
                out.push(item.expect("well-formed"));
            }
        }
        prop_assert_eq!(out, pdus);
    }
}
