//! The framing codec over real async I/O: partial reads at every buffer size,
//! several PDUs per read, split headers, malformed bodies that must not end
//! the stream, and untrustworthy lengths that must.

use bytes::{BufMut, Bytes, BytesMut};
use dargah::smpp::codec::{CodecError, FramingError, SmppCodec};
use dargah::smpp::parse::{self, DecodeError, Field};
use dargah::smpp::pdu::{Body, CommandId, CommandStatus, Pdu};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{Decoder, FramedRead};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Every golden vector, as (bytes, decoded PDU).
fn golden() -> Vec<(Bytes, Pdu)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/smpp/");
    let mut out = Vec::new();
    for file in ["node_smpp.txt", "smpplib.txt", "spec.txt"] {
        let text = std::fs::read_to_string(format!("{dir}{file}")).expect("vectors");
        for (_, h) in text.lines().filter_map(|l| l.split_once(' ')) {
            let bytes = Bytes::from(hex(h.trim()));
            let pdu = parse::decode(&bytes).expect("golden decodes");
            out.push((bytes, pdu));
        }
    }
    out
}

async fn read_all(wire: Bytes, buffer: usize) -> Vec<Pdu> {
    let (mut tx, rx) = tokio::io::duplex(buffer);
    let writer = tokio::spawn(async move {
        tx.write_all(&wire).await.expect("write");
    });
    let items: Vec<_> = FramedRead::new(rx, SmppCodec::new()).collect().await;
    writer.await.expect("writer");
    items
        .into_iter()
        .map(|i| i.expect("no framing error").expect("well-formed"))
        .collect()
}

#[tokio::test]
async fn every_golden_pdu_arrives_whole_at_every_buffer_size_from_1_to_4096() {
    let vectors = golden();
    let wire: Bytes = vectors
        .iter()
        .flat_map(|(b, _)| b.iter().copied())
        .collect::<Vec<_>>()
        .into();
    let expected: Vec<Pdu> = vectors.into_iter().map(|(_, p)| p).collect();
    for size in 1..=4096 {
        assert_eq!(
            read_all(wire.clone(), size).await,
            expected,
            "buffer size {size}"
        );
    }
}

fn enquire(seq: u32) -> Bytes {
    dargah::smpp::encode::to_bytes(&Pdu::new(seq, Body::EnquireLink)).expect("encodes")
}

#[test]
fn two_and_three_pdus_in_one_read_all_come_out() {
    for n in [2u32, 3] {
        let mut buf = BytesMut::new();
        (1..=n).for_each(|s| buf.extend_from_slice(&enquire(s)));
        let mut codec = SmppCodec::new();
        let seqs: Vec<u32> = std::iter::from_fn(|| codec.decode(&mut buf).expect("framing"))
            .map(|i| i.expect("pdu").sequence_number)
            .collect();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
    }
}

#[test]
fn a_pdu_split_inside_its_header_waits_for_the_rest() {
    let pdu = enquire(9);
    let mut codec = SmppCodec::new();
    let mut buf = BytesMut::from(&pdu[..3]);
    assert!(codec.decode(&mut buf).expect("framing").is_none());
    buf.extend_from_slice(&pdu[3..10]);
    assert!(codec.decode(&mut buf).expect("framing").is_none());
    buf.extend_from_slice(&pdu[10..]);
    let item = codec.decode(&mut buf).expect("framing").expect("a PDU");
    assert_eq!(item.expect("pdu").sequence_number, 9);
}

