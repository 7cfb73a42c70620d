//! `IdSerial`: the six-digit numeric part of a birth-certificate (شناسنامه) serial.

use super::{ParseError, digits::digits_only};
use std::fmt;

/// The numeric part of the birth-certificate serial; citizens type only these six digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct IdSerial(String);

impl IdSerial {
    /// Parses exactly six digits (Persian digits accepted).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits = digits_only(input.trim()).ok_or(ParseError::IdSerial)?;
        if digits.len() != 6 {
            return Err(ParseError::IdSerial);
        }
        Ok(IdSerial(digits))
    }

    /// The six ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn five_or_seven_digits_are_refused() {
        assert_eq!(IdSerial::parse("12345"), Err(ParseError::IdSerial));
        assert_eq!(IdSerial::parse("1234567"), Err(ParseError::IdSerial));
        assert_eq!(IdSerial::parse("12345a"), Err(ParseError::IdSerial));
    }

    proptest! {
        #[test]
        fn any_six_digits_parse_in_either_script(s in "[0-9]{6}") {
            let persian = crate::domain::digits::to_persian_digits(&s);
            let parsed = IdSerial::parse(&persian).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }
    }
}
