//! `TrackingCode`: the tracking number (شماره پیگیری) a citizen gets after a successful payment.

use super::{ParseError, digits::digits_only};
use std::fmt;

/// A tracking number: 6 to 20 digits (the seed's receipts show nine).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Parses 6 to 20 digits (Persian digits accepted).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits = digits_only(input.trim()).ok_or(ParseError::TrackingCode)?;
        if !(6..=20).contains(&digits.len()) {
            return Err(ParseError::TrackingCode);
        }
        Ok(TrackingCode(digits))
    }

    /// The ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_receipt_number_parses_from_persian_digits() {
        assert_eq!(
            TrackingCode::parse("۴۹۷۳۲۰۱۶۷").unwrap().as_str(),
            "497320167"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_6_to_20_digits_parse_and_print_back(digits in "[0-9]{6,20}") {
            let code = TrackingCode::parse(&crate::domain::digits::to_persian_digits(&digits)).unwrap();
            proptest::prop_assert_eq!(code.to_string(), digits);
        }
    }

    #[test]
    fn too_short_or_lettered_numbers_are_refused() {
        assert!(TrackingCode::parse("12345").is_err());
        assert!(TrackingCode::parse("12345x7").is_err());
    }
}
