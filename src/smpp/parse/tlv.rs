//! The TLV area after the mandatory parameters (SMPP 3.4 §3.3, §5.3).
//!
//! Typed TLVs must have the length their definition gives; anything else is
//! kept verbatim as [`Tlv::Other`].

use bytes::Bytes;

use super::error::DecodeError;
use super::prim::{Frame, Res, fail};
use crate::smpp::pdu::limits;
use crate::smpp::pdu::{
    ItsSessionInfo, MessageState, NetworkErrorCode, Tlv, Tlvs, UssdServiceOp, tag,
};

/// Every TLV up to the end of the frame.
pub(super) fn tlvs<'a>(f: Frame<'_>, mut i: &'a [u8]) -> Res<'a, Tlvs> {
    let mut out = Tlvs::new();
    while !i.is_empty() {
        let (rest, tlv) = one(f, i)?;
        out.push(tlv);
        i = rest;
    }
    Ok((i, out))
}

fn one<'a>(f: Frame<'_>, i: &'a [u8]) -> Res<'a, Tlv> {
    let broken = |tag| DecodeError::TlvStream {
        tag,
        remaining: i.len(),
    };
    let [t0, t1, l0, l1, rest @ ..] = i else {
        let tag = if i.len() >= 2 {
            u16::from_be_bytes([i[0], i[1]])
        } else {
            0
        };
        return fail(broken(tag));
    };
    let tag = u16::from_be_bytes([*t0, *t1]);
    let len = u16::from_be_bytes([*l0, *l1]);
    let Some(value) = rest.get(..usize::from(len)) else {
        return fail(broken(tag));
    };
    match typed(f, tag, value) {
        Ok(tlv) => Ok((&rest[usize::from(len)..], tlv)),
        Err(e) => fail(e),
    }
}

/// The typed form of a TLV, or `Other` for tags we do not interpret.
fn typed(f: Frame<'_>, tag: u16, v: &[u8]) -> Result<Tlv, DecodeError> {
    let len = v.len() as u16;
    let bad_len = DecodeError::TlvLength { tag, len };
    let tlv = match (tag, v) {
        (tag::USSD_SERVICE_OP, [b]) => Tlv::UssdServiceOp(UssdServiceOp(*b)),
        (tag::ITS_SESSION_INFO, [a, b]) => Tlv::ItsSessionInfo(ItsSessionInfo(be16(*a, *b))),
        (tag::MESSAGE_PAYLOAD, _) => Tlv::MessagePayload(f.bytes(v)),
        (tag::SAR_MSG_REF_NUM, [a, b]) => Tlv::SarMsgRefNum(be16(*a, *b)),
        (tag::SAR_TOTAL_SEGMENTS, [b]) => Tlv::SarTotalSegments(*b),
        (tag::SAR_SEGMENT_SEQNUM, [b]) => Tlv::SarSegmentSeqnum(*b),
        (tag::RECEIPTED_MESSAGE_ID, _) => Tlv::ReceiptedMessageId(receipted_id(f, tag, v)?),
        (tag::MESSAGE_STATE, [b]) => Tlv::MessageState(MessageState(*b)),
        (tag::NETWORK_ERROR_CODE, [t, a, b]) => Tlv::NetworkErrorCode(NetworkErrorCode {
            network_type: *t,
            error_code: be16(*a, *b),
        }),
        (tag::USER_MESSAGE_REFERENCE, [a, b]) => Tlv::UserMessageReference(be16(*a, *b)),
        (tag::SOURCE_PORT, [a, b]) => Tlv::SourcePort(be16(*a, *b)),
        (tag::DESTINATION_PORT, [a, b]) => Tlv::DestinationPort(be16(*a, *b)),
        (
            tag::USSD_SERVICE_OP
            | tag::ITS_SESSION_INFO
            | tag::SAR_MSG_REF_NUM
            | tag::SAR_TOTAL_SEGMENTS
            | tag::SAR_SEGMENT_SEQNUM
            | tag::MESSAGE_STATE
            | tag::NETWORK_ERROR_CODE
            | tag::USER_MESSAGE_REFERENCE
            | tag::SOURCE_PORT
            | tag::DESTINATION_PORT,
            _,
        ) => return Err(bad_len),
        _ => Tlv::Other {
            tag,
            value: f.bytes(v),
        },
    };
    Ok(tlv)
}

fn be16(a: u8, b: u8) -> u16 {
    u16::from_be_bytes([a, b])
}

/// A C-octet string of at most 65 octets (§5.3.2.12). Some SMSCs leave out
/// the NUL; that is tolerated, an embedded NUL is not.
fn receipted_id(f: Frame<'_>, tag: u16, v: &[u8]) -> Result<Bytes, DecodeError> {
    if v.len() > limits::MESSAGE_ID {
        return Err(DecodeError::TlvLength {
            tag,
            len: v.len() as u16,
        });
    }
    let id = v.strip_suffix(&[0]).unwrap_or(v);
    if id.contains(&0) {
        return Err(DecodeError::TlvValue { tag });
    }
    Ok(f.bytes(id))
}
