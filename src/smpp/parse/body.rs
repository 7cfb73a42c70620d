//! Parsers for the mandatory parameters of each operation (SMPP 3.4 §4).

use super::error::{DecodeError, Field};
use super::prim::{Frame, Res, fail, octet, word};
use super::tlv::tlvs;
use crate::smpp::pdu::limits as max;
use crate::smpp::pdu::{
    AlertNotification, Bind, BindResp, CancelSm, DataSm, MessageIdResp, MultiDestination, Outbind,
    QuerySm, QuerySmResp, ReplaceSm, ShortMessage, SubmitMulti, SubmitMultiResp, UnsuccessSme,
};

/// bind_* (§4.1.1): no TLVs in 3.4.
pub(super) fn bind<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, Bind> {
    let (i, system_id) = f.cstr(i, Field::SystemId, max::SYSTEM_ID)?;
    let (i, password) = f.cstr(i, Field::Password, max::PASSWORD)?;
    let (i, system_type) = f.cstr(i, Field::SystemType, max::SYSTEM_TYPE)?;
    let (i, interface_version) = octet(i, Field::InterfaceVersion)?;
    let (i, address_range) = f.address(i, Field::AddressRange, max::ADDRESS_RANGE)?;
    let bind = Bind {
        system_id,
        password,
        system_type,
        interface_version,
        address_range,
    };
    Ok((i, bind))
}

/// bind_*_resp (§4.1.2). SMSCs often omit the body on error; an empty body
/// decodes as an empty system_id.
pub(super) fn bind_resp<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, BindResp> {
    if i.is_empty() {
        return Ok((i, BindResp::default()));
    }
    let (i, system_id) = f.cstr(i, Field::SystemId, max::SYSTEM_ID)?;
    let (i, tlvs) = tlvs(f, i)?;
    Ok((i, BindResp { system_id, tlvs }))
}

/// outbind (§4.1.7).
pub(super) fn outbind<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, Outbind> {
    let (i, system_id) = f.cstr(i, Field::SystemId, max::SYSTEM_ID)?;
    let (i, password) = f.cstr(i, Field::Password, max::PASSWORD)?;
    Ok((
        i,
        Outbind {
            system_id,
            password,
        },
    ))
}

/// submit_sm / deliver_sm (§4.4.1, §4.6.1).
#[inline]
pub(super) fn short_message<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, ShortMessage> {
    let (i, service_type) = f.cstr(i, Field::ServiceType, max::SERVICE_TYPE)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR)?;
    let (i, destination) = f.address(i, Field::DestinationAddr, max::ADDR)?;
    let (i, mut sm) = sm_tail(f, i)?;
    sm.service_type = service_type;
    sm.source = source;
    sm.destination = destination;
    Ok((i, sm))
}

/// Everything after the destination: shared by submit_sm and submit_multi.
#[inline]
fn sm_tail<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, ShortMessage> {
    let (i, esm_class) = octet(i, Field::EsmClass)?;
    let (i, protocol_id) = octet(i, Field::ProtocolId)?;
    let (i, priority_flag) = octet(i, Field::PriorityFlag)?;
    let (i, schedule_delivery_time) = f.cstr(i, Field::ScheduleDeliveryTime, max::TIME)?;
    let (i, validity_period) = f.cstr(i, Field::ValidityPeriod, max::TIME)?;
    let (i, registered_delivery) = octet(i, Field::RegisteredDelivery)?;
    let (i, replace_if_present_flag) = octet(i, Field::ReplaceIfPresentFlag)?;
    let (i, data_coding) = octet(i, Field::DataCoding)?;
    let (i, sm_default_msg_id) = octet(i, Field::SmDefaultMsgId)?;
    let (i, short_message) = sm_octets(f, i)?;
    let (i, tlvs) = tlvs(f, i)?;
    let sm = ShortMessage {
        esm_class,
        protocol_id,
        priority_flag,
        schedule_delivery_time,
        validity_period,
        registered_delivery,
        replace_if_present_flag,
        data_coding,
        sm_default_msg_id,
        short_message,
        tlvs,
        ..ShortMessage::default()
    };
    Ok((i, sm))
}

/// `sm_length` then that many octets; 255 is out of range (§4.4.1).
#[inline]
fn sm_octets<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, bytes::Bytes> {
    let (i, len) = octet(i, Field::SmLength)?;
    let len = usize::from(len);
    if len > max::SHORT_MESSAGE {
        return fail(DecodeError::InvalidValue {
            field: Field::SmLength,
            value: len as u32,
        });
    }
    if i.len() < len {
        return fail(DecodeError::Truncated(Field::ShortMessage));
    }
    Ok((&i[len..], f.bytes(&i[..len])))
}

/// submit_sm_resp / deliver_sm_resp / data_sm_resp; empty body tolerated.
pub(super) fn message_id_resp<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, MessageIdResp> {
    if i.is_empty() {
        return Ok((i, MessageIdResp::default()));
    }
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (i, tlvs) = tlvs(f, i)?;
    Ok((i, MessageIdResp { message_id, tlvs }))
}

