//! Length-prefixed framing for tokio (SMPP 3.4 §3.2): the only bridge
//! between the pure parser/encoder and a socket.
//!
//! The first four octets of every PDU are `command_length`, counting
//! themselves. A length below the 16-octet header means we can no longer
//! find PDU boundaries: that is fatal ([`CodecError::Framing`]). A length
//! above the configured maximum is not: its header is read, its octets are
//! discarded as they arrive (never buffered, so a hostile peer announcing
//! 4 GiB costs nothing) and it comes out as [`DecodeError::TooLong`]. A frame
//! of good length whose body is malformed comes out as
//! `Ok(Some(Err(PduError)))` too, so the link can answer generic_nack and
//! keep reading.

use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::encode::{self, EncodeError};
use super::parse::{self, DecodeError, PduError};
use super::pdu::{HEADER_LEN, Pdu};

/// Default maximum `command_length`: 64 KiB, room for a full `message_payload`.
pub const DEFAULT_MAX_LEN: usize = 64 * 1024;

/// Why the stream cannot go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The socket failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A `command_length` that cannot be trusted; PDU boundaries are lost.
    #[error("framing lost: {0}")]
    Framing(#[from] FramingError),
    /// A PDU we were asked to send breaks a §5.2 limit; nothing was written.
    #[error("cannot encode PDU: {0}")]
    Encode(#[from] EncodeError),
}

/// The untrustworthy `command_length` and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// Below the 16-octet header (§3.2).
    #[error("command_length {0} is below the 16-octet PDU header")]
    TooShort(u32),
}

/// What one decoded frame yields: a PDU, or a per-PDU error the link answers.
pub type Item = Result<Pdu, PduError>;

/// SMPP framing for `tokio_util::codec::Framed`.
#[derive(Debug, Clone)]
pub struct SmppCodec {
    max_len: usize,
    /// Octets of an oversize PDU still to discard.
    skip: usize,
}

impl Default for SmppCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl SmppCodec {
    /// A codec with the default 64 KiB maximum.
    pub fn new() -> Self {
        Self::with_max_len(DEFAULT_MAX_LEN)
    }

    /// A codec accepting PDUs up to `max_len` octets (never below the header).
    pub fn with_max_len(max_len: usize) -> Self {
        Self {
            max_len: max_len.max(HEADER_LEN),
            skip: 0,
        }
    }

    /// The largest `command_length` accepted.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    fn frame_len(&self, src: &[u8]) -> Result<Option<usize>, FramingError> {
        let Some(prefix) = src.first_chunk::<4>() else {
            return Ok(None);
        };
        let len = u32::from_be_bytes(*prefix);
        if (len as usize) < HEADER_LEN {
            return Err(FramingError::TooShort(len));
        }
        Ok(Some(len as usize))
    }

    /// Drops what is left of an oversize PDU; true once it is all gone.
    fn skip_pending(&mut self, src: &mut BytesMut) -> bool {
        let n = self.skip.min(src.len());
        src.advance(n);
        self.skip -= n;
        self.skip == 0
    }

    /// An oversize PDU: once its header is in, report it and skip the rest.
    fn oversize(&mut self, len: usize, src: &mut BytesMut) -> Option<Item> {
        let h = parse::header(src)?;
        self.skip = len;
        self.skip_pending(src);
        Some(Err(PduError {
            command_id: h.command_id,
            sequence_number: h.sequence_number,
            error: DecodeError::TooLong {
                len: h.command_length,
                max: self.max_len,
            },
        }))
    }
}

impl Decoder for SmppCodec {
    type Item = Item;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Item>, CodecError> {
        if !self.skip_pending(src) {
            return Ok(None);
        }
        let Some(len) = self.frame_len(src)? else {
            return Ok(None);
        };
        if len > self.max_len {
            return Ok(self.oversize(len, src));
        }
        if src.len() < len {
            src.reserve(len - src.len());
            return Ok(None);
        }
        let frame = src.split_to(len).freeze();
        Ok(Some(parse::decode(&frame)))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Item>, CodecError> {
        match self.decode(src)? {
            Some(item) => Ok(Some(item)),
            None if src.is_empty() && self.skip == 0 => Ok(None),
            None => {
                let left = src.remaining() + self.skip;
                src.clear();
                self.skip = 0;
                let msg = format!("connection closed inside a PDU ({left} octets pending)");
                Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, msg).into())
            }
        }
    }
}

impl Encoder<&Pdu> for SmppCodec {
    type Error = CodecError;

    fn encode(&mut self, pdu: &Pdu, dst: &mut BytesMut) -> Result<(), CodecError> {
        Ok(encode::encode(pdu, dst)?)
    }
}

impl Encoder<Pdu> for SmppCodec {
    type Error = CodecError;

    fn encode(&mut self, pdu: Pdu, dst: &mut BytesMut) -> Result<(), CodecError> {
        Ok(encode::encode(&pdu, dst)?)
    }
}
