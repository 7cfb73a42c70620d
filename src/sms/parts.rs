//! How many SMS parts a text needs, as the codec will split it: the cheapest
//! alphabet (GSM-7, else UCS-2), 8-bit-reference UDH concatenation, cuts
//! never inside an escape sequence or a surrogate pair.

use crate::smpp::text::encoding::cheapest;
use crate::smpp::text::split::{SplitMethod, split};

/// Parts needed to send `text` (`usize::MAX` if it cannot be split at all).
pub fn count(text: &str) -> usize {
    split(text, cheapest(text, false), SplitMethod::Udh8, 0).map_or(usize::MAX, |parts| parts.len())
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

    #[test]
    fn an_escaped_character_is_never_cut_in_two() {
        // 153 braces are 306 septets, two parts by arithmetic; but a part
        // holds 76 whole braces (152 septets), so it takes three.
        assert_eq!(count(&"{".repeat(80)), 1);
        assert_eq!(count(&"{".repeat(153)), 3);
    }
}
