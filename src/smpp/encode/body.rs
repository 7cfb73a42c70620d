//! Encoders for the mandatory parameters of each operation (SMPP 3.4 §4).

use bytes::{BufMut, BytesMut};

use super::EncodeError;
use super::write::{address, cstr, sm, tlvs};
use crate::smpp::parse::Field;
use crate::smpp::pdu::limits as max;
use crate::smpp::pdu::{
    AlertNotification, Bind, Body, CancelSm, DataSm, MultiDestination, QuerySmResp, ReplaceSm,
    ShortMessage, SubmitMulti, SubmitMultiResp, Tlv,
};

type Out = Result<(), EncodeError>;

/// Appends the body of `b`.
pub(super) fn body(b: &Body, dst: &mut BytesMut) -> Out {
    use Body::*;
    match b {
        BindTransmitter(x) | BindReceiver(x) | BindTransceiver(x) => bind(dst, x),
        BindTransmitterResp(x) | BindReceiverResp(x) | BindTransceiverResp(x) => {
            cstr(dst, &x.system_id, Field::SystemId, max::SYSTEM_ID)?;
            tlvs(dst, &x.tlvs)
        }
        Outbind(x) => {
            cstr(dst, &x.system_id, Field::SystemId, max::SYSTEM_ID)?;
            cstr(dst, &x.password, Field::Password, max::PASSWORD)
        }
        SubmitSm(x) | DeliverSm(x) => short_message(dst, x),
        SubmitSmResp(x) | DeliverSmResp(x) | DataSmResp(x) => {
            cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
            tlvs(dst, &x.tlvs)
        }
        SubmitMulti(x) => submit_multi(dst, x),
        SubmitMultiResp(x) => submit_multi_resp(dst, x),
        DataSm(x) => data_sm(dst, x),
        QuerySm(x) => {
            cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
            address(dst, &x.source, Field::SourceAddr, max::ADDR)
        }
        QuerySmResp(x) => query_sm_resp(dst, x),
        CancelSm(x) => cancel_sm(dst, x),
        ReplaceSm(x) => replace_sm(dst, x),
        AlertNotification(x) => alert_notification(dst, x),
        Unbind | UnbindResp | GenericNack | CancelSmResp | ReplaceSmResp | EnquireLink
        | EnquireLinkResp => Ok(()),
    }
}

/// A capacity that fits most PDUs of this kind in one allocation.
pub(super) fn size_hint(b: &Body) -> usize {
    let tlv_len = |t: &crate::smpp::pdu::Tlvs| -> usize {
        t.iter()
            .map(|t| match t {
                Tlv::MessagePayload(v) | Tlv::Other { value: v, .. } => 4 + v.len(),
                _ => 72,
            })
            .sum()
    };
    match b {
        Body::SubmitSm(x) | Body::DeliverSm(x) => 120 + x.short_message.len() + tlv_len(&x.tlvs),
        Body::DataSm(x) => 160 + tlv_len(&x.tlvs),
        Body::SubmitMulti(x) => 120 + 24 * x.destinations.len() + x.message.short_message.len(),
        _ => 128,
    }
}

fn bind(dst: &mut BytesMut, x: &Bind) -> Out {
    cstr(dst, &x.system_id, Field::SystemId, max::SYSTEM_ID)?;
    cstr(dst, &x.password, Field::Password, max::PASSWORD)?;
    cstr(dst, &x.system_type, Field::SystemType, max::SYSTEM_TYPE)?;
    dst.put_u8(x.interface_version);
    address(
        dst,
        &x.address_range,
        Field::AddressRange,
        max::ADDRESS_RANGE,
    )
}

fn short_message(dst: &mut BytesMut, x: &ShortMessage) -> Out {
    dst.reserve(64 + x.short_message.len());
    cstr(dst, &x.service_type, Field::ServiceType, max::SERVICE_TYPE)?;
    address(dst, &x.source, Field::SourceAddr, max::ADDR)?;
    address(dst, &x.destination, Field::DestinationAddr, max::ADDR)?;
    sm_tail(dst, x)
}

