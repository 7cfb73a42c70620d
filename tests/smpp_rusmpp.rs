//! Differential test against the `rusmpp` crate: what we encode, rusmpp
//! decodes to the same fields (and re-encodes to the same bytes); what
//! rusmpp encodes, we decode to the same fields.

use bytes::{Bytes, BytesMut};
use dargah::smpp::pdu::*;
use dargah::smpp::{encode, parse};
use proptest::collection::vec;
use proptest::prelude::*;
use rusmpp::tokio_codec::CommandCodec;
use rusmpp::types::{COctetString, EmptyOrFullCOctetString, OctetString};
use rusmpp::values::{EsmClass, Npi, ServiceType, Ton, UssdServiceOp as RUssdOp};
use tokio_util::codec::{Decoder, Encoder};

fn rusmpp_decode(bytes: &[u8]) -> rusmpp::Command {
    let mut buf = BytesMut::from(bytes);
    let mut codec = CommandCodec::new().with_max_length(70_000);
    codec
        .decode(&mut buf)
        .expect("rusmpp decodes our bytes")
        .expect("one whole command")
}

fn rusmpp_encode(c: &rusmpp::Command) -> Bytes {
    let mut buf = BytesMut::new();
    CommandCodec::new()
        .encode(c, &mut buf)
        .expect("rusmpp encodes");
    buf.freeze()
}

/// Printable ASCII: rusmpp's C-octet strings accept only ASCII.
fn ascii(max: usize) -> impl Strategy<Value = Bytes> {
    vec(0x20u8..=0x7E, 0..max).prop_map(Bytes::from)
}

fn time() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        Just(Bytes::new()),
        "[0-9]{12}[0-9]{3}[+R-]".prop_map(Bytes::from)
    ]
}

fn octets(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..=max).prop_map(Bytes::from)
}

fn address(max: usize) -> impl Strategy<Value = Address> {
    (any::<u8>(), any::<u8>(), ascii(max)).prop_map(|(ton, npi, addr)| Address { ton, npi, addr })
}

fn tlv() -> impl Strategy<Value = Tlv> {
    prop_oneof![
        any::<u8>().prop_map(|v| Tlv::UssdServiceOp(UssdServiceOp(v))),
        any::<u16>().prop_map(|v| Tlv::ItsSessionInfo(ItsSessionInfo(v))),
        octets(300).prop_map(Tlv::MessagePayload),
        any::<u16>().prop_map(Tlv::SarMsgRefNum),
        any::<u8>().prop_map(Tlv::SarTotalSegments),
        any::<u8>().prop_map(Tlv::SarSegmentSeqnum),
        any::<u8>().prop_map(|v| Tlv::MessageState(MessageState(v))),
        any::<u16>().prop_map(Tlv::UserMessageReference),
        any::<u16>().prop_map(Tlv::SourcePort),
        any::<u16>().prop_map(Tlv::DestinationPort),
        (0x1400u16..=0x3FFF, octets(30)).prop_map(|(tag, value)| Tlv::Other { tag, value }),
    ]
}

fn short_message() -> impl Strategy<Value = ShortMessage> {
    let head = (
        ascii(6),
        address(21),
        address(21),
        any::<[u8; 3]>(),
        time(),
        time(),
    );
    let tail = (any::<[u8; 4]>(), octets(254), vec(tlv(), 0..4));
    (head, tail).prop_map(
        |((st, src, dst, [esm, pid, prio], sched, valid), ([rd, rip, dc, dmid], sm, tlvs))| {
            ShortMessage {
                service_type: st,
                source: src,
                destination: dst,
                esm_class: esm,
                protocol_id: pid,
                priority_flag: prio,
                schedule_delivery_time: sched,
                validity_period: valid,
                registered_delivery: rd,
                replace_if_present_flag: rip,
                data_coding: dc,
                sm_default_msg_id: dmid,
                short_message: sm,
                tlvs: Tlvs(tlvs),
            }
        },
    )
}

