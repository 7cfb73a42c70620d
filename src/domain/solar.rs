//! Solar Hijri (and lunar Hijri) dates through ICU4X, written the way Iranians read them.
//!
//! The registry stores Gregorian dates; everything shown to a citizen goes
//! through [`SolarDate`] and comes out with Persian digits (۱۳۹۶/۱۱/۲۸).

use super::{ParseError, digits::to_persian_digits};
use chrono::{Datelike, NaiveDate, Weekday};
use icu_calendar::{Date, cal::Hijri, cal::Persian};

/// Persian month names, Farvardin first.
const MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// The dates ICU4X's constructors take (years −9999…9999). chrono allows
/// more, and a stored date comes from whoever wrote the row, so dates are
/// clamped into this range before conversion instead of trusting them.
fn icu_iso(date: NaiveDate) -> Date<icu_calendar::Iso> {
    let min = NaiveDate::from_ymd_opt(-9999, 1, 1).unwrap_or(NaiveDate::MIN);
    let max = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let d = date.clamp(min, max);
    Date::try_new_iso(d.year(), d.month() as u8, d.day() as u8)
        .expect("clamped into ICU's constructor range")
}

/// A day of the Solar Hijri calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SolarDate {
    gregorian: NaiveDate,
    year: i32,
    month: u8,
    day: u8,
}

impl SolarDate {
    /// The Solar Hijri day on which the Gregorian `date` falls.
    pub fn from_gregorian(date: NaiveDate) -> Self {
        let p = icu_iso(date).to_calendar(Persian);
        SolarDate {
            gregorian: date,
            year: p.era_year().year,
            month: p.month().ordinal,
            day: p.day_of_month().0,
        }
    }

    /// Parses `1369/03/19` (also `1369-3-19`, Persian digits) and checks that the day exists.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let normal = super::digits::normalize_digits(input.trim());
        let parts: Vec<&str> = normal.split(['/', '-', '.']).collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(ParseError::SolarDate);
        };
        let num = |s: &str| s.parse::<i32>().map_err(|_| ParseError::SolarDate);
        let (y, m, d) = (num(y)?, num(m)?, num(d)?);
        if !(1200..=1600).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return Err(ParseError::SolarDate);
        }
        Self::from_ymd(y, m as u8, d as u8).ok_or(ParseError::SolarDate)
    }

    /// The date with these Solar Hijri fields, if it exists (Esfand 30 only in leap years).
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let p = Date::try_new_persian(year, month, day).ok()?;
        let iso = p.to_calendar(icu_calendar::Iso);
        let g = NaiveDate::from_ymd_opt(
            iso.year().extended_year(),
            iso.month().ordinal as u32,
            iso.day_of_month().0 as u32,
        )?;
        Some(SolarDate {
            gregorian: g,
            year,
            month,
            day,
        })
    }

    /// The same day in the Gregorian calendar.
    pub fn to_gregorian(self) -> NaiveDate {
        self.gregorian
    }

    /// (year, month, day) in the Solar Hijri calendar.
    pub fn ymd(self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// `۱۳۹۶/۱۱/۲۸`: the form on receipts.
    pub fn numeric(self) -> String {
        to_persian_digits(&format!(
            "{:04}/{:02}/{:02}",
            self.year, self.month, self.day
        ))
    }

    /// `شنبه ۲۸ بهمن ۱۳۹۶`: weekday, day, month name and year, for appointments.
    pub fn long(self) -> String {
        let month = MONTHS[usize::from(self.month - 1)];
        let day_year = to_persian_digits(&format!("{} {month} {}", self.day, self.year));
        format!("{} {day_year}", weekday_name(self.gregorian.weekday()))
    }

    /// The Persian weekday name.
    pub fn weekday(self) -> &'static str {
        weekday_name(self.gregorian.weekday())
    }
}

/// Persian weekday names; the week starts on Saturday (شنبه).
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Sat => "شنبه",
        Weekday::Sun => "یکشنبه",
        Weekday::Mon => "دوشنبه",
        Weekday::Tue => "سه‌شنبه",
        Weekday::Wed => "چهارشنبه",
        Weekday::Thu => "پنجشنبه",
        Weekday::Fri => "جمعه",
    }
}

/// The lunar Hijri (year, month, day) of a Gregorian date, by the Umm al-Qura rules.
/// Iran's official lunar calendar may differ by a day or two, which is why the
/// registration form accepts ±2 days ([`lunar_matches`]).
pub fn lunar_hijri(date: NaiveDate) -> (i32, u8, u8) {
    let h = icu_iso(date).to_calendar(Hijri::new_umm_al_qura());
    (
        h.year().extended_year(),
        h.month().ordinal,
        h.day_of_month().0,
    )
}

/// Whether a claimed lunar Hijri date lies within two days of the Gregorian `date`.
pub fn lunar_matches(date: NaiveDate, claimed: (i32, u8, u8)) -> bool {
    (-2..=2).any(|offset| {
        date.checked_add_signed(chrono::Duration::days(offset))
            .is_some_and(|d| lunar_hijri(d) == claimed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_seed_appointment_date_is_a_saturday_in_bahman() {
        // 1396/11/28 is 2018-02-17, a Saturday.
        let s = SolarDate::parse("۱۳۹۶/۱۱/۲۸").unwrap();
        assert_eq!(s.to_gregorian(), g(2018, 2, 17));
        assert_eq!(s.numeric(), "۱۳۹۶/۱۱/۲۸");
        assert_eq!(s.long(), "شنبه ۲۸ بهمن ۱۳۹۶");
    }

    #[test]
    fn a_date_beyond_icus_range_converts_without_panicking() {
        let far = NaiveDate::from_ymd_opt(20_000, 1, 1).unwrap();
        assert_eq!(
            SolarDate::from_gregorian(far).ymd().0,
            SolarDate::from_gregorian(g(9999, 12, 31)).ymd().0
        );
        let _ = lunar_hijri(NaiveDate::MIN);
    }

    #[test]
    fn nowruz_is_the_first_of_farvardin() {
        assert_eq!(
            SolarDate::from_gregorian(g(2024, 3, 20)).ymd(),
            (1403, 1, 1)
        );
    }

    #[test]
    fn impossible_days_are_refused() {
        assert!(SolarDate::parse("1402/12/30").is_err()); // 1402 is not leap
        assert!(SolarDate::parse("1403/12/30").is_ok()); // 1403 is
        assert!(SolarDate::parse("1369/13/01").is_err());
        assert!(SolarDate::parse("1369/03").is_err());
    }

    #[test]
    fn the_seed_birth_date_has_its_lunar_date_within_two_days() {
        // 1369/03/19 → 1990-06-09; the receipt shows 15 Dhu al-Qadah (month 11) 1410.
        let birth = SolarDate::parse("1369/03/19").unwrap().to_gregorian();
        assert!(lunar_matches(birth, (1410, 11, 15)));
        assert!(!lunar_matches(birth, (1410, 11, 25)));
    }

    proptest! {
        #[test]
        fn gregorian_to_solar_and_back_is_identity(days in 0i64..80_000) {
            let d = g(1925, 3, 21) + chrono::Duration::days(days);
            let s = SolarDate::from_gregorian(d);
            let (y, m, dd) = s.ymd();
            prop_assert_eq!(SolarDate::from_ymd(y, m, dd).unwrap().to_gregorian(), d);
            prop_assert_eq!(SolarDate::parse(&s.numeric()).unwrap(), s);
        }
    }
}
