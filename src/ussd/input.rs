//! Normalising what a handset sends before any comparison: Persian and
//! Arabic-Indic digits, stray spaces, and the `#` some phones append.

use crate::domain::digits::{normalize_digits, normalize_letters};

/// The canonical form of a citizen's reply.
pub fn normalize(raw: &str) -> String {
    let trimmed = raw.trim().trim_end_matches('#').trim();
    let digits = normalize_digits(trimmed);
    let letters = normalize_letters(&digits);
    if letters
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace())
    {
        letters.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        letters.into_owned()
    }
}

/// A form of `input` safe for logs: short menu choices stay, longer values
/// keep only their last two characters.
pub fn mask(input: &str) -> String {
    let n = input.chars().count();
    if n <= 2 {
        return input.to_owned();
    }
    // Once per hop, for the journey log: one allocation of the exact size.
    let tail = input
        .char_indices()
        .nth(n - 2)
        .map_or(input.len(), |(i, _)| i);
    let mut masked = String::with_capacity(n - 2 + input.len() - tail);
    masked.extend(std::iter::repeat_n('*', n - 2));
    masked.push_str(&input[tail..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_digits_spaces_and_hash_are_normalised() {
        assert_eq!(normalize(" ۰۰۱۲ ۳۴۵ ٦٧٩# "), "0012345679");
        assert_eq!(normalize("1#"), "1");
        assert_eq!(normalize("بله"), "بله");
        assert_eq!(normalize("علي"), "علی");
    }

    #[test]
    fn masking_keeps_choices_and_hides_identifiers() {
        assert_eq!(mask("98"), "98");
        assert_eq!(mask("0012345679"), "********79");
        assert_eq!(mask("۰۰۱۲۳"), "***۲۳");
        assert_eq!(mask("abc"), "*bc");
        assert_eq!(mask(""), "");
    }
}
