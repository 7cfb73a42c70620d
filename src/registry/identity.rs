//! The identity checks of seed 002 as pure functions: serial, the 48-working-hour
//! window after a birth-certificate change, life, and the minimum age.

use super::model::{Citizen, IdentityCheck};
use crate::domain::IdSerial;
use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, Utc, Weekday};

/// Citizens younger than this many full years cannot apply.
pub const MIN_AGE_YEARS: u32 = 15;

/// After a birth-certificate change the new serial may be unknown this long.
pub const SERIAL_CHANGE_WORKING_HOURS: i64 = 48;

/// Iran Standard Time, UTC+03:30 (no daylight saving since 2022).
pub fn tehran() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600 + 1800).expect("a fixed offset under a day")
}

/// Today's date in Tehran.
pub fn tehran_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tehran()).date_naive()
}

/// Checks a typed serial against the citizen the registry holds.
pub fn check(citizen: Citizen, serial: &IdSerial, now: DateTime<Utc>) -> IdentityCheck {
    if &citizen.id_serial != serial {
        let recent = citizen
            .serial_changed_at
            .is_some_and(|at| working_hours_between(at, now) < SERIAL_CHANGE_WORKING_HOURS);
        return if recent {
            IdentityCheck::SerialRecentlyChanged
        } else {
            IdentityCheck::SerialMismatch
        };
    }
    if !citizen.alive {
        return IdentityCheck::Deceased;
    }
    if !is_old_enough(citizen.birth_date, tehran_today(now)) {
        return IdentityCheck::Underage;
    }
    IdentityCheck::Verified(Box::new(citizen))
}

/// Whether someone born on `birth` has 15 full years on `today`.
pub fn is_old_enough(birth: NaiveDate, today: NaiveDate) -> bool {
    birth
        .checked_add_months(Months::new(MIN_AGE_YEARS * 12))
        .is_some_and(|fifteenth| fifteenth <= today)
}

/// Whole working hours from `from` to `to`: every hour counts except those of
/// Fridays (Tehran time), the weekly holiday. Counting stops past the 48-hour
/// window, since only "less than 48" matters.
pub fn working_hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let mut hours = 0;
    let mut t = from.with_timezone(&tehran());
    let end = to.with_timezone(&tehran());
    while t + Duration::hours(1) <= end && hours <= SERIAL_CHANGE_WORKING_HOURS {
        if t.weekday() != Weekday::Fri {
            hours += 1;
        }
        t += Duration::hours(1);
    }
    hours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NationalId;
    use crate::registry::model::Gender;
    use chrono::TimeZone;

    fn citizen(serial: &str, changed: Option<DateTime<Utc>>) -> Citizen {
        Citizen {
            national_id: NationalId::parse("0084575948").unwrap(),
            id_serial: IdSerial::parse(serial).unwrap(),
            serial_changed_at: changed,
            first_name: "زهرا".into(),
            last_name: "احمدی".into(),
            mother_first_name: "شهرزاد".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 6, 9).unwrap(),
            gender: Gender::Female,
            alive: true,
        }
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        tehran()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_right_serial_of_a_living_adult_is_verified() {
        let r = check(
            citizen("883381", None),
            &IdSerial::parse("883381").unwrap(),
            Utc::now(),
        );
        assert!(matches!(r, IdentityCheck::Verified(_)));
    }

    #[test]
    fn a_wrong_serial_without_a_recent_change_is_a_mismatch() {
        let r = check(
            citizen("883381", None),
            &IdSerial::parse("111111").unwrap(),
            Utc::now(),
        );
        assert_eq!(r, IdentityCheck::SerialMismatch);
    }

    #[test]
    fn a_wrong_serial_soon_after_a_change_says_come_back_later() {
        let changed = at(2026, 11, 16, 9); // Monday
        let serial = IdSerial::parse("111111").unwrap();
        assert_eq!(
            check(
                citizen("883381", Some(changed)),
                &serial,
                at(2026, 11, 17, 9)
            ),
            IdentityCheck::SerialRecentlyChanged
        );
        assert_eq!(
            check(
                citizen("883381", Some(changed)),
                &serial,
                at(2026, 11, 18, 10)
            ),
            IdentityCheck::SerialMismatch
        );
    }

    #[test]
    fn fridays_do_not_count_as_working_hours() {
        // Thursday 09:00 → Saturday 09:00 is 48 hours, 24 of them on Friday.
        assert_eq!(
            working_hours_between(at(2026, 11, 19, 9), at(2026, 11, 21, 9)),
            24
        );
        assert_eq!(
            working_hours_between(at(2026, 11, 16, 9), at(2026, 11, 16, 12)),
            3
        );
    }

    #[test]
    fn the_deceased_are_refused_after_the_serial_matches() {
        let mut c = citizen("883381", None);
        c.alive = false;
        assert_eq!(
            check(c, &IdSerial::parse("883381").unwrap(), Utc::now()),
            IdentityCheck::Deceased
        );
    }

    #[test]
    fn fifteen_full_years_are_needed_to_the_day() {
        let birth = NaiveDate::from_ymd_opt(2011, 11, 21).unwrap();
        assert!(is_old_enough(
            birth,
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
        ));
        assert!(!is_old_enough(
            birth,
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        ));
    }
}
