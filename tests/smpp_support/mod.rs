//! proptest strategies for every SMPP PDU and TLV, shared by the round-trip,
//! framing and differential tests.
#![allow(dead_code)]

use bytes::Bytes;
use dargah::smpp::pdu::*;
use proptest::collection::vec;
use proptest::prelude::*;

/// A C-octet string of at most `max` octets including the NUL.
pub fn cstr(max: usize) -> impl Strategy<Value = Bytes> {
    vec(1u8..=255, 0..max).prop_map(Bytes::from)
}

/// Printable ASCII, for peers that want text in string fields.
pub fn ascii(max: usize) -> impl Strategy<Value = Bytes> {
    vec(0x21u8..=0x7E, 0..max).prop_map(Bytes::from)
}

pub fn octets(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..=max).prop_map(Bytes::from)
}

pub fn address(max: usize) -> impl Strategy<Value = Address> {
    (any::<u8>(), any::<u8>(), cstr(max)).prop_map(|(ton, npi, addr)| Address { ton, npi, addr })
}

const TYPED: [u16; 12] = [
    tag::USSD_SERVICE_OP,
    tag::ITS_SESSION_INFO,
    tag::MESSAGE_PAYLOAD,
    tag::SAR_MSG_REF_NUM,
    tag::SAR_TOTAL_SEGMENTS,
    tag::SAR_SEGMENT_SEQNUM,
    tag::RECEIPTED_MESSAGE_ID,
    tag::MESSAGE_STATE,
    tag::NETWORK_ERROR_CODE,
    tag::USER_MESSAGE_REFERENCE,
    tag::SOURCE_PORT,
    tag::DESTINATION_PORT,
];

pub fn tlv() -> impl Strategy<Value = Tlv> {
    prop_oneof![
        any::<u8>().prop_map(|v| Tlv::UssdServiceOp(UssdServiceOp(v))),
        any::<u16>().prop_map(|v| Tlv::ItsSessionInfo(ItsSessionInfo(v))),
        octets(300).prop_map(Tlv::MessagePayload),
        any::<u16>().prop_map(Tlv::SarMsgRefNum),
        any::<u8>().prop_map(Tlv::SarTotalSegments),
        any::<u8>().prop_map(Tlv::SarSegmentSeqnum),
        cstr(65).prop_map(Tlv::ReceiptedMessageId),
        any::<u8>().prop_map(|v| Tlv::MessageState(MessageState(v))),
        (any::<u8>(), any::<u16>()).prop_map(|(network_type, error_code)| {
            Tlv::NetworkErrorCode(NetworkErrorCode {
                network_type,
                error_code,
            })
        }),
        any::<u16>().prop_map(Tlv::UserMessageReference),
        any::<u16>().prop_map(Tlv::SourcePort),
        any::<u16>().prop_map(Tlv::DestinationPort),
        (
            any::<u16>().prop_filter("untyped tag", |t| !TYPED.contains(t)),
            octets(40)
        )
            .prop_map(|(tag, value)| Tlv::Other { tag, value }),
    ]
}

pub fn tlvs() -> impl Strategy<Value = Tlvs> {
    vec(tlv(), 0..4).prop_map(Tlvs)
}

pub fn bind() -> impl Strategy<Value = Bind> {
    (cstr(16), cstr(9), cstr(13), any::<u8>(), address(41)).prop_map(
        |(system_id, password, system_type, interface_version, address_range)| Bind {
            system_id,
            password,
            system_type,
            interface_version,
            address_range,
        },
    )
}

pub fn short_message() -> impl Strategy<Value = ShortMessage> {
    let head = (
        cstr(6),
        address(21),
        address(21),
        any::<[u8; 3]>(),
        cstr(17),
        cstr(17),
    );
    let tail = (any::<[u8; 4]>(), octets(254), tlvs());
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
                tlvs,
            }
        },
    )
}

fn message_id_resp() -> impl Strategy<Value = MessageIdResp> {
    (cstr(65), tlvs()).prop_map(|(message_id, tlvs)| MessageIdResp { message_id, tlvs })
}

fn bind_resp() -> impl Strategy<Value = BindResp> {
    (cstr(16), tlvs()).prop_map(|(system_id, tlvs)| BindResp { system_id, tlvs })
}

