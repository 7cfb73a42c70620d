//! `AreaCode`: a city's telephone area code (پیش‌شماره), e.g. `021` Tehran, `041` Tabriz.

use super::{ParseError, digits::digits_only};
use std::fmt;

/// Three or four digits starting with `0`; typed without the zero it is added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct AreaCode(String);

impl AreaCode {
    /// Parses `021`, `21`, `۰۴۱`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits = digits_only(input.trim()).ok_or(ParseError::AreaCode)?;
        let digits = if digits.starts_with('0') {
            digits
        } else {
            format!("0{digits}")
        };
        if !(3..=4).contains(&digits.len()) || digits[1..].starts_with('0') {
            return Err(ParseError::AreaCode);
        }
        Ok(AreaCode(digits))
    }

    /// The digits with the leading zero.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_codes_get_their_leading_zero() {
        assert_eq!(AreaCode::parse("21").unwrap().as_str(), "021");
        assert_eq!(AreaCode::parse("۰۴۱").unwrap().as_str(), "041");
    }

    proptest::proptest! {
        #[test]
        fn every_code_parses_with_or_without_its_zero(code in "[1-9][0-9]{1,2}") {
            let with_zero = AreaCode::parse(&format!("0{code}")).unwrap();
            let persian = crate::domain::digits::to_persian_digits(&code);
            proptest::prop_assert_eq!(AreaCode::parse(&persian).unwrap(), with_zero);
        }
    }

    #[test]
    fn double_zero_and_long_codes_are_refused() {
        for bad in ["0021", "12345", "0", "x21"] {
            assert!(AreaCode::parse(bad).is_err(), "{bad}");
        }
    }
}
