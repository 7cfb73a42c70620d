//! Which keyword service an MO text asks for, as a pure function: the
//! status keyword (`وضعیت`, `vaziat`, `status`, any case, Arabic ی/ک
//! accepted) or a national ID (Persian or Arabic digits, separators allowed).

use crate::domain::NationalId;
use crate::domain::digits::{digits_only, normalize_letters};

/// The status keywords, compared after normalisation and lower-casing.
const STATUS: &[&str] = &["وضعیت", "vaziat", "status"];

/// What an MO text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyword {
    /// The sender's own latest request.
    Status,
    /// The request of this national ID.
    NationalId(NationalId),
}

/// The keyword of `text`, if any claims it.
pub fn parse(text: &str) -> Option<Keyword> {
    let trimmed = text.trim().trim_matches('\u{200C}');
    let word = normalize_letters(trimmed).to_lowercase();
    if STATUS.contains(&word.as_str()) {
        return Some(Keyword::Status);
    }
    let digits = digits_only(trimmed)?;
    NationalId::parse(&digits).ok().map(Keyword::NationalId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_keyword_is_recognised_in_persian_arabic_letters_and_latin() {
        for t in ["وضعیت", " وضعيت ", "Vaziat", "STATUS", "status\n"] {
            assert_eq!(parse(t), Some(Keyword::Status), "{t:?}");
        }
    }

    #[test]
    fn a_valid_national_id_in_persian_digits_with_separators_is_recognised() {
        let id = NationalId::parse("0084575948").unwrap();
        assert_eq!(parse("۰۰۸-۴۵۷۵۹۴۸"), Some(Keyword::NationalId(id.clone())));
        assert_eq!(parse("٠٠٨٤٥٧٥٩٤٨"), Some(Keyword::NationalId(id)));
    }

    #[test]
    fn other_text_and_invalid_ids_are_not_claimed() {
        for t in ["سلام", "0084575949", "status please", "", "12"] {
            assert_eq!(parse(t), None, "{t:?}");
        }
    }
}
