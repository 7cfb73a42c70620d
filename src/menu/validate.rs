//! Input validators: what an input screen accepts and the normalised value it stores.
//!
//! Each validator parses into a domain newtype where one exists, so a stored
//! national ID is valid by construction and actions need not re-check it.

use crate::domain::{IdSerial, Msisdn, NationalId, SolarDate, digits::digits_only};
use serde::Deserialize;

/// A validator as written in a menu: `validator = "national_id"` or
/// `validator = { digits = { min = 4, max = 6 } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Validator {
    /// A 10-digit national ID with a correct check digit.
    NationalId,
    /// The 6-digit birth-certificate serial.
    IdSerial,
    /// An Iranian mobile number (stored as `09…`).
    Mobile,
    /// Between `min` and `max` digits.
    Digits {
        /// Fewest digits.
        min: usize,
        /// Most digits.
        max: usize,
    },
    /// A Solar Hijri date `yyyy/mm/dd` (stored as `1403/01/01`).
    SolarDate,
    /// Yes or no: `1`/`2`, `بله`/`خیر`, `yes`/`no` (stored as `yes`/`no`).
    YesNo,
    /// One of `values` (or its 1-based number).
    Choice {
        /// The accepted values.
        values: Vec<String>,
    },
    /// A regular expression over the whole (normalised) input.
    Regex {
        /// The pattern, anchored by the engine.
        pattern: String,
        /// The longest value it accepts, for the page-fit check.
        sample: String,
    },
}

impl Validator {
    /// The normalised value of `input`, or `None` when it is not acceptable
    /// (always `None` for `regex`: use a compiled [`Rule`]).
    pub fn accept(&self, input: &str) -> Option<String> {
        match self {
            Validator::NationalId => NationalId::parse(input).ok().map(|v| v.as_str().to_owned()),
            Validator::IdSerial => IdSerial::parse(input).ok().map(|v| v.as_str().to_owned()),
            Validator::Mobile => Msisdn::parse(input).ok().map(|m| m.local()),
            Validator::Digits { min, max } => {
                digits_only(input).filter(|d| (*min..=*max).contains(&d.len()))
            }
            Validator::SolarDate => SolarDate::parse(input).ok().map(|d| {
                let (y, m, d) = d.ymd();
                format!("{y:04}/{m:02}/{d:02}")
            }),
            Validator::YesNo => yes_no(input).map(str::to_owned),
            Validator::Choice { values } => choice(values, input),
            // Compiled once by `Rule`; a bare validator cannot judge a pattern.
            Validator::Regex { .. } => None,
        }
    }

    /// The longest value it stores, for rendering samples.
    pub fn sample(&self) -> String {
        match self {
            Validator::NationalId => "0012345679".into(),
            Validator::IdSerial => "123456".into(),
            Validator::Mobile => "09121234567".into(),
            Validator::Digits { max, .. } => "9".repeat(*max),
            Validator::SolarDate => "1403/12/29".into(),
            Validator::YesNo => "yes".into(),
            Validator::Choice { values } => longest(values),
            Validator::Regex { sample, .. } => sample.clone(),
        }
    }

    /// A problem with the validator itself (bad regex, empty range), found at load time.
    pub fn problem(&self) -> Option<String> {
        match self {
            Validator::Digits { min, max } if min > max || *max == 0 => {
                Some(format!("digits range {min}..{max} is empty"))
            }
            Validator::Choice { values } if values.is_empty() => {
                Some("choice without values".into())
            }
            Validator::Regex { pattern, .. } => {
                regex::Regex::new(pattern).err().map(|e| e.to_string())
            }
            _ => None,
        }
    }
}

/// A validator ready for use, its regular expression (if any) compiled once.
#[derive(Debug, Clone)]
pub struct Rule {
    validator: Validator,
    regex: Option<regex::Regex>,
}

