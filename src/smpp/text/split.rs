//! Splitting a long SMS into parts (TS 23.040 §9.2.3.24.1, SMPP 3.4 §5.3.2.22–24).
//!
//! Parts hold 153 GSM-7 septets / 134 Latin-1 octets / 67 UTF-16 units
//! behind an 8-bit-reference UDH (one fewer with a 16-bit reference). A cut
//! never falls inside a GSM escape sequence or a surrogate pair, because we
//! cut between characters, never between octets.

use bytes::Bytes;

use super::encoding::Encoding;
use crate::smpp::pdu::{ShortMessage, Tlv};

/// How a long message is carried; chosen per link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitMethod {
    /// UDH concatenation IE 0x00 with an 8-bit reference.
    Udh8,
    /// UDH concatenation IE 0x08 with a 16-bit reference.
    Udh16,
    /// `sar_*` TLVs; the SMSC builds the UDH.
    Sar,
    /// One submit_sm with the whole text in `message_payload`.
    Payload,
}

/// Why a text cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// The alphabet cannot represent the text.
    #[error("text is not representable in {0:?}")]
    NotRepresentable(Encoding),
    /// More than 255 parts (the count is one octet) or 64K of payload.
    #[error("text needs {0} parts, more than a concatenated SMS can have")]
    TooLong(usize),
}

/// One submit_sm's worth of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `short_message` octets, UDH included when `udhi` is set.
    pub short_message: Bytes,
    /// The `esm_class` UDHI bit (0x40) must be set.
    pub udhi: bool,
    /// SAR TLVs to add: (reference, total, seqnum).
    pub sar: Option<(u16, u8, u8)>,
    /// The octets go in `message_payload`, not `short_message`.
    pub payload: bool,
}

impl Part {
    /// Writes this part into a submit_sm template (addresses etc. already set).
    pub fn apply(&self, sm: &mut ShortMessage, encoding: Encoding) {
        sm.data_coding = encoding.data_coding();
        if self.udhi {
            sm.esm_class |= 0x40;
        }
        if self.payload {
            sm.short_message = Bytes::new();
            sm.tlvs
                .push(Tlv::MessagePayload(self.short_message.clone()));
        } else {
            sm.short_message = self.short_message.clone();
        }
        if let Some((r, total, seq)) = self.sar {
            sm.tlvs.push(Tlv::SarMsgRefNum(r));
            sm.tlvs.push(Tlv::SarTotalSegments(total));
            sm.tlvs.push(Tlv::SarSegmentSeqnum(seq));
        }
    }
}

/// Splits `text` into parts; a text that fits one SMS gives one plain part.
pub fn split(
    text: &str,
    enc: Encoding,
    method: SplitMethod,
    reference: u16,
) -> Result<Vec<Part>, SplitError> {
    let units = enc.units(text).ok_or(SplitError::NotRepresentable(enc))?;
    let whole = || {
        enc.encode(text)
            .map(Bytes::from)
            .ok_or(SplitError::NotRepresentable(enc))
    };
    if method == SplitMethod::Payload {
        let octets = whole()?;
        if octets.len() > usize::from(u16::MAX) {
            return Err(SplitError::TooLong(octets.len()));
        }
        let udhi = false;
        return Ok(vec![Part {
            short_message: octets,
            udhi,
            sar: None,
            payload: units > enc.single_limit(),
        }]);
    }
    if units <= enc.single_limit() {
        return Ok(vec![Part {
            short_message: whole()?,
            udhi: false,
            sar: None,
            payload: false,
        }]);
    }
    let chunks = chunk(text, enc, part_limit(enc, method));
    let total = u8::try_from(chunks.len()).map_err(|_| SplitError::TooLong(chunks.len()))?;
    let parts = chunks.iter().zip(1..=total);
    parts
        .map(|(c, seq)| make_part(c, enc, method, reference, total, seq))
        .collect()
}

/// Units per part behind the UDH of `method`.
fn part_limit(enc: Encoding, method: SplitMethod) -> usize {
    let base = match enc {
        Encoding::Gsm7 => 153,
        Encoding::Latin1 => 134,
        Encoding::Ucs2 => 67,
    };
    if method == SplitMethod::Udh16 {
        base - 1
    } else {
        base
    }
}

/// Cuts `text` between characters into runs of at most `limit` units.
fn chunk(text: &str, enc: Encoding, limit: usize) -> Vec<&str> {
    let mut chunks = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (at, c) in text.char_indices() {
        let w = char_units(c, enc);
        if used + w > limit {
            chunks.push(&text[start..at]);
            (start, used) = (at, 0);
        }
        used += w;
    }
    chunks.push(&text[start..]);
    chunks
}

fn char_units(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => super::gsm7::lookup(c).map_or(1, |s| s.len()),
        Encoding::Latin1 => 1,
        Encoding::Ucs2 => c.len_utf16(),
    }
}

fn make_part(
    text: &str,
    enc: Encoding,
    method: SplitMethod,
    r: u16,
    total: u8,
    seq: u8,
) -> Result<Part, SplitError> {
    let body = enc.encode(text).ok_or(SplitError::NotRepresentable(enc))?;
    let mut octets = Vec::with_capacity(body.len() + 7);
    let [hi, lo] = r.to_be_bytes();
    match method {
        SplitMethod::Udh8 => octets.extend_from_slice(&[0x05, 0x00, 0x03, lo, total, seq]),
        SplitMethod::Udh16 => octets.extend_from_slice(&[0x06, 0x08, 0x04, hi, lo, total, seq]),
        SplitMethod::Sar | SplitMethod::Payload => {}
    }
    octets.extend_from_slice(&body);
    let udhi = matches!(method, SplitMethod::Udh8 | SplitMethod::Udh16);
    let sar = (method == SplitMethod::Sar).then_some((r, total, seq));
    Ok(Part {
        short_message: Bytes::from(octets),
        udhi,
        sar,
        payload: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_plain_part() {
        let parts = split("hello", Encoding::Gsm7, SplitMethod::Udh8, 7).expect("split");
        assert_eq!(parts.len(), 1);
        assert!(!parts[0].udhi);
    }

    #[test]
    fn gsm7_parts_hold_153_septets_behind_an_8_bit_udh() {
        let text = "a".repeat(161);
        let parts = split(&text, Encoding::Gsm7, SplitMethod::Udh8, 7).expect("split");
        assert_eq!(parts.len(), 2);
        assert_eq!(&parts[0].short_message[..6], &[5, 0, 3, 7, 2, 1]);
        assert_eq!(parts[0].short_message.len(), 6 + 153);
    }

    #[test]
    fn an_escape_sequence_is_never_cut() {
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(20));
        let parts = split(&text, Encoding::Gsm7, SplitMethod::Udh8, 1).expect("split");
        assert_eq!(parts[0].short_message.len(), 6 + 152);
        assert_eq!(&parts[1].short_message[6..8], &[0x1B, 0x65]);
    }

    #[test]
    fn a_surrogate_pair_is_never_cut() {
        let text = format!("{}😀{}", "ب".repeat(66), "پ".repeat(10));
        let parts = split(&text, Encoding::Ucs2, SplitMethod::Udh16, 0x1234).expect("split");
        assert_eq!(parts[0].short_message.len(), 7 + 2 * 66);
        assert_eq!(&parts[1].short_message[..7], &[6, 8, 4, 0x12, 0x34, 2, 2]);
        assert_eq!(&parts[1].short_message[7..9], &[0xD8, 0x3D]);
    }
}
