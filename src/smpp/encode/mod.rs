//! PDUs to bytes (SMPP 3.4 §3): header, mandatory parameters, TLVs. No I/O.
//!
//! Writes straight into the caller's `BytesMut`, patching `command_length`
//! at the end, so encoding allocates nothing beyond the output buffer. Size
//! limits of §5.2 are checked here, on the way out, so a PDU we send can
//! always be decoded by a strict peer.

mod body;
mod write;

use bytes::{Bytes, BytesMut};

use crate::smpp::parse::Field;
use crate::smpp::pdu::Pdu;

/// Why a PDU could not be encoded; nothing is written in that case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A C-octet string or octet field exceeds its §5.2 maximum.
    #[error("{field:?} is {len} octets, more than the {max} allowed")]
    TooLong {
        /// The field.
        field: Field,
        /// Its length (C-octet strings: without the NUL).
        len: usize,
        /// The maximum (C-octet strings: without the NUL).
        max: usize,
    },
    /// A C-octet string contains a NUL, which would end it early.
    #[error("{0:?} contains a NUL octet")]
    ContainsNul(Field),
    /// submit_multi needs 1..=254 destinations.
    #[error("submit_multi has {0} destinations, allowed are 1 to 254")]
    Destinations(usize),
    /// A TLV value longer than 65535 octets.
    #[error("TLV 0x{tag:04X} value is {len} octets, more than 65535")]
    TlvTooLong {
        /// Tag.
        tag: u16,
        /// Value length.
        len: usize,
    },
    /// More entries than a one-octet count can say.
    #[error("{0:?} has more than 255 entries")]
    TooMany(Field),
}

/// Appends `pdu` to `dst`. On error `dst` is left as it was.
pub fn encode(pdu: &Pdu, dst: &mut BytesMut) -> Result<(), EncodeError> {
    let start = dst.len();
    let result = write::header(pdu, dst).and_then(|()| body::body(&pdu.body, dst));
    if let Err(e) = result {
        dst.truncate(start);
        return Err(e);
    }
    let len = (dst.len() - start) as u32;
    dst[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Encodes `pdu` into a fresh buffer.
pub fn to_bytes(pdu: &Pdu) -> Result<Bytes, EncodeError> {
    let mut buf = BytesMut::with_capacity(body::size_hint(&pdu.body));
    encode(pdu, &mut buf)?;
    Ok(buf.freeze())
}