impl Rule {
    /// Compiles `validator`, or says what is wrong with it.
    pub fn compile(validator: Validator) -> Result<Rule, String> {
        if let Some(problem) = validator.problem() {
            return Err(problem);
        }
        let regex = match &validator {
            Validator::Regex { pattern, .. } => {
                Some(regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| e.to_string())?)
            }
            _ => None,
        };
        Ok(Rule { validator, regex })
    }

    /// The normalised value of `input`, or `None` when it is not acceptable.
    pub fn accept(&self, input: &str) -> Option<String> {
        match &self.regex {
            Some(re) => re.is_match(input).then(|| input.to_owned()),
            None => self.validator.accept(input),
        }
    }

    /// A rule that skips compiling: for a service already refused by the checker.
    pub(crate) fn inert(validator: Validator) -> Rule {
        Rule {
            validator,
            regex: None,
        }
    }

    /// The validator it was compiled from.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }
}

fn yes_no(input: &str) -> Option<&'static str> {
    match input.trim().to_lowercase().as_str() {
        "1" | "y" | "yes" | "بله" | "بلی" | "آری" => Some("yes"),
        "2" | "n" | "no" | "خیر" | "نه" => Some("no"),
        _ => None,
    }
}

fn choice(values: &[String], input: &str) -> Option<String> {
    let wanted = input.trim().to_lowercase();
    if let Some(v) = values.iter().find(|v| v.to_lowercase() == wanted) {
        return Some(v.clone());
    }
    let n: usize = wanted.parse().ok()?;
    values.get(n.checked_sub(1)?).cloned()
}

fn longest(values: &[String]) -> String {
    values
        .iter()
        .max_by_key(|v| v.chars().count())
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_need_their_check_digit() {
        assert_eq!(
            Validator::NationalId.accept("0012345679").as_deref(),
            Some("0012345679")
        );
        assert_eq!(Validator::NationalId.accept("0012345678"), None);
    }

    #[test]
    fn mobiles_are_stored_in_local_form() {
        assert_eq!(
            Validator::Mobile.accept("989121234567").as_deref(),
            Some("09121234567")
        );
    }

    #[test]
    fn digit_ranges_and_dates_are_checked() {
        let v = Validator::Digits { min: 4, max: 6 };
        assert_eq!(v.accept("1234").as_deref(), Some("1234"));
        assert_eq!(v.accept("123"), None);
        assert_eq!(v.accept("12a4"), None);
        assert_eq!(
            Validator::SolarDate.accept("1403/1/1").as_deref(),
            Some("1403/01/01")
        );
        assert_eq!(Validator::SolarDate.accept("1403/13/1"), None);
    }

    #[test]
    fn yes_no_and_choices_accept_words_and_numbers() {
        assert_eq!(Validator::YesNo.accept("بله").as_deref(), Some("yes"));
        assert_eq!(Validator::YesNo.accept("2").as_deref(), Some("no"));
        let c = Validator::Choice {
            values: vec!["tehran".into(), "karaj".into()],
        };
        assert_eq!(c.accept("KARAJ").as_deref(), Some("karaj"));
        assert_eq!(c.accept("1").as_deref(), Some("tehran"));
        assert_eq!(c.accept("3"), None);
        assert_eq!(c.accept("0"), None);
    }

    #[test]
    fn regexes_match_the_whole_input() {
        let v = Rule::compile(Validator::Regex {
            pattern: "[0-9]{3}|abc".into(),
            sample: "123".into(),
        })
        .unwrap();
        assert_eq!(v.accept("123").as_deref(), Some("123"));
        assert_eq!(v.accept("abc").as_deref(), Some("abc"));
        assert_eq!(v.accept("1abc"), None);
        assert_eq!(v.accept("1234"), None);
        let bad = Validator::Regex {
            pattern: "(".into(),
            sample: String::new(),
        };
        assert!(bad.problem().is_some());
        assert!(Rule::compile(bad).is_err());
    }
}
