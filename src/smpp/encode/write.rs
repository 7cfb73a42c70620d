//! Field writers shared by every body encoder.

use bytes::{BufMut, BytesMut};

use super::EncodeError;
use crate::smpp::parse::Field;
use crate::smpp::pdu::{Address, Pdu, Tlv, Tlvs};

/// The header with a zero `command_length`, patched by the caller.
#[inline]
pub(super) fn header(pdu: &Pdu, dst: &mut BytesMut) -> Result<(), EncodeError> {
    // One copy of the whole header instead of four bounds-checked writes.
    let mut h = [0u8; 16];
    h[4..8].copy_from_slice(&pdu.command_id().0.to_be_bytes());
    h[8..12].copy_from_slice(&pdu.command_status.0.to_be_bytes());
    h[12..16].copy_from_slice(&pdu.sequence_number.to_be_bytes());
    dst.extend_from_slice(&h);
    Ok(())
}

/// A C-octet string of at most `max` octets including the NUL (§3.1).
#[inline]
pub(super) fn cstr(
    dst: &mut BytesMut,
    s: &[u8],
    field: Field,
    max: usize,
) -> Result<(), EncodeError> {
    if s.len() >= max {
        return Err(EncodeError::TooLong {
            field,
            len: s.len(),
            max: max - 1,
        });
    }
    if s.contains(&0) {
        return Err(EncodeError::ContainsNul(field));
    }
    dst.extend_from_slice(s);
    dst.put_u8(0);
    Ok(())
}

/// `ton`, `npi`, address.
#[inline]
pub(super) fn address(
    dst: &mut BytesMut,
    a: &Address,
    field: Field,
    max: usize,
) -> Result<(), EncodeError> {
    dst.extend_from_slice(&[a.ton, a.npi]);
    cstr(dst, &a.addr, field, max)
}

/// `sm_length` and the octets (§4.4.1: at most 254).
#[inline]
pub(super) fn sm(dst: &mut BytesMut, sm: &[u8]) -> Result<(), EncodeError> {
    let max = crate::smpp::pdu::limits::SHORT_MESSAGE;
    if sm.len() > max {
        return Err(EncodeError::TooLong {
            field: Field::ShortMessage,
            len: sm.len(),
            max,
        });
    }
    dst.put_u8(sm.len() as u8);
    dst.put_slice(sm);
    Ok(())
}

/// Every TLV in order.
pub(super) fn tlvs(dst: &mut BytesMut, tlvs: &Tlvs) -> Result<(), EncodeError> {
    tlvs.iter().try_for_each(|t| tlv(dst, t))
}

fn tlv(dst: &mut BytesMut, t: &Tlv) -> Result<(), EncodeError> {
    let tag = t.tag();
    match t {
        Tlv::UssdServiceOp(v) => fixed(dst, tag, &[v.0]),
        Tlv::ItsSessionInfo(v) => fixed(dst, tag, &v.0.to_be_bytes()),
        Tlv::SarMsgRefNum(v)
        | Tlv::UserMessageReference(v)
        | Tlv::SourcePort(v)
        | Tlv::DestinationPort(v) => fixed(dst, tag, &v.to_be_bytes()),
        Tlv::SarTotalSegments(v) | Tlv::SarSegmentSeqnum(v) => fixed(dst, tag, &[*v]),
        Tlv::MessageState(v) => fixed(dst, tag, &[v.0]),
        Tlv::NetworkErrorCode(v) => {
            let [a, b] = v.error_code.to_be_bytes();
            fixed(dst, tag, &[v.network_type, a, b])
        }
        Tlv::MessagePayload(v) | Tlv::Other { value: v, .. } => variable(dst, tag, v),
        Tlv::ReceiptedMessageId(id) => receipted_id(dst, tag, id),
    }
}

fn fixed(dst: &mut BytesMut, tag: u16, v: &[u8]) -> Result<(), EncodeError> {
    dst.put_u16(tag);
    dst.put_u16(v.len() as u16);
    dst.put_slice(v);
    Ok(())
}

fn variable(dst: &mut BytesMut, tag: u16, v: &[u8]) -> Result<(), EncodeError> {
    let len = u16::try_from(v.len()).map_err(|_| EncodeError::TlvTooLong { tag, len: v.len() })?;
    dst.put_u16(tag);
    dst.put_u16(len);
    dst.put_slice(v);
    Ok(())
}

/// A C-octet string TLV (§5.3.2.12: at most 65 octets with the NUL).
fn receipted_id(dst: &mut BytesMut, tag: u16, id: &[u8]) -> Result<(), EncodeError> {
    let max = crate::smpp::pdu::limits::MESSAGE_ID;
    if id.len() >= max {
        return Err(EncodeError::TooLong {
            field: Field::MessageId,
            len: id.len(),
            max: max - 1,
        });
    }
    dst.put_u16(tag);
    dst.put_u16(id.len() as u16 + 1);
    cstr(dst, id, Field::MessageId, max)
}