fn multi_destination() -> impl Strategy<Value = MultiDestination> {
    prop_oneof![
        address(21).prop_map(MultiDestination::Sme),
        cstr(21).prop_map(MultiDestination::DistributionList)
    ]
}

fn submit_multi() -> impl Strategy<Value = SubmitMulti> {
    (
        cstr(6),
        address(21),
        vec(multi_destination(), 1..5),
        short_message(),
    )
        .prop_map(|(service_type, source, destinations, mut message)| {
            message.service_type = Bytes::new();
            message.source = Address::default();
            message.destination = Address::default();
            SubmitMulti {
                service_type,
                source,
                destinations,
                message,
            }
        })
}

fn submit_multi_resp() -> impl Strategy<Value = SubmitMultiResp> {
    let unsuccess = vec(
        (address(21), any::<u32>()).prop_map(|(address, error_status_code)| UnsuccessSme {
            address,
            error_status_code,
        }),
        0..4,
    );
    (cstr(65), unsuccess, tlvs()).prop_map(|(message_id, unsuccess, tlvs)| SubmitMultiResp {
        message_id,
        unsuccess,
        tlvs,
    })
}

fn data_sm() -> impl Strategy<Value = DataSm> {
    (cstr(6), address(65), address(65), any::<[u8; 3]>(), tlvs()).prop_map(
        |(service_type, source, destination, [esm, rd, dc], tlvs)| DataSm {
            service_type,
            source,
            destination,
            esm_class: esm,
            registered_delivery: rd,
            data_coding: dc,
            tlvs,
        },
    )
}

fn others() -> impl Strategy<Value = Body> {
    prop_oneof![
        (cstr(16), cstr(9)).prop_map(|(system_id, password)| Body::Outbind(Outbind {
            system_id,
            password
        })),
        (cstr(65), address(21))
            .prop_map(|(message_id, source)| Body::QuerySm(QuerySm { message_id, source })),
        (cstr(65), cstr(17), any::<[u8; 2]>()).prop_map(
            |(message_id, final_date, [message_state, error_code])| {
                Body::QuerySmResp(QuerySmResp {
                    message_id,
                    final_date,
                    message_state,
                    error_code,
                })
            }
        ),
        (cstr(6), cstr(65), address(21), address(21)).prop_map(
            |(service_type, message_id, source, destination)| {
                Body::CancelSm(CancelSm {
                    service_type,
                    message_id,
                    source,
                    destination,
                })
            }
        ),
        (
            cstr(65),
            address(21),
            cstr(17),
            cstr(17),
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
        (address(65), address(65), tlvs()).prop_map(
            |(source, esme, tlvs)| Body::AlertNotification(AlertNotification {
                source,
                esme,
                tlvs
            })
        ),
        Just(Body::Unbind),
        Just(Body::UnbindResp),
        Just(Body::GenericNack),
        Just(Body::CancelSmResp),
        Just(Body::ReplaceSmResp),
        Just(Body::EnquireLink),
        Just(Body::EnquireLinkResp),
    ]
}

/// Any body of any SMPP 3.4 operation.
pub fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        bind().prop_map(Body::BindTransmitter),
        bind().prop_map(Body::BindReceiver),
        bind().prop_map(Body::BindTransceiver),
        bind_resp().prop_map(Body::BindTransmitterResp),
        bind_resp().prop_map(Body::BindReceiverResp),
        bind_resp().prop_map(Body::BindTransceiverResp),
        short_message().prop_map(Body::SubmitSm),
        short_message().prop_map(Body::DeliverSm),
        message_id_resp().prop_map(Body::SubmitSmResp),
        message_id_resp().prop_map(Body::DeliverSmResp),
        message_id_resp().prop_map(Body::DataSmResp),
        submit_multi().prop_map(Body::SubmitMulti),
        submit_multi_resp().prop_map(Body::SubmitMultiResp),
        data_sm().prop_map(Body::DataSm),
        others(),
    ]
}

/// Any PDU: any status (vendor range included), any sequence number.
pub fn pdu() -> impl Strategy<Value = Pdu> {
    (any::<u32>(), any::<u32>(), body()).prop_map(|(status, sequence_number, body)| Pdu {
        command_status: CommandStatus(status),
        sequence_number,
        body,
    })
}
