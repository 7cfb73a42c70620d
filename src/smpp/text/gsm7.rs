//! The GSM 03.38 default alphabet and its extension table (3GPP TS 23.038 §6.2.1).
//!
//! This file owns the character tables and the septet arithmetic every other
//! part needs: the USSD engine measures pages with [`septet_len`], the codec
//! encodes and decodes with [`encode_unpacked`] / [`decode_unpacked`].

/// The escape septet that announces a character of the extension table.
pub const ESCAPE: u8 = 0x1B;

/// The default alphabet, indexed by septet value. `0x1B` is the escape and
/// never stands for a character of its own.
pub const BASIC: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// The extension table: (septet after the escape, character).
pub const EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{0C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// How a character is written in GSM 7-bit: one septet, or escape + septet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Septets {
    /// A character of the default alphabet.
    One(u8),
    /// A character of the extension table, written as `ESCAPE` then this septet.
    Escaped(u8),
}

impl Septets {
    /// How many septets the character takes on the air.
    pub fn len(self) -> usize {
        match self {
            Septets::One(_) => 1,
            Septets::Escaped(_) => 2,
        }
    }

    /// Never empty; present so the `len` method reads naturally to clippy.
    pub fn is_empty(self) -> bool {
        false
    }
}

/// Septets of the characters U+0000–U+00FF, built at compile time from the
/// tables above: a septet, `0x80 | septet` for an escaped one, or `NONE`.
const LATIN: [u8; 256] = latin_table();
const NONE: u8 = 0xFF;

const fn latin_table() -> [u8; 256] {
    let mut t = [NONE; 256];
    let mut i = 0;
    while i < 128 {
        let c = BASIC[i] as u32;
        if c < 256 && i as u8 != ESCAPE {
            t[c as usize] = i as u8;
        }
        i += 1;
    }
    let mut k = 0;
    while k < EXTENSION.len() {
        let (septet, c) = EXTENSION[k];
        if (c as u32) < 256 {
            t[c as usize] = 0x80 | septet;
        }
        k += 1;
    }
    t
}

/// The septet(s) for `c`, or `None` when GSM 7-bit cannot represent it.
pub fn lookup(c: char) -> Option<Septets> {
    // Latin text is the common case: one table read, no scan.
    if let Some(&v) = LATIN.get(c as usize) {
        return match v {
            NONE => None,
            v if v & 0x80 != 0 => Some(Septets::Escaped(v & 0x7F)),
            v => Some(Septets::One(v)),
        };
    }
    // Past U+00FF the tables hold only Greek capitals and the euro sign. Every
    // Persian character is refused here, without scanning them: page layout
    // asks once per measured line, several times per USSD hop.
    if !matches!(c, '\u{0393}'..='\u{03A9}' | '€') {
        return None;
    }
    if let Some(i) = BASIC.iter().position(|&b| b == c) {
        return Some(Septets::One(i as u8));
    }
    EXTENSION
        .iter()
        .find(|(_, e)| *e == c)
        .map(|(s, _)| Septets::Escaped(*s))
}

/// The number of septets `text` takes in GSM 7-bit, or `None` if any
/// character needs another alphabet.
pub fn septet_len(text: &str) -> Option<usize> {
    text.chars().map(|c| lookup(c).map(Septets::len)).sum()
}

/// Encodes `text` as unpacked septets (one per octet, SMPP data_coding 0).
/// Returns `None` when a character is not in the alphabet.
pub fn encode_unpacked(text: &str) -> Option<Vec<u8>> {
    if text.is_ascii() {
        return encode_ascii(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match lookup(c)? {
            Septets::One(s) => out.push(s),
            Septets::Escaped(s) => out.extend_from_slice(&[ESCAPE, s]),
        }
    }
    Some(out)
}

/// ASCII text needs no UTF-8 decoding: one table read per byte.
fn encode_ascii(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match LATIN[usize::from(b)] {
            NONE => return None,
            v if v & 0x80 != 0 => out.extend_from_slice(&[ESCAPE, v & 0x7F]),
            v => out.push(v),
        }
    }
    Some(out)
}

/// Decodes unpacked septets. An escape before an unknown septet decodes as the
/// default-alphabet character (TS 23.038 says a receiver shall do so); a lone
/// trailing escape, or an escape before another escape, decodes as a space,
/// the spec's fallback for the escape itself.
pub fn decode_unpacked(septets: &[u8]) -> String {
    let mut out = String::with_capacity(septets.len());
    let mut iter = septets.iter().map(|b| b & 0x7F);
    while let Some(s) = iter.next() {
        if s != ESCAPE {
            out.push(BASIC[s as usize]);
            continue;
        }
        match iter.next() {
            // ESC ESC is reserved for a further table we do not know: a space,
            // like the lone escape, so decoded text always re-encodes.
            Some(ESCAPE) | None => out.push(' '),
            Some(next) => out.push(extension_char(next).unwrap_or(BASIC[next as usize])),
        }
    }
    out
}

fn extension_char(septet: u8) -> Option<char> {
    EXTENSION
        .iter()
        .find(|(s, _)| *s == septet)
        .map(|(_, c)| *c)
}

/// Carriage return, the padding septet of TS 23.038 §6.1.2.3.1.
pub const CR: u8 = 0x0D;

