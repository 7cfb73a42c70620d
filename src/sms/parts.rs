//! How many SMS parts a text needs: GSM-7 when every character is in the
//! default alphabet, UCS-2 otherwise (TS 23.038; concatenated parts lose 7
//! septets / 3 UCS-2 characters to the UDH).

use crate::smpp::text::gsm7;

/// Parts needed to send `text`.
pub fn count(text: &str) -> usize {
    let (units, single, multi) = match gsm7::septet_len(text) {
        Some(septets) => (septets, 160, 153),
        None => (text.encode_utf16().count(), 70, 67),
    };
    match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(multi),
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn latin_text_fits_160_per_single_part_and_153_when_concatenated() {
        assert_eq!(count(&"a".repeat(160)), 1);
        assert_eq!(count(&"a".repeat(161)), 2);
        assert_eq!(count(&"a".repeat(306)), 2);
        assert_eq!(count(&"a".repeat(307)), 3);
    }

    #[test]
    fn persian_text_fits_70_per_single_part_and_67_when_concatenated() {
        assert_eq!(count(&"س".repeat(70)), 1);
        assert_eq!(count(&"س".repeat(71)), 2);
        assert_eq!(count(&"س".repeat(134)), 2);
        assert_eq!(count(&"س".repeat(135)), 3);
    }
}