#[test]
fn a_malformed_body_yields_an_error_item_with_its_sequence_number_and_the_stream_goes_on() {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&enquire(1));
    // submit_sm, sequence 42, whose body stops after service_type.
    buf.put_u32(21);
    buf.put_u32(CommandId::SUBMIT_SM.0);
    buf.put_u32(0);
    buf.put_u32(42);
    buf.put_slice(b"CMT\0\x01");
    buf.extend_from_slice(&enquire(2));
    let mut codec = SmppCodec::new();
    let items: Vec<_> = std::iter::from_fn(|| codec.decode(&mut buf).expect("framing")).collect();
    assert_eq!(items.len(), 3);
    let err = items[1].as_ref().expect_err("malformed");
    assert_eq!(err.sequence_number, 42);
    assert_eq!(err.command_id, CommandId::SUBMIT_SM);
    assert_eq!(err.error, DecodeError::Truncated(Field::AddrNpi));
    assert_eq!(err.command_status(), CommandStatus::ESME_RINVCMDLEN);
    assert_eq!(
        err.generic_nack(),
        Pdu::generic_nack(42, CommandStatus::ESME_RINVCMDLEN)
    );
    assert_eq!(items[2].as_ref().expect("pdu").sequence_number, 2);
}

#[test]
fn an_unknown_command_id_is_answered_with_esme_rinvcmdid() {
    let mut buf = BytesMut::new();
    buf.put_u32(16);
    buf.put_u32(0x0000_0777);
    buf.put_u32(0);
    buf.put_u32(5);
    let item = SmppCodec::new()
        .decode(&mut buf)
        .expect("framing")
        .expect("item");
    let err = item.expect_err("unknown");
    assert_eq!(
        err.generic_nack(),
        Pdu::generic_nack(5, CommandStatus::ESME_RINVCMDID)
    );
}

#[test]
fn a_command_length_below_the_header_is_fatal() {
    let mut buf = BytesMut::from(&[0, 0, 0, 8, 0, 0, 0, 0x15][..]);
    match SmppCodec::new().decode(&mut buf) {
        Err(CodecError::Framing(FramingError::TooShort(8))) => {}
        other => panic!("expected TooShort, got {other:?}"),
    }
}

#[test]
fn a_command_length_above_the_maximum_is_nacked_and_its_octets_skipped_unbuffered() {
    let mut codec = SmppCodec::with_max_len(4096);
    let mut buf = BytesMut::new();
    buf.put_u32(1_000_000);
    buf.put_u32(0x0000_0005);
    buf.put_u32(0);
    buf.put_u32(77);
    buf.put_bytes(0xAB, 1000);
    let err = codec
        .decode(&mut buf)
        .expect("framing kept")
        .expect("an item")
        .expect_err("too long");
    assert_eq!(
        err.to_string(),
        "PDU 0x00000005 seq 77: command_length 1000000 exceeds the configured maximum of 4096 octets"
    );
    assert_eq!(
        err.generic_nack(),
        Pdu::generic_nack(77, CommandStatus::ESME_RINVCMDLEN)
    );
    assert!(buf.is_empty(), "what arrived of the body was dropped");
    let mut rest = 1_000_000 - 1016;
    while rest > 0 {
        let n = rest.min(60_000);
        buf.put_bytes(0xCD, n);
        assert!(codec.decode(&mut buf).expect("framing").is_none());
        assert!(buf.is_empty() && buf.capacity() < 100_000, "never buffered");
        rest -= n;
    }
    buf.extend_from_slice(&enquire(3));
    let next = codec.decode(&mut buf).expect("framing").expect("item");
    assert_eq!(next.expect("the next PDU decodes").sequence_number, 3);
}

#[test]
fn the_maximum_length_itself_is_accepted() {
    let mut codec = SmppCodec::with_max_len(16);
    let mut buf = BytesMut::from(&enquire(3)[..]);
    assert!(codec.decode(&mut buf).expect("framing").is_some());
}

#[tokio::test]
async fn a_connection_closed_inside_a_pdu_is_an_error_not_silence() {
    let pdu = enquire(1);
    let (mut tx, rx) = tokio::io::duplex(64);
    tx.write_all(&pdu[..10]).await.expect("write");
    drop(tx);
    let items: Vec<_> = FramedRead::new(rx, SmppCodec::new()).collect().await;
    assert!(matches!(items.as_slice(), [Err(CodecError::Io(_))]));
}