/// From esm_class to the TLVs: shared by submit_sm and submit_multi.
fn sm_tail(dst: &mut BytesMut, x: &ShortMessage) -> Out {
    dst.put_slice(&[x.esm_class, x.protocol_id, x.priority_flag]);
    cstr(
        dst,
        &x.schedule_delivery_time,
        Field::ScheduleDeliveryTime,
        max::TIME,
    )?;
    cstr(dst, &x.validity_period, Field::ValidityPeriod, max::TIME)?;
    let flags = [
        x.registered_delivery,
        x.replace_if_present_flag,
        x.data_coding,
        x.sm_default_msg_id,
    ];
    dst.put_slice(&flags);
    sm(dst, &x.short_message)?;
    tlvs(dst, &x.tlvs)
}

fn submit_multi(dst: &mut BytesMut, x: &SubmitMulti) -> Out {
    let n = x.destinations.len();
    if n == 0 || n > max::DESTINATIONS {
        return Err(EncodeError::Destinations(n));
    }
    cstr(dst, &x.service_type, Field::ServiceType, max::SERVICE_TYPE)?;
    address(dst, &x.source, Field::SourceAddr, max::ADDR)?;
    dst.put_u8(n as u8);
    for d in &x.destinations {
        match d {
            MultiDestination::Sme(a) => {
                dst.put_u8(1);
                address(dst, a, Field::DestinationAddr, max::ADDR)?;
            }
            MultiDestination::DistributionList(name) => {
                dst.put_u8(2);
                cstr(dst, name, Field::DlName, max::DL_NAME)?;
            }
        }
    }
    sm_tail(dst, &x.message)
}

fn submit_multi_resp(dst: &mut BytesMut, x: &SubmitMultiResp) -> Out {
    cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
    let n =
        u8::try_from(x.unsuccess.len()).map_err(|_| EncodeError::TooMany(Field::NoUnsuccess))?;
    dst.put_u8(n);
    for u in &x.unsuccess {
        address(dst, &u.address, Field::DestinationAddr, max::ADDR)?;
        dst.put_u32(u.error_status_code);
    }
    tlvs(dst, &x.tlvs)
}

fn data_sm(dst: &mut BytesMut, x: &DataSm) -> Out {
    cstr(dst, &x.service_type, Field::ServiceType, max::SERVICE_TYPE)?;
    address(dst, &x.source, Field::SourceAddr, max::ADDR_65)?;
    address(dst, &x.destination, Field::DestinationAddr, max::ADDR_65)?;
    dst.put_slice(&[x.esm_class, x.registered_delivery, x.data_coding]);
    tlvs(dst, &x.tlvs)
}

fn query_sm_resp(dst: &mut BytesMut, x: &QuerySmResp) -> Out {
    cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
    cstr(dst, &x.final_date, Field::FinalDate, max::TIME)?;
    dst.put_slice(&[x.message_state, x.error_code]);
    Ok(())
}

fn cancel_sm(dst: &mut BytesMut, x: &CancelSm) -> Out {
    cstr(dst, &x.service_type, Field::ServiceType, max::SERVICE_TYPE)?;
    cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
    address(dst, &x.source, Field::SourceAddr, max::ADDR)?;
    address(dst, &x.destination, Field::DestinationAddr, max::ADDR)
}

fn replace_sm(dst: &mut BytesMut, x: &ReplaceSm) -> Out {
    cstr(dst, &x.message_id, Field::MessageId, max::MESSAGE_ID)?;
    address(dst, &x.source, Field::SourceAddr, max::ADDR)?;
    cstr(
        dst,
        &x.schedule_delivery_time,
        Field::ScheduleDeliveryTime,
        max::TIME,
    )?;
    cstr(dst, &x.validity_period, Field::ValidityPeriod, max::TIME)?;
    dst.put_slice(&[x.registered_delivery, x.sm_default_msg_id]);
    sm(dst, &x.short_message)
}

fn alert_notification(dst: &mut BytesMut, x: &AlertNotification) -> Out {
    address(dst, &x.source, Field::SourceAddr, max::ADDR_65)?;
    address(dst, &x.esme, Field::EsmeAddr, max::ADDR_65)?;
    tlvs(dst, &x.tlvs)
}
