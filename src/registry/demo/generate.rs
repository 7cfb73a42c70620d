//! `dargah demo generate`: a million synthetic citizens with one request each,
//! bulk-loaded for benchmarks.

use super::data::{FAMILY, FEMALE, MALE};
use crate::domain::{IdSerial, Msisdn, NationalId};
use crate::registry::model::*;
use crate::registry::{Registry, Result};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::time::{Duration, Instant};
use strum::IntoEnumIterator;

/// Citizens per `bulk_load` call (one transaction each), to bound memory.
const BATCH: u64 = 50_000;

/// Generates `count` citizens whose national IDs start at 9-digit body
/// 500,000,000 (clear of the demo set), each with a request on mobile
/// `0913…`, in random lifecycle and payment states, then refreshes the
/// planner's statistics, as an operator does after any bulk import.
/// Returns the time taken.
pub async fn generate(registry: &dyn Registry, count: u64, seed: u64) -> Result<Duration> {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let states: Vec<RequestState> = RequestState::iter().collect();
    let payments: Vec<PaymentState> = PaymentState::iter().collect();
    let mut next_body = 500_000_000u64;
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let mut citizens = Vec::with_capacity(n as usize);
        let mut requests = Vec::with_capacity(n as usize);
        while (citizens.len() as u64) < n {
            let Some(id) = NationalId::from_body(&next_body.to_string()) else {
                next_body += 1;
                continue;
            };
            let mobile = Msisdn::parse(&format!("0913{:07}", next_body % 10_000_000))
                .expect("11 digits starting 09");
            citizens.push(synthetic_citizen(&mut rng, id.clone()));
            requests.push(NewRequest {
                national_id: id,
                mobile,
                state: states[rng.random_range(0..states.len())],
                payment: payments[rng.random_range(0..payments.len())],
                tracking_code: None,
                needs: SpecialNeeds::default(),
                appointment: None,
                delivery_office_id: None,
            });
            next_body += 1;
        }
        registry.bulk_load(&citizens, &requests).await?;
        done += n;
        tracing::info!(done, count, "generated");
    }
    registry.refresh_statistics().await?;
    Ok(start.elapsed())
}

fn synthetic_citizen(rng: &mut StdRng, national_id: NationalId) -> Citizen {
    let female = rng.random_bool(0.5);
    let names: &[&str] = if female { &FEMALE } else { &MALE };
    Citizen {
        national_id,
        id_serial: IdSerial::parse(&format!("{:06}", rng.random_range(100_000..1_000_000)))
            .expect("six digits"),
        serial_changed_at: None,
        first_name: names[rng.random_range(0..names.len())].to_owned(),
        last_name: FAMILY[rng.random_range(0..FAMILY.len())].to_owned(),
        mother_first_name: FEMALE[rng.random_range(0..FEMALE.len())].to_owned(),
        birth_date: NaiveDate::from_ymd_opt(
            rng.random_range(1940..2010),
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        )
        .expect("day 1-28 exists in every month"),
        gender: if female { Gender::Female } else { Gender::Male },
        alive: true,
    }
}
