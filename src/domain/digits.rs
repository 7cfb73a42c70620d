//! Digit and letter normalisation for what citizens type.
//!
//! Feature phones send Persian (۰-۹) or Arabic-Indic (٠-٩) digits as often as
//! ASCII ones, and Arabic keyboards give ي/ك where Persian text has ی/ک.

use std::borrow::Cow;

const PERSIAN_ZERO: u32 = 0x06F0;
const ARABIC_INDIC_ZERO: u32 = 0x0660;

/// The ASCII digit for a Persian, Arabic-Indic or ASCII digit character.
pub fn ascii_digit(c: char) -> Option<char> {
    let code = c as u32;
    let value = match code {
        0x30..=0x39 => code - 0x30,
        0x06F0..=0x06F9 => code - PERSIAN_ZERO,
        0x0660..=0x0669 => code - ARABIC_INDIC_ZERO,
        _ => return None,
    };
    char::from_digit(value, 10)
}

/// Replaces Persian and Arabic-Indic digits by ASCII ones; other characters stay.
pub fn normalize_digits(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect())
}

/// Replaces Arabic yeh/kaf (ي ى ك) by the Persian letters (ی ک) so names compare equal.
pub fn normalize_letters(text: &str) -> Cow<'_, str> {
    if !text.contains(['ي', 'ى', 'ك']) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                'ي' | 'ى' => 'ی',
                'ك' => 'ک',
                other => other,
            })
            .collect(),
    )
}

/// Keeps only the digits of `text` (in ASCII), dropping spaces, dashes and the like.
/// Returns `None` if anything other than digits and separators is present.
pub fn digits_only(text: &str) -> Option<String> {
    // What callers send almost always: ASCII digits and nothing else.
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(text.to_owned());
    }
    digits_by_char(text)
}

/// [`digits_only`] one character at a time, for text with anything but ASCII digits.
fn digits_by_char(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match ascii_digit(c) {
            Some(d) => out.push(d),
            None if c.is_whitespace() || matches!(c, '-' | '_' | '.' | '\u{200C}') => {}
            None => return None,
        }
    }
    Some(out)
}

/// Writes ASCII digits as Persian digits, for text shown to citizens.
pub fn to_persian_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(PERSIAN_ZERO + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn persian_and_arabic_digits_become_ascii() {
        assert_eq!(normalize_digits("۰۹۱۲ ٣٤٥"), "0912 345");
    }

    #[test]
    fn arabic_yeh_and_kaf_become_persian() {
        assert_eq!(normalize_letters("علي كريمي"), "علی کریمی");
    }

    #[test]
    fn digits_only_drops_separators_but_refuses_letters() {
        assert_eq!(digits_only("۰۹۱۲-۱۲۳ ۴۵۶۷").as_deref(), Some("09121234567"));
        assert_eq!(digits_only("0912a"), None);
    }

    proptest! {
        #[test]
        fn persian_digits_round_trip_to_ascii(n in any::<u64>()) {
            let ascii = n.to_string();
            let persian = to_persian_digits(&ascii);
            prop_assert!(persian.chars().all(|c| !c.is_ascii()));
            prop_assert_eq!(normalize_digits(&persian), ascii);
        }

        #[test]
        fn digits_only_reads_any_text_as_its_character_by_character_form(
            text in "[0-9۰-۹٠-٩ a_.\\-\u{200C}]{0,14}",
        ) {
            prop_assert_eq!(digits_only(&text), digits_by_char(&text));
        }
    }
}