/// submit_multi (§4.5.1).
pub(super) fn submit_multi<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, SubmitMulti> {
    let (i, service_type) = f.cstr(i, Field::ServiceType, max::SERVICE_TYPE)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR)?;
    let (mut i, count) = octet(i, Field::NumberOfDests)?;
    if count == 0 || usize::from(count) > max::DESTINATIONS {
        let value = u32::from(count);
        return fail(DecodeError::InvalidValue {
            field: Field::NumberOfDests,
            value,
        });
    }
    let mut destinations = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let (rest, dest) = multi_destination(f, i)?;
        destinations.push(dest);
        i = rest;
    }
    let (i, message) = sm_tail(f, i)?;
    let multi = SubmitMulti {
        service_type,
        source,
        destinations,
        message,
    };
    Ok((i, multi))
}

fn multi_destination<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, MultiDestination> {
    let (i, flag) = octet(i, Field::DestFlag)?;
    match flag {
        1 => {
            let (i, a) = f.address(i, Field::DestinationAddr, max::ADDR)?;
            Ok((i, MultiDestination::Sme(a)))
        }
        2 => {
            let (i, name) = f.cstr(i, Field::DlName, max::DL_NAME)?;
            Ok((i, MultiDestination::DistributionList(name)))
        }
        other => fail(DecodeError::InvalidValue {
            field: Field::DestFlag,
            value: other.into(),
        }),
    }
}

/// submit_multi_resp (§4.5.2); empty body tolerated.
pub(super) fn submit_multi_resp<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, SubmitMultiResp> {
    if i.is_empty() {
        return Ok((i, SubmitMultiResp::default()));
    }
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (mut i, count) = octet(i, Field::NoUnsuccess)?;
    let mut unsuccess = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let (rest, address) = f.address(i, Field::DestinationAddr, max::ADDR)?;
        let (rest, error_status_code) = word(rest, Field::ErrorStatusCode)?;
        unsuccess.push(UnsuccessSme {
            address,
            error_status_code,
        });
        i = rest;
    }
    let (i, tlvs) = tlvs(f, i)?;
    Ok((
        i,
        SubmitMultiResp {
            message_id,
            unsuccess,
            tlvs,
        },
    ))
}

/// data_sm (§4.7.1).
pub(super) fn data_sm<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, DataSm> {
    let (i, service_type) = f.cstr(i, Field::ServiceType, max::SERVICE_TYPE)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR_65)?;
    let (i, destination) = f.address(i, Field::DestinationAddr, max::ADDR_65)?;
    let (i, esm_class) = octet(i, Field::EsmClass)?;
    let (i, registered_delivery) = octet(i, Field::RegisteredDelivery)?;
    let (i, data_coding) = octet(i, Field::DataCoding)?;
    let (i, tlvs) = tlvs(f, i)?;
    let sm = DataSm {
        service_type,
        source,
        destination,
        esm_class,
        registered_delivery,
        data_coding,
        tlvs,
    };
    Ok((i, sm))
}

/// query_sm (§4.8.1).
pub(super) fn query_sm<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, QuerySm> {
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR)?;
    Ok((i, QuerySm { message_id, source }))
}

/// query_sm_resp (§4.8.2).
pub(super) fn query_sm_resp<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, QuerySmResp> {
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (i, final_date) = f.cstr(i, Field::FinalDate, max::TIME)?;
    let (i, message_state) = octet(i, Field::MessageState)?;
    let (i, error_code) = octet(i, Field::ErrorCode)?;
    let resp = QuerySmResp {
        message_id,
        final_date,
        message_state,
        error_code,
    };
    Ok((i, resp))
}

/// cancel_sm (§4.9.1).
pub(super) fn cancel_sm<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, CancelSm> {
    let (i, service_type) = f.cstr(i, Field::ServiceType, max::SERVICE_TYPE)?;
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR)?;
    let (i, destination) = f.address(i, Field::DestinationAddr, max::ADDR)?;
    Ok((
        i,
        CancelSm {
            service_type,
            message_id,
            source,
            destination,
        },
    ))
}

/// replace_sm (§4.10.1).
pub(super) fn replace_sm<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, ReplaceSm> {
    let (i, message_id) = f.cstr(i, Field::MessageId, max::MESSAGE_ID)?;
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR)?;
    let (i, schedule_delivery_time) = f.cstr(i, Field::ScheduleDeliveryTime, max::TIME)?;
    let (i, validity_period) = f.cstr(i, Field::ValidityPeriod, max::TIME)?;
    let (i, registered_delivery) = octet(i, Field::RegisteredDelivery)?;
    let (i, sm_default_msg_id) = octet(i, Field::SmDefaultMsgId)?;
    let (i, short_message) = sm_octets(f, i)?;
    let sm = ReplaceSm {
        message_id,
        source,
        schedule_delivery_time,
        validity_period,
        registered_delivery,
        sm_default_msg_id,
        short_message,
    };
    Ok((i, sm))
}

/// alert_notification (§4.12.1).
pub(super) fn alert_notification<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, AlertNotification> {
    let (i, source) = f.address(i, Field::SourceAddr, max::ADDR_65)?;
    let (i, esme) = f.address(i, Field::EsmeAddr, max::ADDR_65)?;
    let (i, tlvs) = tlvs(f, i)?;
    Ok((i, AlertNotification { source, esme, tlvs }))
}
