//! `ServiceCode`: a USSD string such as `*4*6090#`.
//!
//! A dialled string can be longer than the service it reaches: `*4*6090*1#`
//! is service `*4*6090#` with the deep-link segment `1`.

use super::{ParseError, digits::normalize_digits};
use std::fmt;

/// A USSD string: star-separated digit segments, with the closing `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceCode {
    segments: Vec<String>,
}

impl ServiceCode {
    /// Parses `*4*6090#` (Persian digits and a missing trailing `#` accepted,
    /// since aggregators send both).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let normal = normalize_digits(input.trim());
        let segments = segments(&normal).ok_or(ParseError::ServiceCode)?;
        Ok(ServiceCode {
            segments: segments.map(str::to_owned).collect(),
        })
    }

    /// The digit segments: `*4*6090#` → `["4", "6090"]`.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// If `self` was dialled to reach `service`, the extra segments after it
    /// (`*4*6090*1*22#` under `*4*6090#` → `["1", "22"]`); `None` otherwise.
    pub fn deep_link_under(&self, service: &ServiceCode) -> Option<&[String]> {
        self.segments.strip_prefix(service.segments.as_slice())
    }
}

/// The digit segments of `*d*d…` with an optional closing `#`, if that is
/// all `input` is. Split by hand: every hop parses the dialled code, and
/// nom's combinators with their list cost ~1k instructions a time (the
/// grammar as nom reads it stays in the tests, as the reference).
fn segments(input: &str) -> Option<impl Iterator<Item = &str>> {
    let body = input.strip_prefix('*')?;
    let body = body.strip_suffix('#').unwrap_or(body);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    body.split('*').all(digits).then(|| body.split('*'))
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            write!(f, "*{s}")?;
        }
        f.write_str("#")
    }
}

impl std::str::FromStr for ServiceCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for ServiceCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ServiceCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ServiceCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_national_card_code_parses_and_prints_back() {
        let c = ServiceCode::parse("*4*6090#").unwrap();
        assert_eq!(c.segments(), ["4", "6090"]);
        assert_eq!(c.to_string(), "*4*6090#");
    }

    #[test]
    fn persian_digits_and_missing_hash_are_accepted() {
        assert_eq!(
            ServiceCode::parse("*۴*۶۰۹۰").unwrap().to_string(),
            "*4*6090#"
        );
    }

    #[test]
    fn deep_link_segments_follow_the_service() {
        let service = ServiceCode::parse("*4*6090#").unwrap();
        let dialled = ServiceCode::parse("*4*6090*1*0084575948#").unwrap();
        assert_eq!(
            dialled.deep_link_under(&service).unwrap(),
            ["1", "0084575948"]
        );
        assert!(
            ServiceCode::parse("*4*7000#")
                .unwrap()
                .deep_link_under(&service)
                .is_none()
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "#",
            "*#",
            "4*6090#",
            "*4**6090#",
            "*4*60a90#",
            "*4*6090##",
        ] {
            assert!(ServiceCode::parse(bad).is_err(), "{bad}");
        }
    }

    /// The grammar as nom reads it: what `segments` must agree with.
    fn reference(input: &str) -> Option<Vec<&str>> {
        use nom::{
            IResult, Parser,
            bytes::complete::{tag, take_while1},
            combinator::{all_consuming, opt},
            multi::separated_list1,
        };
        fn code(input: &str) -> IResult<&str, Vec<&str>> {
            let segment = take_while1(|c: char| c.is_ascii_digit());
            all_consuming((tag("*"), separated_list1(tag("*"), segment), opt(tag("#"))))
                .map(|(_, segments, _)| segments)
                .parse(input)
        }
        code(input).ok().map(|(_, segments)| segments)
    }

    proptest! {
        #[test]
        fn segments_agree_with_the_nom_grammar(text in "[*#0-9a٤]{0,12}") {
            prop_assert_eq!(segments(&text).map(Iterator::collect::<Vec<_>>), reference(&text));
        }

        #[test]
        fn printing_then_parsing_gives_the_same_code(segs in proptest::collection::vec("[0-9]{1,5}", 1..6)) {
            let text = format!("*{}#", segs.join("*"));
            let code = ServiceCode::parse(&text).unwrap();
            prop_assert_eq!(code.to_string(), text);
        }
    }
}