/// Packs septets eight into seven octets (TS 23.038 §6.1.2.1.1), after
/// `fill_bits` zero bits (0–6) that align septets behind a UDH (TS 23.040 §9.2.3.24).
pub fn pack(septets: &[u8], fill_bits: u8) -> Vec<u8> {
    let bits = usize::from(fill_bits) + septets.len() * 7;
    let mut out = Vec::with_capacity(bits.div_ceil(8));
    let mut acc: u32 = 0;
    let mut held = u32::from(fill_bits % 8);
    for &s in septets {
        acc |= u32::from(s & 0x7F) << held;
        held += 7;
        while held >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            held -= 8;
        }
    }
    if held > 0 {
        out.push(acc as u8);
    }
    out
}

/// Unpacks `count` septets from packed octets, skipping `fill_bits`; stops
/// early (returning fewer) if the octets run out.
pub fn unpack(octets: &[u8], count: usize, fill_bits: u8) -> Vec<u8> {
    let available = (octets.len() * 8).saturating_sub(usize::from(fill_bits)) / 7;
    let mut out = Vec::with_capacity(count.min(available));
    for k in 0..count.min(available) {
        let pos = usize::from(fill_bits) + 7 * k;
        let lo = u16::from(octets[pos / 8]);
        let hi = octets.get(pos / 8 + 1).map_or(0, |&b| u16::from(b));
        out.push((((hi << 8 | lo) >> (pos % 8)) & 0x7F) as u8);
    }
    out
}

/// Packs USSD/CBS septets with the CR rule of TS 23.038 §6.1.2.3.1: seven
/// spare bits would read as a stray "@", so they carry a CR instead; a
/// wanted final CR on an octet boundary gets a second CR so it survives.
pub fn pack_padded(septets: &[u8]) -> Vec<u8> {
    let needs_cr =
        septets.len() % 8 == 7 || (septets.len().is_multiple_of(8) && septets.last() == Some(&CR));
    if !needs_cr {
        return pack(septets, 0);
    }
    let mut padded = Vec::with_capacity(septets.len() + 1);
    padded.extend_from_slice(septets);
    padded.push(CR);
    pack(&padded, 0)
}

/// Unpacks a USSD/CBS string whose septet count is not sent: every whole
/// septet in the octets, minus a final CR on an octet boundary, which the
/// receiver must take as padding (TS 23.038 §6.1.2.3.1). A wanted final CR
/// therefore arrives doubled, which displays the same.
pub fn unpack_padded(octets: &[u8]) -> Vec<u8> {
    let mut septets = unpack(octets, octets.len() * 8 / 7, 0);
    if septets.len().is_multiple_of(8) && septets.last() == Some(&CR) {
        septets.pop();
    }
    septets
}

/// Encodes text as packed USSD septets with CR padding, or `None`.
pub fn encode_packed(text: &str) -> Option<Vec<u8>> {
    encode_unpacked(text).map(|s| pack_padded(&s))
}

/// Decodes packed USSD septets with CR padding.
pub fn decode_packed(octets: &[u8]) -> String {
    decode_unpacked(&unpack_padded(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_matches_the_classic_hellohello_example() {
        let septets = encode_unpacked("hellohello").expect("gsm");
        let packed = pack(&septets, 0);
        assert_eq!(
            packed,
            [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]
        );
        assert_eq!(unpack(&packed, 10, 0), septets);
    }

    #[test]
    fn seven_characters_are_padded_with_cr_not_a_stray_at_sign() {
        let packed = encode_packed("1234567").expect("gsm");
        assert_eq!(packed.len(), 7);
        assert_eq!(packed[6] >> 1, CR);
        assert_eq!(decode_packed(&packed), "1234567");
    }

    #[test]
    fn wanted_final_cr_on_an_octet_boundary_survives() {
        let text = "1234567\r";
        assert_eq!(
            decode_packed(&encode_packed(text).expect("gsm")),
            "1234567\r\r"
        );
    }

    #[test]
    fn fill_bits_shift_the_septets_behind_a_udh() {
        let septets = encode_unpacked("abc").expect("gsm");
        for fill in 0..7 {
            assert_eq!(unpack(&pack(&septets, fill), 3, fill), septets);
        }
    }

    #[test]
    fn ascii_text_takes_one_septet_per_character() {
        assert_eq!(septet_len("Hello, world 123"), Some(16));
    }

    #[test]
    fn extension_characters_take_two_septets() {
        assert_eq!(septet_len("{€}"), Some(6));
    }

    #[test]
    fn persian_text_is_not_gsm7() {
        assert_eq!(septet_len("سلام"), None);
    }

    #[test]
    fn unpacked_round_trips_every_representable_character() {
        let all: String = BASIC
            .iter()
            .filter(|&&c| c != '\u{1B}')
            .chain(EXTENSION.iter().map(|(_, c)| c))
            .collect();
        let bytes = encode_unpacked(&all).expect("all are representable");
        assert_eq!(decode_unpacked(&bytes), all);
    }

    #[test]
    fn the_escape_code_point_itself_is_not_a_character() {
        assert_eq!(lookup('\u{1B}'), None);
        assert_eq!(lookup('€'), Some(Septets::Escaped(0x65)));
        assert_eq!(lookup('Ω'), Some(Septets::One(0x15)));
        assert_eq!(lookup('@'), Some(Septets::One(0x00)));
    }

    #[test]
    fn escape_escape_decodes_to_text_that_re_encodes() {
        // Found by the gsm_decode fuzz target.
        let text = decode_unpacked(&[27, 27, 0, 37, 27, 40, 27]);
        assert_eq!(text, " @%{ ");
        assert_eq!(
            encode_unpacked(&text).map(|s| decode_unpacked(&s)),
            Some(text)
        );
    }

    #[test]
    fn escape_before_an_unknown_septet_falls_back_to_the_basic_character() {
        assert_eq!(decode_unpacked(&[ESCAPE, b'A']), "A");
    }
}
