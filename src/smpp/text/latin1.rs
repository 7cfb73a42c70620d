//! ISO-8859-1 (SMPP data_coding 3): one octet per character up to U+00FF.

/// Encodes `text`, or `None` when a character is above U+00FF.
pub fn encode(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// Decodes Latin-1; every octet is a character.
pub fn decode(octets: &[u8]) -> String {
    octets.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_round_trips_accented_text() {
        let text = "Crème brûlée ÿ";
        assert_eq!(decode(&encode(text).expect("latin-1")), text);
    }

    #[test]
    fn characters_above_ff_are_not_latin1() {
        assert_eq!(encode("€"), None);
    }
}
