//! Every decode error is typed and maps to the command_status a peer should get.

use bytes::{BufMut, Bytes, BytesMut};
use dargah::smpp::encode::{self, EncodeError};
use dargah::smpp::parse::{self, DecodeError, Field};
use dargah::smpp::pdu::{Address, Body, CommandId, CommandStatus, Pdu, ShortMessage, Tlv, tag};

fn frame(id: CommandId, seq: u32, body: &[u8]) -> Bytes {
    let mut b = BytesMut::new();
    b.put_u32(16 + body.len() as u32);
    b.put_u32(id.0);
    b.put_u32(0);
    b.put_u32(seq);
    b.put_slice(body);
    b.freeze()
}

/// A minimal submit_sm body up to and including the short message.
fn submit_body(source: &[u8], sm_len: u8, sm: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 1, 1];
    b.extend_from_slice(source);
    b.extend_from_slice(&[0, 1, 1]);
    b.extend_from_slice(b"989121234567\0");
    b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, sm_len]);
    b.extend_from_slice(sm);
    b
}

fn status_of(id: CommandId, body: &[u8]) -> (DecodeError, CommandStatus) {
    let err = parse::decode(&frame(id, 3, body)).expect_err("must fail");
    assert_eq!(err.sequence_number, 3);
    (err.error.clone(), err.command_status())
}

#[test]
fn an_over_long_source_address_is_esme_rinvsrcadr() {
    let body = submit_body(b"0123456789012345678901234\0", 0, b"");
    assert_eq!(
        status_of(CommandId::SUBMIT_SM, &body).1,
        CommandStatus::ESME_RINVSRCADR
    );
}

#[test]
fn sm_length_255_is_esme_rinvmsglen() {
    let body = submit_body(b"6090\0", 255, &[b'a'; 255]);
    let (err, status) = status_of(CommandId::SUBMIT_SM, &body);
    assert_eq!(
        err,
        DecodeError::InvalidValue {
            field: Field::SmLength,
            value: 255
        }
    );
    assert_eq!(status, CommandStatus::ESME_RINVMSGLEN);
}

#[test]
fn sm_length_beyond_the_body_is_a_short_message_error() {
    let body = submit_body(b"6090\0", 10, b"abc");
    assert_eq!(
        status_of(CommandId::SUBMIT_SM, &body).1,
        CommandStatus::ESME_RINVMSGLEN
    );
}

#[test]
fn a_cut_tlv_header_is_esme_rinvoptparstream() {
    let mut body = submit_body(b"6090\0", 0, b"");
    body.extend_from_slice(&[0x05, 0x01, 0x00]);
    let (err, status) = status_of(CommandId::SUBMIT_SM, &body);
    assert_eq!(
        err,
        DecodeError::TlvStream {
            tag: 0x0501,
            remaining: 3
        }
    );
    assert_eq!(status, CommandStatus::ESME_RINVOPTPARSTREAM);
}

#[test]
fn a_tlv_longer_than_the_pdu_is_esme_rinvoptparstream() {
    let mut body = submit_body(b"6090\0", 0, b"");
    body.extend_from_slice(&[0x14, 0x01, 0x00, 0x09, 1, 2]);
    assert_eq!(
        status_of(CommandId::SUBMIT_SM, &body).1,
        CommandStatus::ESME_RINVOPTPARSTREAM
    );
}

#[test]
fn a_typed_tlv_of_the_wrong_length_is_esme_rinvparlen() {
    let mut body = submit_body(b"6090\0", 0, b"");
    body.extend_from_slice(&[0x05, 0x01, 0x00, 0x02, 1, 2]);
    let (err, status) = status_of(CommandId::SUBMIT_SM, &body);
    assert_eq!(
        err,
        DecodeError::TlvLength {
            tag: tag::USSD_SERVICE_OP,
            len: 2
        }
    );
    assert_eq!(status, CommandStatus::ESME_RINVPARLEN);
}

#[test]
fn a_receipted_message_id_with_an_embedded_nul_is_esme_rinvoptparamval() {
    let mut body = submit_body(b"6090\0", 0, b"");
    body.extend_from_slice(&[0x00, 0x1E, 0x00, 0x04, b'a', 0, b'b', 0]);
    assert_eq!(
        status_of(CommandId::DELIVER_SM, &body).1,
        CommandStatus::ESME_RINVOPTPARAMVAL
    );
}