fn bind() -> impl Strategy<Value = Bind> {
    (ascii(16), ascii(9), ascii(13), any::<u8>(), address(41)).prop_map(
        |(system_id, password, system_type, interface_version, address_range)| Bind {
            system_id,
            password,
            system_type,
            interface_version,
            address_range,
        },
    )
}

fn resp() -> impl Strategy<Value = MessageIdResp> {
    ascii(65).prop_map(|message_id| MessageIdResp {
        message_id,
        tlvs: Tlvs::new(),
    })
}

fn body() -> impl Strategy<Value = Body> {
    let data_sm = (
        ascii(6),
        address(21),
        address(21),
        any::<[u8; 3]>(),
        vec(tlv(), 0..4),
    )
        .prop_map(
            |(
                service_type,
                source,
                destination,
                [esm_class, registered_delivery, data_coding],
                tlvs,
            )| {
                DataSm {
                    service_type,
                    source,
                    destination,
                    esm_class,
                    registered_delivery,
                    data_coding,
                    tlvs: Tlvs(tlvs),
                }
            },
        );
    prop_oneof![
        short_message().prop_map(Body::SubmitSm),
        short_message().prop_map(Body::DeliverSm),
        data_sm.prop_map(Body::DataSm),
        bind().prop_map(Body::BindTransceiver),
        bind().prop_map(Body::BindTransmitter),
        bind().prop_map(Body::BindReceiver),
        ascii(16).prop_map(|system_id| Body::BindTransceiverResp(BindResp {
            system_id,
            tlvs: Tlvs::new()
        })),
        resp().prop_map(Body::SubmitSmResp),
        resp().prop_map(Body::DeliverSmResp),
        resp().prop_map(Body::DataSmResp),
        (ascii(65), address(21))
            .prop_map(|(message_id, source)| Body::QuerySm(QuerySm { message_id, source })),
        (ascii(6), ascii(65), address(21), address(21)).prop_map(
            |(service_type, message_id, source, destination)| Body::CancelSm(CancelSm {
                service_type,
                message_id,
                source,
                destination
            })
        ),
        others(),
        Just(Body::EnquireLink),
        Just(Body::EnquireLinkResp),
        Just(Body::Unbind),
        Just(Body::UnbindResp),
        Just(Body::GenericNack),
        Just(Body::CancelSmResp),
        Just(Body::ReplaceSmResp),
    ]
}

fn others() -> impl Strategy<Value = Body> {
    let dest = prop_oneof![
        address(21).prop_map(MultiDestination::Sme),
        ascii(21).prop_map(MultiDestination::DistributionList)
    ];
    let multi = (ascii(6), address(21), vec(dest, 1..4), short_message()).prop_map(
        |(service_type, source, destinations, mut message)| {
            (message.service_type, message.source, message.destination) = Default::default();
            Body::SubmitMulti(SubmitMulti {
                service_type,
                source,
                destinations,
                message,
            })
        },
    );
    prop_oneof![
        multi,
        (
            ascii(65),
            address(21),
            time(),
            time(),
            any::<[u8; 2]>(),
            octets(254)
        )
            .prop_map(
                |(
                    message_id,
                    source,
                    schedule_delivery_time,
                    validity_period,
                    [registered_delivery, sm_default_msg_id],
                    short_message,
                )| {
                    Body::ReplaceSm(ReplaceSm {
                        message_id,
                        source,
                        schedule_delivery_time,
                        validity_period,
                        registered_delivery,
                        sm_default_msg_id,
                        short_message,
                    })
                }
            ),
        (ascii(65), time(), any::<[u8; 2]>()).prop_map(
            |(message_id, final_date, [message_state, error_code])| Body::QuerySmResp(
                QuerySmResp {
                    message_id,
                    final_date,
                    message_state,
                    error_code
                }
            )
        ),
        (ascii(16), ascii(9)).prop_map(|(system_id, password)| Body::Outbind(Outbind {
            system_id,
            password
        })),
        (address(65), address(65)).prop_map(|(source, esme)| Body::AlertNotification(
            AlertNotification {
                source,
                esme,
                tlvs: Tlvs::new()
            }
        )),
    ]
}

