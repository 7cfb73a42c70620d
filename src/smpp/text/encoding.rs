//! The SMS alphabets and the choice between them (SMPP 3.4 §5.2.19).
//!
//! Separate from the alphabets themselves so the rule "cheapest exact
//! encoding" lives in one place that both SMS and USSD paging use.

use super::{gsm7, latin1, ucs2};

/// An SMS alphabet as carried in SMPP `short_message` / `message_payload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GSM 03.38 unpacked septets, one per octet (data_coding 0).
    Gsm7,
    /// ISO-8859-1 (data_coding 3).
    Latin1,
    /// UCS-2 / UTF-16 big-endian (data_coding 8).
    Ucs2,
}

impl Encoding {
    /// The SMPP `data_coding` value for this alphabet.
    pub fn data_coding(self) -> u8 {
        match self {
            Encoding::Gsm7 => 0x00,
            Encoding::Latin1 => 0x03,
            Encoding::Ucs2 => 0x08,
        }
    }

    /// The alphabet of an SMPP `data_coding` (§5.2.19, TS 23.038 §4 for the
    /// coding groups), or `None` for binary and national alphabets.
    pub fn from_data_coding(dc: u8) -> Option<Self> {
        match dc {
            0x00 | 0x01 | 0xF0..=0xF3 => Some(Encoding::Gsm7),
            0x03 => Some(Encoding::Latin1),
            0x08 => Some(Encoding::Ucs2),
            // General data coding groups 00xx / 01xx: alphabet in bits 3..2.
            0x10..=0x7F if dc & 0x20 == 0 => match (dc >> 2) & 0x03 {
                0 => Some(Encoding::Gsm7),
                2 => Some(Encoding::Ucs2),
                _ => None,
            },
            _ => None,
        }
    }

    /// Encodes `text`, or `None` when the alphabet cannot represent it.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Gsm7 => gsm7::encode_unpacked(text),
            Encoding::Latin1 => latin1::encode(text),
            Encoding::Ucs2 => Some(ucs2::encode(text)),
        }
    }

    /// Decodes octets in this alphabet; never fails.
    pub fn decode(self, octets: &[u8]) -> String {
        match self {
            Encoding::Gsm7 => gsm7::decode_unpacked(octets),
            Encoding::Latin1 => latin1::decode(octets),
            Encoding::Ucs2 => ucs2::decode(octets),
        }
    }

    /// How many "characters" `text` takes in this alphabet's unit: septets,
    /// octets or UTF-16 units; `None` when it cannot represent the text.
    pub fn units(self, text: &str) -> Option<usize> {
        match self {
            Encoding::Gsm7 => gsm7::septet_len(text),
            Encoding::Latin1 => text
                .chars()
                .all(|c| u32::from(c) <= 0xFF)
                .then(|| text.chars().count()),
            Encoding::Ucs2 => Some(ucs2::unit_len(text)),
        }
    }

    /// Units that fit in one SMS without a UDH: 160 septets, 140 octets, 70 UTF-16 units.
    pub fn single_limit(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Latin1 => 140,
            Encoding::Ucs2 => 70,
        }
    }
}

/// The cheapest alphabet that represents `text` exactly: GSM-7 first, then
/// Latin-1 if the carrier accepts data_coding 3, else UCS-2.
pub fn cheapest(text: &str, latin1_allowed: bool) -> Encoding {
    if gsm7::septet_len(text).is_some() {
        Encoding::Gsm7
    } else if latin1_allowed && Encoding::Latin1.units(text).is_some() {
        Encoding::Latin1
    } else {
        Encoding::Ucs2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_goes_as_gsm7() {
        assert_eq!(cheapest("Your code is 1234", true), Encoding::Gsm7);
    }

    #[test]
    fn persian_needs_ucs2() {
        assert_eq!(cheapest("کد شما ۱۲۳۴", true), Encoding::Ucs2);
    }

    #[test]
    fn latin1_only_text_uses_latin1_when_the_carrier_allows_it() {
        assert_eq!(cheapest("âge", true), Encoding::Latin1);
        assert_eq!(cheapest("âge", false), Encoding::Ucs2);
    }

    #[test]
    fn data_coding_values_map_to_alphabets() {
        assert_eq!(Encoding::from_data_coding(0x08), Some(Encoding::Ucs2));
        assert_eq!(Encoding::from_data_coding(0x00), Some(Encoding::Gsm7));
        assert_eq!(Encoding::from_data_coding(0x18), Some(Encoding::Ucs2));
        assert_eq!(Encoding::from_data_coding(0x04), None);
    }
}