#[test]
fn a_bind_with_an_over_long_password_is_esme_rinvpaswd() {
    let body = b"dargah\0password123\0\0\x34\0\0\0";
    assert_eq!(
        status_of(CommandId::BIND_TRANSCEIVER, body).1,
        CommandStatus::ESME_RINVPASWD
    );
}

#[test]
fn an_enquire_link_with_a_body_is_esme_rinvcmdlen() {
    let (err, status) = status_of(CommandId::ENQUIRE_LINK, b"xx");
    assert_eq!(err, DecodeError::TrailingOctets(2));
    assert_eq!(status, CommandStatus::ESME_RINVCMDLEN);
}

#[test]
fn submit_multi_with_no_destinations_is_esme_rinvnumdests() {
    let body = [0, 1, 1, b'6', 0, 0];
    assert_eq!(
        status_of(CommandId::SUBMIT_MULTI, &body).1,
        CommandStatus::ESME_RINVNUMDESTS
    );
}

#[test]
fn submit_multi_with_a_bad_dest_flag_is_esme_rinvdestflag() {
    let body = [0, 1, 1, b'6', 0, 1, 7];
    assert_eq!(
        status_of(CommandId::SUBMIT_MULTI, &body).1,
        CommandStatus::ESME_RINVDESTFLAG
    );
}

#[test]
fn a_command_length_that_disagrees_with_the_frame_is_esme_rinvcmdlen() {
    let mut f = BytesMut::from(&frame(CommandId::ENQUIRE_LINK, 3, b"")[..]);
    f.put_u8(0);
    let err = parse::decode(&f.freeze()).expect_err("mismatch");
    assert_eq!(err.command_status(), CommandStatus::ESME_RINVCMDLEN);
}

#[test]
fn vendor_command_status_values_decode() {
    for status in [0x400, 0x4AB, 0x4FF] {
        let mut f = BytesMut::from(&frame(CommandId::SUBMIT_SM_RESP, 3, b"")[..]);
        f[8..12].copy_from_slice(&u32::to_be_bytes(status));
        let pdu = parse::decode(&f.freeze()).expect("decodes");
        assert!(pdu.command_status.is_vendor());
    }
}

#[test]
fn the_encoder_refuses_what_a_strict_peer_would_reject_and_writes_nothing() {
    let too_long = ShortMessage {
        source: Address {
            ton: 1,
            npi: 1,
            addr: Bytes::from_static(b"012345678901234567890"),
        },
        ..Default::default()
    };
    let mut dst = BytesMut::from(&b"keep"[..]);
    let err =
        encode::encode(&Pdu::new(1, Body::SubmitSm(too_long)), &mut dst).expect_err("too long");
    assert_eq!(
        err,
        EncodeError::TooLong {
            field: Field::SourceAddr,
            len: 21,
            max: 20
        }
    );
    assert_eq!(&dst[..], b"keep");
    let sm = ShortMessage {
        short_message: Bytes::from(vec![0; 255]),
        ..Default::default()
    };
    assert!(encode::to_bytes(&Pdu::new(1, Body::SubmitSm(sm))).is_err());
    let nul = ShortMessage {
        service_type: Bytes::from_static(b"a\0b"),
        ..Default::default()
    };
    assert_eq!(
        encode::to_bytes(&Pdu::new(1, Body::SubmitSm(nul))),
        Err(EncodeError::ContainsNul(Field::ServiceType))
    );
}

#[test]
fn message_payload_of_64k_minus_one_encodes_and_more_does_not() {
    let mut sm = ShortMessage::default();
    sm.tlvs
        .push(Tlv::MessagePayload(Bytes::from(vec![7; 65535])));
    let bytes =
        encode::to_bytes(&Pdu::new(1, Body::DataSm(Default::default()))).expect("empty data_sm");
    assert_eq!(bytes.len(), 16 + 1 + 3 + 3 + 3);
    let big = encode::to_bytes(&Pdu::new(1, Body::SubmitSm(sm.clone()))).expect("fits");
    assert_eq!(
        parse::decode(&big).expect("decodes"),
        Pdu::new(1, Body::SubmitSm(sm.clone()))
    );
    sm.tlvs.0[0] = Tlv::MessagePayload(Bytes::from(vec![7; 65536]));
    assert!(matches!(
        encode::to_bytes(&Pdu::new(1, Body::SubmitSm(sm))),
        Err(EncodeError::TlvTooLong { .. })
    ));
}