fn pdu() -> impl Strategy<Value = Pdu> {
    (any::<u32>(), body()).prop_map(|(sequence_number, body)| Pdu {
        command_status: CommandStatus::ESME_ROK,
        sequence_number,
        body,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn rusmpp_decodes_what_we_encode_to_the_same_fields(pdu in pdu()) {
        let ours = encode::to_bytes(&pdu).expect("encodes");
        let theirs = rusmpp_decode(&ours);
        prop_assert_eq!(theirs.sequence_number(), pdu.sequence_number);
        prop_assert_eq!(u32::from(theirs.id()), pdu.command_id().0);
        prop_assert_eq!(u32::from(theirs.status()), pdu.command_status.0);
        if let (Body::SubmitSm(sm), Some(rusmpp::Pdu::SubmitSm(r))) = (&pdu.body, theirs.pdu()) {
            prop_assert_eq!(r.short_message().as_ref(), &sm.short_message[..]);
            prop_assert_eq!(&r.source_addr.as_ref()[..sm.source.addr.len()], &sm.source.addr[..]);
            prop_assert_eq!(&r.destination_addr.as_ref()[..sm.destination.addr.len()], &sm.destination.addr[..]);
            prop_assert_eq!(u8::from(r.data_coding), sm.data_coding);
            prop_assert_eq!(r.tlvs().len(), sm.tlvs.0.len());
        }
        // Every other field: rusmpp writes back exactly the bytes we wrote.
        prop_assert_eq!(rusmpp_encode(&theirs), ours);
    }

    #[test]
    fn we_decode_what_rusmpp_encodes_to_the_same_fields(
        src in "[0-9]{1,20}", dst in "[0-9*#]{1,20}", text in vec(any::<u8>(), 0..=254),
        seq in 1u32..0x7FFF_FFFF, op in any::<u8>(), session in any::<u8>(), dialogue in any::<u8>(),
    ) {
        let deliver = rusmpp::pdus::DeliverSm::builder()
            .service_type(ServiceType::new(COctetString::from_slice(b"USSD\0").expect("ascii")))
            .source_addr_ton(Ton::International)
            .source_addr_npi(Npi::Isdn)
            .source_addr(COctetString::from_vec(format!("{src}\0").into_bytes()).expect("ascii"))
            .destination_addr(COctetString::from_vec(format!("{dst}\0").into_bytes()).expect("ascii"))
            .esm_class(EsmClass::default())
            .short_message(OctetString::from_slice(&text).expect("fits"))
            .tlvs(vec![
                rusmpp::tlvs::MessageDeliveryRequestTlvValue::UssdServiceOp(RUssdOp::from(op)),
                rusmpp::tlvs::MessageDeliveryRequestTlvValue::ItsSessionInfo(rusmpp::values::ItsSessionInfo::new(session, dialogue)),
            ])
            .build();
        let _ = EmptyOrFullCOctetString::<17>::empty();
        let cmd = rusmpp::Command::new(rusmpp::CommandStatus::EsmeRok, seq, deliver);
        let bytes = rusmpp_encode(&cmd);
        let ours = parse::decode(&bytes).expect("we decode rusmpp's bytes");
        prop_assert_eq!(ours.sequence_number, seq);
        let Body::DeliverSm(sm) = &ours.body else { panic!("deliver_sm") };
        prop_assert_eq!(&sm.service_type[..], b"USSD");
        prop_assert_eq!((sm.source.ton, sm.source.npi), (1, 1));
        prop_assert_eq!(&sm.source.addr[..], src.as_bytes());
        prop_assert_eq!(&sm.destination.addr[..], dst.as_bytes());
        prop_assert_eq!(&sm.short_message[..], &text[..]);
        prop_assert_eq!(sm.tlvs.ussd_service_op(), Some(UssdServiceOp(op)));
        prop_assert_eq!(sm.tlvs.its_session_info(), Some(ItsSessionInfo(u16::from_be_bytes([session, dialogue]))));
        prop_assert_eq!(encode::to_bytes(&ours).expect("re-encodes"), bytes);
    }
}
