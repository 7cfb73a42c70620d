//! `NationalId`: the Iranian national code (کد ملی), ten digits with a mod-11 check digit.

use super::{ParseError, digits::digits_only};
use std::fmt;

/// A national ID whose check digit is right. Parsing accepts Persian digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct NationalId(String);

impl NationalId {
    /// Parses ten digits and verifies the check digit.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits = digits_only(input.trim()).ok_or(ParseError::NationalIdLength)?;
        // `digits_only` returns ASCII digits only, so bytes are characters.
        let Ok(bytes) = <[u8; 10]>::try_from(digits.as_bytes()) else {
            return Err(ParseError::NationalIdLength);
        };
        let d = bytes.map(|b| u32::from(b - b'0'));
        if d.iter().all(|&x| x == d[0]) {
            return Err(ParseError::NationalIdRepeated);
        }
        if check_digit(&d[..9]) != d[9] {
            return Err(ParseError::NationalIdChecksum);
        }
        Ok(NationalId(digits))
    }

    /// Builds a valid ID from its first nine digits by appending the check digit
    /// (demo data and tests). Returns `None` for a non-digit or repeated body.
    pub fn from_body(body: &str) -> Option<Self> {
        let d: Vec<u32> = body
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()?;
        if d.len() != 9 {
            return None;
        }
        let id = format!("{body}{}", check_digit(&d));
        NationalId::parse(&id).ok()
    }

    /// The ten ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A form safe for logs: the first three and last two digits only.
    pub fn masked(&self) -> String {
        format!("{}*****{}", &self.0[..3], &self.0[8..])
    }
}

/// The check digit of nine digits: Σ dᵢ·(10−i) mod 11, taken as is below 2, else 11 − r.
fn check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let r = sum % 11;
    if r < 2 { r } else { 11 - r }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for NationalId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for NationalId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        NationalId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::digits::to_persian_digits;
    use proptest::prelude::*;

    #[test]
    fn a_known_valid_id_parses_in_persian_digits_too() {
        assert!(NationalId::parse("0084575948").is_ok());
        assert_eq!(
            NationalId::parse(&to_persian_digits("0084575948"))
                .unwrap()
                .as_str(),
            "0084575948"
        );
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(
            NationalId::parse("0084575949"),
            Err(ParseError::NationalIdChecksum)
        );
    }

    #[test]
    fn repeated_digits_and_wrong_lengths_are_refused() {
        assert_eq!(
            NationalId::parse("1111111111"),
            Err(ParseError::NationalIdRepeated)
        );
        assert_eq!(
            NationalId::parse("123456789"),
            Err(ParseError::NationalIdLength)
        );
        assert_eq!(
            NationalId::parse("12345678901"),
            Err(ParseError::NationalIdLength)
        );
    }

    #[test]
    fn masking_keeps_five_digits() {
        assert_eq!(
            NationalId::parse("0084575948").unwrap().masked(),
            "008*****48"
        );
    }

    proptest! {
        #[test]
        fn every_body_gets_exactly_one_valid_check_digit(body in "[0-9]{9}") {
            let valid: Vec<_> = (0..10).filter(|c| NationalId::parse(&format!("{body}{c}")).is_ok()).collect();
            let repeated = body.chars().all(|c| c == body.chars().next().unwrap());
            prop_assert!(valid.len() <= 1);
            if !repeated { prop_assert_eq!(valid.len(), 1); }
        }

        #[test]
        fn from_body_always_builds_a_parseable_id(body in "[0-9]{9}") {
            if let Some(id) = NationalId::from_body(&body) {
                prop_assert_eq!(NationalId::parse(id.as_str()), Ok(id));
            }
        }
    }
}
