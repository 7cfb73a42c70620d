//! Who the demo citizens are: names, IDs, serials and birth dates made
//! deterministically from their place in the scenario list.

use super::data::{FAMILY, FEMALE, MALE};
use crate::domain::{IdSerial, NationalId, TrackingCode};
use crate::registry::model::*;
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};

/// The civil-registry record of demo citizen `i`.
pub(super) fn citizen(i: usize, label: &str, today: NaiveDate) -> Citizen {
    let female = i.is_multiple_of(2);
    let first = if female {
        FEMALE[i % FEMALE.len()]
    } else {
        MALE[i % MALE.len()]
    };
    let born = match label {
        "under 15" => today - Duration::days(365 * 10),
        _ => NaiveDate::from_ymd_opt(
            1960 + (i as i32 * 7) % 40,
            1 + (i as u32 * 5) % 12,
            1 + (i as u32 * 11) % 28,
        )
        .expect("a valid demo date"),
    };
    Citizen {
        national_id: national_id(i),
        id_serial: IdSerial::parse(&format!("{:06}", 100_000 + (i * 45_673) % 900_000))
            .expect("six digits"),
        serial_changed_at: (label == "birth certificate just replaced")
            .then(|| Utc::now() - Duration::hours(2)),
        first_name: first.to_owned(),
        last_name: FAMILY[(i * 3) % FAMILY.len()].to_owned(),
        mother_first_name: FEMALE[(i + 5) % FEMALE.len()].to_owned(),
        birth_date: born,
        gender: if female { Gender::Female } else { Gender::Male },
        alive: label != "deceased",
    }
}

/// A valid national ID for demo citizen `i`; bodies never repeat one digit.
pub fn national_id(i: usize) -> NationalId {
    let body = format!("{:09}", 12_345_601 + i * 7_919);
    NationalId::from_body(&body).expect("demo bodies are not one repeated digit")
}

pub(super) fn tracking(id: &NationalId) -> TrackingCode {
    let n: u64 = id.as_str()[1..].parse().unwrap_or(0);
    TrackingCode::parse(&format!("{:09}", (n * 7 + 497_320_167) % 1_000_000_000))
        .expect("nine digits")
}

/// `today + days`, moved to Saturday when it falls on a Friday (offices close).
pub(super) fn workday(today: NaiveDate, days: i64) -> NaiveDate {
    let d = today + Duration::days(days);
    if d.weekday() == Weekday::Fri {
        d + Duration::days(1)
    } else {
        d
    }
}
