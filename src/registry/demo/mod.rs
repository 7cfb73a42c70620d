//! Demo data: `dargah demo seed` (a small, realistic set for trying the menus)
//! and `dargah demo generate` (a large synthetic set for benchmarks).

mod data;
mod generate;
mod people;
mod scenarios;

pub use generate::generate;
pub use people::national_id;
pub use scenarios::{DEMO_MSISDN, Scenario, scenarios};

use super::model::*;
use super::{Registry, Result};
use crate::domain::AreaCode;
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use std::fmt;

/// How many days of capacity the demo offices get, from today.
pub const DEMO_DAYS: i64 = 14;

/// What `demo seed` wrote.
#[derive(Debug, Default)]
pub struct Summary {
    /// Enrollment offices added.
    pub offices: usize,
    /// Delivery offices added.
    pub delivery_offices: usize,
    /// Capacity rows written.
    pub slots: usize,
    /// Citizens written.
    pub citizens: usize,
    /// Requests added.
    pub requests: usize,
    /// True when the set was already there and nothing was written.
    pub already_present: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_present {
            return write!(f, "demo data already present; nothing written");
        }
        write!(
            f,
            "demo data loaded: {} enrollment offices, {} delivery offices, {} capacity slots, {} citizens, {} requests; \
             demo mobile {}",
            self.offices,
            self.delivery_offices,
            self.slots,
            self.citizens,
            self.requests,
            DEMO_MSISDN
        )
    }
}

/// Loads the demo set relative to today (Tehran). Running it twice changes nothing.
pub async fn seed(registry: &dyn Registry) -> Result<Summary> {
    let today = super::identity::tehran_today(Utc::now());
    let first = &scenarios(today)[0];
    if registry
        .citizen(&first.citizen.national_id)
        .await?
        .is_some()
    {
        return Ok(Summary {
            already_present: true,
            ..Summary::default()
        });
    }
    let mut summary = Summary::default();
    let offices = add_offices(registry, today, &mut summary).await?;
    let delivery = add_delivery_offices(registry, &mut summary).await?;
    for s in scenarios(today) {
        registry.put_citizen(&s.citizen).await?;
        summary.citizens += 1;
        if let Some(req) = s.request(&offices, &delivery) {
            registry.add_request(&req).await?;
            summary.requests += 1;
        }
    }
    Ok(summary)
}

/// Adds the offices of every city with capacity from three days ago (for
/// missed appointments) to two weeks ahead; offices close on Fridays.
async fn add_offices(
    registry: &dyn Registry,
    today: NaiveDate,
    summary: &mut Summary,
) -> Result<Vec<EnrollmentOffice>> {
    let mut offices = Vec::new();
    for (city_no, (city, area, streets, phone_prefix)) in data::CITIES.iter().enumerate() {
        for (i, street) in streets.iter().enumerate() {
            let mut office = demo_office(city_no, city, area, street, phone_prefix, i);
            office.id = registry.add_enrollment_office(&office).await?;
            for day in (-3..DEMO_DAYS)
                .map(|d| today + Duration::days(d))
                .filter(|d| d.weekday() != Weekday::Fri)
            {
                for (shift, approved) in [
                    (Shift::Morning, 20 + 5 * (i as i64 % 6)),
                    (Shift::Evening, 10 + 5 * (i as i64 % 4)),
                ] {
                    registry
                        .set_capacity(
                            &Slot {
                                office_id: office.id,
                                day,
                                shift,
                            },
                            approved,
                        )
                        .await?;
                    summary.slots += 1;
                }
            }
            offices.push(office);
        }
    }
    summary.offices = offices.len();
    Ok(offices)
}

fn demo_office(
    city_no: usize,
    city: &str,
    area: &str,
    street: &str,
    prefix: &str,
    i: usize,
) -> EnrollmentOffice {
    let number = crate::domain::digits::to_persian_digits(&(city_no * 10 + i + 1).to_string());
    EnrollmentOffice {
        id: 0,
        code: format!("E{area}{city_no}{i:02}"),
        name: if i == 0 {
            format!("اداره ثبت احوال {city}")
        } else {
            format!("دفتر پیشخوان {number} {city}")
        },
        city: city.to_owned(),
        area_code: AreaCode::parse(area).expect("demo area codes are valid"),
        phone: format!(
            "{}{:04}",
            prefix.parse::<u32>().unwrap_or(3000) + 37 * i as u32,
            2226 + i
        ),
        address: format!(
            "{city} - {street} - پلاک {}",
            crate::domain::digits::to_persian_digits(&(12 + 7 * i).to_string())
        ),
        facilities: Facilities {
            home_enrollment: i == 0,
            step_free_access: i.is_multiple_of(2),
            iris_exception: i == 0 || i == 3,
            fingerprint_exception: i == 0 || i == 3,
        },
    }
}

async fn add_delivery_offices(
    registry: &dyn Registry,
    summary: &mut Summary,
) -> Result<Vec<DeliveryOffice>> {
    let mut out = Vec::new();
    for (city_no, (city, area, streets, prefix)) in data::CITIES.iter().enumerate() {
        for (i, street) in streets.iter().take(2).enumerate() {
            let mut office = DeliveryOffice {
                id: 0,
                code: format!("D{area}{city_no}{i}"),
                name: format!("دفتر پست {city} {}", if i == 0 { "مرکزی" } else { street }),
                city: (*city).to_owned(),
                area_code: AreaCode::parse(area).expect("demo area codes are valid"),
                phone: format!("{prefix}{:04}", 5100 + i),
                address: format!("{city} - {street} - اداره پست"),
            };
            office.id = registry.add_delivery_office(&office).await?;
            out.push(office);
        }
    }
    summary.delivery_offices = out.len();
    Ok(out)
}
