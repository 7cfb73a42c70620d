//! nom primitives over one frame: integers, C-octet strings, addresses.
//!
//! Every primitive names the field it reads so a failure becomes a typed
//! [`DecodeError`] with the right command_status, never a bare nom error.

use bytes::Bytes;
use nom::IResult;
use nom::bytes::complete::take_till;
use nom::error::{ErrorKind, ParseError};
use nom::number::complete::{be_u8, be_u32};

use super::error::{DecodeError, Field};
use crate::smpp::pdu::Address;

/// Our error inside nom; unwrapped at the module boundary.
#[derive(Debug)]
pub(super) struct PErr(pub DecodeError);

impl<'a> ParseError<&'a [u8]> for PErr {
    fn from_error_kind(_: &'a [u8], _: ErrorKind) -> Self {
        PErr(DecodeError::Truncated(Field::Header))
    }

    fn append(_: &'a [u8], _: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(super) type Res<'a, T> = IResult<&'a [u8], T, PErr>;

/// Fails the parse with `e`.
pub(super) fn fail<'a, T>(e: DecodeError) -> Res<'a, T> {
    Err(nom::Err::Error(PErr(e)))
}

fn truncated(field: Field) -> nom::Err<PErr> {
    nom::Err::Error(PErr(DecodeError::Truncated(field)))
}

/// One octet.
#[inline]
pub(super) fn octet(i: &[u8], field: Field) -> Res<'_, u8> {
    be_u8(i).map_err(|_: nom::Err<PErr>| truncated(field))
}

/// A big-endian 32-bit integer.
#[inline]
pub(super) fn word(i: &[u8], field: Field) -> Res<'_, u32> {
    be_u32(i).map_err(|_: nom::Err<PErr>| truncated(field))
}

/// The frame the parsed slices come from, so they can become `Bytes`
/// sharing its buffer instead of copies.
#[derive(Clone, Copy)]
pub(super) struct Frame<'f>(pub &'f Bytes);

impl Frame<'_> {
    /// `s` (a sub-slice of the frame) as `Bytes` without copying.
    #[inline]
    pub fn bytes(self, s: &[u8]) -> Bytes {
        if s.is_empty() {
            Bytes::new()
        } else {
            self.0.slice_ref(s)
        }
    }

    /// A C-octet string of at most `max` octets including the NUL (§3.1).
    #[inline]
    pub fn cstr<'a>(self, i: &'a [u8], field: Field, max: usize) -> Res<'a, Bytes> {
        if i.is_empty() {
            return Err(truncated(field));
        }
        let window = &i[..i.len().min(max)];
        let (_, s) = take_till(|b| b == 0)(window)?;
        if s.len() == window.len() {
            return fail(DecodeError::Unterminated { field, max });
        }
        Ok((&i[s.len() + 1..], self.bytes(s)))
    }

    /// `ton`, `npi` and an address of at most `max` octets (§5.2.5–5.2.8).
    #[inline]
    pub fn address<'a>(self, i: &'a [u8], field: Field, max: usize) -> Res<'a, Address> {
        let (i, ton) = octet(i, Field::AddrTon)?;
        let (i, npi) = octet(i, Field::AddrNpi)?;
        let (i, addr) = self.cstr(i, field, max)?;
        Ok((i, Address { ton, npi, addr }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cstr(input: &'static [u8], max: usize) -> Result<(usize, Bytes), DecodeError> {
        let frame = Bytes::from_static(input);
        match Frame(&frame).cstr(&frame, Field::SourceAddr, max) {
            Ok((rest, s)) => Ok((rest.len(), s)),
            Err(nom::Err::Error(PErr(e)) | nom::Err::Failure(PErr(e))) => Err(e),
            Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers never ask for more"),
        }
    }

    #[test]
    fn c_octet_string_stops_at_the_first_nul() {
        assert_eq!(cstr(b"abc\0rest", 21), Ok((4, Bytes::from_static(b"abc"))));
    }

    #[test]
    fn c_octet_string_longer_than_its_maximum_is_rejected() {
        let err = cstr(b"0123456789\0", 10).unwrap_err();
        assert_eq!(err.command_status().0, 0x0A);
    }

    #[test]
    fn empty_c_octet_string_is_one_nul() {
        assert_eq!(cstr(b"\0", 21), Ok((0, Bytes::new())));
    }
}
