//! UCS-2 big-endian (SMPP data_coding 8), extended to UTF-16 so characters
//! outside the BMP travel as surrogate pairs, as handsets expect.

/// Encodes `text` as UTF-16BE.
pub fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// Decodes UTF-16BE. A lone surrogate or an odd final octet becomes U+FFFD:
/// a peer's broken message must still reach the user, never panic.
pub fn decode(octets: &[u8]) -> String {
    let (pairs, odd) = octets.as_chunks::<2>();
    let units = pairs.iter().map(|p| u16::from_be_bytes(*p));
    let mut out: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if !odd.is_empty() {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out
}

/// UTF-16 code units `text` takes (2 octets each).
pub fn unit_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_round_trips_through_ucs2() {
        let text = "وضعیت درخواست شما: در حال تولید";
        assert_eq!(decode(&encode(text)), text);
        assert_eq!(encode(text).len(), 2 * text.chars().count());
    }

    #[test]
    fn characters_outside_the_bmp_become_surrogate_pairs() {
        assert_eq!(encode("😀"), [0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(decode(&[0xD8, 0x3D, 0xDE, 0x00]), "😀");
        assert_eq!(unit_len("a😀"), 3);
    }

    #[test]
    fn broken_utf16_decodes_with_replacement_characters() {
        assert_eq!(decode(&[0xD8, 0x3D, 0x00, 0x41, 0x00]), "\u{FFFD}A\u{FFFD}");
    }
}
