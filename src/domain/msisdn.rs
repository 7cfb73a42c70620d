//! `Msisdn`: an Iranian mobile number in one canonical form.

use super::{ParseError, digits::digits_only};
use std::fmt;

/// An Iranian mobile number, stored as the international form without `+`
/// (`989121234567`). Accepts `09…`, `9…`, `989…`, `+989…` and `00989…`, with
/// Persian or Arabic-Indic digits and spaces or dashes between them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Msisdn(String);

impl Msisdn {
    /// Parses any accepted form.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let digits = digits_only(rest).ok_or(ParseError::Msisdn)?;
        let national = match digits.as_str() {
            d if plus => d.strip_prefix("98"),
            d if d.len() == 14 => d.strip_prefix("0098"),
            d if d.len() == 12 => d.strip_prefix("98"),
            d if d.len() == 11 => d.strip_prefix('0'),
            d => Some(d),
        }
        .ok_or(ParseError::Msisdn)?;
        if national.len() != 10 || !national.starts_with('9') {
            return Err(ParseError::Msisdn);
        }
        let mut canonical = String::with_capacity(12);
        canonical.push_str("98");
        canonical.push_str(national);
        Ok(Msisdn(canonical))
    }

    /// The canonical international form without `+`: `989121234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The local form citizens know: `09121234567`.
    pub fn local(&self) -> String {
        format!("0{}", &self.0[2..])
    }

    /// The four digits after the leading zero (`0912…` → `912x`), the operator prefix.
    pub fn prefix(&self) -> &str {
        &self.0[2..6]
    }

    /// A form safe for logs: `98912***4567`.
    pub fn masked(&self) -> String {
        format!("{}***{}", &self.0[..5], &self.0[8..])
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Msisdn {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for Msisdn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Msisdn::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::digits::to_persian_digits;
    use proptest::prelude::*;

    #[test]
    fn every_accepted_form_gives_the_same_number() {
        for form in [
            "09121234567",
            "9121234567",
            "989121234567",
            "+989121234567",
            "00989121234567",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "+98 912 123 4567",
            "0912-123-4567",
        ] {
            assert_eq!(
                Msisdn::parse(form).unwrap().as_str(),
                "989121234567",
                "{form}"
            );
        }
    }

    #[test]
    fn landlines_short_numbers_and_letters_are_refused() {
        for bad in [
            "02112345678",
            "0912123456",
            "+449121234567",
            "0912abc4567",
            "",
            "+",
        ] {
            assert_eq!(Msisdn::parse(bad), Err(ParseError::Msisdn), "{bad}");
        }
    }

    #[test]
    fn local_form_and_mask_hide_nothing_they_should_not() {
        let m = Msisdn::parse("09121234567").unwrap();
        assert_eq!(m.local(), "09121234567");
        assert_eq!(m.masked(), "98912***4567");
        assert_eq!(m.prefix(), "9121");
    }

    proptest! {
        #[test]
        fn all_forms_of_a_number_canonicalise_alike(rest in "9[0-9]{9}", persian in any::<bool>()) {
            let local = format!("0{rest}");
            let local = if persian { to_persian_digits(&local) } else { local };
            let a = Msisdn::parse(&local).unwrap();
            let b = Msisdn::parse(&format!("+98{rest}")).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(Msisdn::parse(&a.local()).unwrap(), a);
        }
    }
}
