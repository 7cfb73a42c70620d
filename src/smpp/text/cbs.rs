//! USSD text in the Cell Broadcast data coding scheme (TS 23.038 §5), as
//! carried in SMPP `data_coding` on USSD binds: 0x0F GSM-7, 0x48 UCS-2,
//! 0x11 UCS-2 preceded by a two-letter language.
//!
//! Separate from SMS `data_coding` because the same octet means something
//! else there (0x0F would be an SMS class, 0x11 a compressed group).

use super::{gsm7, ucs2};

/// How GSM-7 septets are laid out in `short_message` on this carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Septets {
    /// Packed 8-in-7 with CR padding (TS 23.038 §6.1.2.3.1).
    #[default]
    Packed,
    /// One septet per octet, as many SMSCs put it on SMPP.
    Unpacked,
}

/// A USSD CBS data coding scheme dargah can read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UssdCoding {
    /// 0x0F: GSM-7, language unspecified.
    Gsm7,
    /// 0x48: UCS-2, general data coding group.
    Ucs2,
    /// 0x11: UCS-2 preceded by a two-character ISO 639 language in GSM-7.
    Ucs2WithLanguage,
}

impl UssdCoding {
    /// The DCS octet.
    pub fn dcs(self) -> u8 {
        match self {
            UssdCoding::Gsm7 => 0x0F,
            UssdCoding::Ucs2 => 0x48,
            UssdCoding::Ucs2WithLanguage => 0x11,
        }
    }

    /// The coding of a DCS octet: the three above plus the other values of
    /// the same alphabets (language groups 0x00–0x0F, general groups 0x4X).
    pub fn from_dcs(dcs: u8) -> Option<Self> {
        match dcs {
            0x00..=0x0F | 0x40..=0x43 => Some(UssdCoding::Gsm7),
            0x11 => Some(UssdCoding::Ucs2WithLanguage),
            0x48..=0x4B => Some(UssdCoding::Ucs2),
            _ => None,
        }
    }
}

/// A decoded USSD string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdText {
    /// The ISO 639 language sent in front of the text (0x11 only).
    pub language: Option<String>,
    /// The text.
    pub text: String,
}

/// Decodes a USSD string; `None` for a DCS outside [`UssdCoding::from_dcs`].
pub fn decode(dcs: u8, octets: &[u8], septets: Septets) -> Option<UssdText> {
    let text = match UssdCoding::from_dcs(dcs)? {
        UssdCoding::Gsm7 => UssdText {
            language: None,
            text: gsm7_text(octets, septets),
        },
        UssdCoding::Ucs2 => UssdText {
            language: None,
            text: ucs2::decode(octets),
        },
        UssdCoding::Ucs2WithLanguage => {
            let (lang, rest) = octets.split_at(octets.len().min(2));
            let language = gsm7::decode_unpacked(&gsm7::unpack(lang, 2, 0));
            UssdText {
                language: Some(language),
                text: ucs2::decode(rest),
            }
        }
    };
    Some(text)
}

fn gsm7_text(octets: &[u8], septets: Septets) -> String {
    match septets {
        Septets::Packed => gsm7::decode_packed(octets),
        Septets::Unpacked => gsm7::decode_unpacked(octets),
    }
}

/// Encodes `text`; `None` when GSM-7 cannot represent it or the language
/// is not two GSM-7 characters.
pub fn encode(text: &str, coding: UssdCoding, septets: Septets, language: &str) -> Option<Vec<u8>> {
    match coding {
        UssdCoding::Gsm7 => match septets {
            Septets::Packed => gsm7::encode_packed(text),
            Septets::Unpacked => gsm7::encode_unpacked(text),
        },
        UssdCoding::Ucs2 => Some(ucs2::encode(text)),
        UssdCoding::Ucs2WithLanguage => {
            let lang = gsm7::encode_unpacked(language).filter(|l| l.len() == 2)?;
            let mut out = gsm7::pack(&lang, 0);
            out.extend_from_slice(&ucs2::encode(text));
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSIAN: &str = "وضعیت درخواست شما: در حال تولید";

    #[test]
    fn persian_round_trips_as_ucs2_ussd() {
        let bytes = encode(PERSIAN, UssdCoding::Ucs2, Septets::Packed, "").expect("ucs2");
        assert_eq!(
            decode(0x48, &bytes, Septets::Packed).expect("dcs").text,
            PERSIAN
        );
    }

    #[test]
    fn language_prefix_is_two_packed_septets_before_the_ucs2_text() {
        let bytes =
            encode(PERSIAN, UssdCoding::Ucs2WithLanguage, Septets::Packed, "fa").expect("ok");
        assert_eq!(&bytes[..2], &[0xE6, 0x30]);
        let decoded = decode(0x11, &bytes, Septets::Packed).expect("dcs");
        assert_eq!(decoded.language.as_deref(), Some("fa"));
        assert_eq!(decoded.text, PERSIAN);
    }

    #[test]
    fn gsm7_ussd_menu_round_trips_packed_and_unpacked() {
        let menu = "1. Card status\n2. Appointment";
        for s in [Septets::Packed, Septets::Unpacked] {
            let bytes = encode(menu, UssdCoding::Gsm7, s, "").expect("gsm");
            assert_eq!(decode(0x0F, &bytes, s).expect("dcs").text, menu);
        }
    }
}
