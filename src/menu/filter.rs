//! Persian-aware template filters: digits, Solar Hijri dates, shifts and money.
//!
//! Each filter is total: a value it cannot read is shown unchanged, because a
//! citizen's screen must never fail over formatting.

use crate::domain::{SolarDate, digits::to_persian_digits};
use chrono::NaiveDate;
use std::str::FromStr;

/// A filter named after `|` in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Filter {
    /// `fa`: ASCII digits to Persian digits.
    PersianDigits,
    /// `date`: `2024-03-20` or `1403/01/01` → `۱۴۰۳/۰۱/۰۱`.
    Date,
    /// `date_long`: → `چهارشنبه ۱ فروردین ۱۴۰۳`.
    DateLong,
    /// `shift`: `morning`/`evening` → `صبح`/`عصر`.
    Shift,
    /// `rial`: `1000` → `۱٬۰۰۰ ریال`.
    Rial,
}

impl FromStr for Filter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "fa" => Filter::PersianDigits,
            "date" => Filter::Date,
            "date_long" => Filter::DateLong,
            "shift" => Filter::Shift,
            "rial" => Filter::Rial,
            other => return Err(format!("unknown filter {other}")),
        })
    }
}

impl Filter {
    /// Applies the filter; unreadable values pass through unchanged.
    pub fn apply(self, value: &str) -> String {
        match self {
            Filter::PersianDigits => to_persian_digits(value),
            Filter::Date => solar(value).map_or_else(|| value.to_owned(), SolarDate::numeric),
            Filter::DateLong => solar(value).map_or_else(|| value.to_owned(), SolarDate::long),
            Filter::Shift => shift(value).to_owned(),
            Filter::Rial => rial(value).unwrap_or_else(|| value.to_owned()),
        }
    }
}

fn solar(value: &str) -> Option<SolarDate> {
    let v = value.trim();
    if let Ok(g) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Some(SolarDate::from_gregorian(g));
    }
    SolarDate::parse(v).ok()
}

fn shift(value: &str) -> &str {
    match value.trim().to_ascii_lowercase().as_str() {
        "morning" | "am" | "1" => "صبح",
        "evening" | "afternoon" | "pm" | "2" => "عصر",
        _ => value,
    }
}

fn rial(value: &str) -> Option<String> {
    let digits = crate::domain::digits::digits_only(value).filter(|d| !d.is_empty())?;
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('٬');
        }
        grouped.push(c);
    }
    Some(format!("{} ریال", to_persian_digits(&grouped)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_in_persian_digits_with_the_currency() {
        assert_eq!(Filter::Rial.apply("1000"), "۱٬۰۰۰ ریال");
        assert_eq!(Filter::Rial.apply("250000000"), "۲۵۰٬۰۰۰٬۰۰۰ ریال");
        assert_eq!(Filter::Rial.apply("12"), "۱۲ ریال");
        assert_eq!(Filter::Rial.apply("n/a"), "n/a");
    }

    #[test]
    fn gregorian_and_solar_dates_both_show_in_solar_hijri() {
        assert_eq!(Filter::Date.apply("2024-03-20"), "۱۴۰۳/۰۱/۰۱");
        assert_eq!(Filter::Date.apply("1403/1/1"), "۱۴۰۳/۰۱/۰۱");
        assert_eq!(
            Filter::DateLong.apply("2024-03-20"),
            "چهارشنبه ۱ فروردین ۱۴۰۳"
        );
        assert_eq!(Filter::Date.apply("tomorrow"), "tomorrow");
    }

    #[test]
    fn shifts_read_in_persian() {
        assert_eq!(Filter::Shift.apply("morning"), "صبح");
        assert_eq!(Filter::Shift.apply("evening"), "عصر");
        assert_eq!(Filter::Shift.apply("night"), "night");
    }
}
