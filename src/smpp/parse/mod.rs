//! nom over one framed PDU (complete mode): header, mandatory body, TLVs.
//!
//! The codec hands us exactly `command_length` octets, so nothing here waits
//! for more input; nom's errors are turned into [`DecodeError`] before they
//! leave this module.

mod body;
mod error;
mod prim;
mod tlv;

use bytes::Bytes;

pub use error::{DecodeError, Field, PduError};
use prim::{Frame, PErr, Res};

use crate::smpp::pdu::{Body, CommandId, CommandStatus, HEADER_LEN, Pdu};

/// The four header fields (§3.2), readable from any frame of 16 octets or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `command_length`.
    pub command_length: u32,
    /// `command_id`.
    pub command_id: CommandId,
    /// `command_status`.
    pub command_status: CommandStatus,
    /// `sequence_number`.
    pub sequence_number: u32,
}

/// Reads the header, or `None` when fewer than 16 octets are given.
pub fn header(frame: &[u8]) -> Option<Header> {
    let word = |at: usize| -> Option<u32> {
        let b: [u8; 4] = frame.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    };
    Some(Header {
        command_length: word(0)?,
        command_id: CommandId(word(4)?),
        command_status: CommandStatus(word(8)?),
        sequence_number: word(12)?,
    })
}

/// Decodes one complete PDU. String fields of the result share `frame`'s
/// buffer. A frame shorter than the header reports sequence number 0.
#[inline]
pub fn decode(frame: &Bytes) -> Result<Pdu, PduError> {
    let Some(h) = header(frame) else {
        let error = DecodeError::LengthMismatch {
            declared: 0,
            actual: frame.len(),
        };
        return Err(PduError {
            command_id: CommandId(0),
            sequence_number: 0,
            error,
        });
    };
    let fail = |error| PduError {
        command_id: h.command_id,
        sequence_number: h.sequence_number,
        error,
    };
    if h.command_length as usize != frame.len() {
        let actual = frame.len();
        return Err(fail(DecodeError::LengthMismatch {
            declared: h.command_length,
            actual,
        }));
    }
    let body = decode_body(Frame(frame), h.command_id, &frame[HEADER_LEN..]).map_err(fail)?;
    Ok(Pdu {
        command_status: h.command_status,
        sequence_number: h.sequence_number,
        body,
    })
}

/// Decodes a body, requiring that it consume every octet.
#[inline]
fn decode_body(f: Frame<'_>, id: CommandId, i: &[u8]) -> Result<Body, DecodeError> {
    let (rest, body) = match dispatch(f, id, i) {
        Ok(done) => done,
        Err(nom::Err::Error(PErr(e)) | nom::Err::Failure(PErr(e))) => return Err(e),
        Err(nom::Err::Incomplete(_)) => return Err(DecodeError::Truncated(Field::Header)),
    };
    if !rest.is_empty() {
        return Err(DecodeError::TrailingOctets(rest.len()));
    }
    Ok(body)
}

#[inline]
fn dispatch<'a>(f: Frame<'_>, id: CommandId, i: &'a [u8]) -> Res<'a, Body> {
    let empty = |b: Body| -> Res<'a, Body> { Ok((i, b)) };
    match id {
        CommandId::BIND_TRANSMITTER => map(body::bind(f, i), Body::BindTransmitter),
        CommandId::BIND_RECEIVER => map(body::bind(f, i), Body::BindReceiver),
        CommandId::BIND_TRANSCEIVER => map(body::bind(f, i), Body::BindTransceiver),
        CommandId::BIND_TRANSMITTER_RESP => map(body::bind_resp(f, i), Body::BindTransmitterResp),
        CommandId::BIND_RECEIVER_RESP => map(body::bind_resp(f, i), Body::BindReceiverResp),
        CommandId::BIND_TRANSCEIVER_RESP => map(body::bind_resp(f, i), Body::BindTransceiverResp),
        CommandId::OUTBIND => map(body::outbind(f, i), Body::Outbind),
        CommandId::UNBIND => empty(Body::Unbind),
        CommandId::UNBIND_RESP => empty(Body::UnbindResp),
        CommandId::GENERIC_NACK => empty(Body::GenericNack),
        CommandId::SUBMIT_SM => map(body::short_message(f, i), Body::SubmitSm),
        CommandId::SUBMIT_SM_RESP => map(body::message_id_resp(f, i), Body::SubmitSmResp),
        CommandId::SUBMIT_MULTI => map(body::submit_multi(f, i), Body::SubmitMulti),
        CommandId::SUBMIT_MULTI_RESP => map(body::submit_multi_resp(f, i), Body::SubmitMultiResp),
        CommandId::DELIVER_SM => map(body::short_message(f, i), Body::DeliverSm),
        CommandId::DELIVER_SM_RESP => map(body::message_id_resp(f, i), Body::DeliverSmResp),
        CommandId::DATA_SM => map(body::data_sm(f, i), Body::DataSm),
        CommandId::DATA_SM_RESP => map(body::message_id_resp(f, i), Body::DataSmResp),
        CommandId::QUERY_SM => map(body::query_sm(f, i), Body::QuerySm),
        CommandId::QUERY_SM_RESP => map(body::query_sm_resp(f, i), Body::QuerySmResp),
        CommandId::CANCEL_SM => map(body::cancel_sm(f, i), Body::CancelSm),
        CommandId::CANCEL_SM_RESP => empty(Body::CancelSmResp),
        CommandId::REPLACE_SM => map(body::replace_sm(f, i), Body::ReplaceSm),
        CommandId::REPLACE_SM_RESP => empty(Body::ReplaceSmResp),
        CommandId::ENQUIRE_LINK => empty(Body::EnquireLink),
        CommandId::ENQUIRE_LINK_RESP => empty(Body::EnquireLinkResp),
        CommandId::ALERT_NOTIFICATION => {
            map(body::alert_notification(f, i), Body::AlertNotification)
        }
        other => prim::fail(DecodeError::UnknownCommand(other.0)),
    }
}

#[inline]
fn map<'a, T>(r: Res<'a, T>, wrap: impl FnOnce(T) -> Body) -> Res<'a, Body> {
    r.map(|(i, v)| (i, wrap(v)))
}
