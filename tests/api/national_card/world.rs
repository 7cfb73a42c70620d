//! The registry a national-card journey starts from: offices in Tabriz (041)
//! with free places for the next days, delivery offices in Tabriz and Tehran,
//! and the citizens and requests each journey declares with `request N …`.

use crate::fixtures::{citizen, mobile, nid};
use chrono::{Duration, NaiveDate, Utc};
use dargah::domain::{AreaCode, TrackingCode};
use dargah::registry::Registry;
use dargah::registry::identity::tehran_today;
use dargah::registry::model::*;
use std::collections::HashMap;

/// Days ahead with capacity.
pub const DAYS: i64 = 5;

/// Office keys by code (`T1`, `T2`, `D1`, `D2`) and request keys by citizen number.
#[derive(Default)]
pub struct World {
    pub offices: HashMap<String, i64>,
    pub requests: HashMap<u64, i64>,
}

/// Day `offset` from today in Tehran.
pub fn day(offset: i64) -> NaiveDate {
    tehran_today(Utc::now()) + Duration::days(offset)
}

/// The shared offices.
pub async fn build(r: &dyn Registry) -> World {
    let mut w = World::default();
    let plain = Facilities::default();
    let step_free = Facilities {
        step_free_access: true,
        ..plain
    };
    for (code, name, facilities, approved) in [
        ("T1", "دفتر پیشخوان ولیعصر", plain, 10),
        ("T2", "دفتر پیشخوان آبرسان", step_free, 20),
    ] {
        let id = r
            .add_enrollment_office(&EnrollmentOffice {
                id: 0,
                code: code.into(),
                name: name.into(),
                city: "تبریز".into(),
                area_code: AreaCode::parse("041").unwrap(),
                phone: "33334444".into(),
                address: format!("تبریز، خیابان {code}"),
                facilities,
            })
            .await
            .unwrap();
        // Past days too: a request may hold an appointment it missed.
        for offset in -3..=DAYS {
            for shift in [Shift::Morning, Shift::Evening] {
                let slot = Slot {
                    office_id: id,
                    day: day(offset),
                    shift,
                };
                r.set_capacity(&slot, approved).await.unwrap();
            }
        }
        w.offices.insert(code.into(), id);
    }
    for (code, name, area) in [
        ("D1", "اداره پست تبریز", "041"),
        ("D2", "اداره پست مرکزی تهران", "021"),
    ] {
        let id = r
            .add_delivery_office(&DeliveryOffice {
                id: 0,
                code: code.into(),
                name: name.into(),
                city: "شهر".into(),
                area_code: AreaCode::parse(area).unwrap(),
                phone: "22223333".into(),
                address: format!("نشانی {code}"),
            })
            .await
            .unwrap();
        w.offices.insert(code.into(), id);
    }
    w
}

impl World {
    /// `request N STATE PAYMENT [OFFSET|none] [stairs] [phone=K]`: citizen N
    /// with a request; an appointment at T1 in the morning `OFFSET` days from
    /// today (default +3 from the appointment stage on), delivery office D1,
    /// notification mobile N's (or K's: a family sharing one phone).
    pub async fn request(&mut self, r: &dyn Registry, args: &[&str]) -> Result<(), String> {
        let [n, state, payment, rest @ ..] = args else {
            return Err("request N STATE PAYMENT [OFFSET|none] [stairs]".into());
        };
        let n: u64 = n.parse().map_err(|_| "bad citizen number")?;
        let state: RequestState = state.parse().map_err(|_| format!("bad state {state}"))?;
        let payment: PaymentState = payment
            .parse()
            .map_err(|_| format!("bad payment {payment}"))?;
        let phone = rest.iter().find_map(|a| a.strip_prefix("phone="));
        let phone = match phone {
            Some(k) => mobile(k.parse().map_err(|_| format!("bad phone {k}"))?),
            None => mobile(n),
        };
        let rest: Vec<&str> = rest
            .iter()
            .copied()
            .filter(|a| !a.starts_with("phone="))
            .collect();
        let offset = match rest.first() {
            Some(&"none") => None,
            Some(o) => Some(o.parse::<i64>().map_err(|_| format!("bad offset {o}"))?),
            None => (state >= RequestState::AppointmentChosen).then_some(3),
        };
        let needs = SpecialNeeds {
            can_climb_stairs: !rest.contains(&"stairs"),
            ..SpecialNeeds::default()
        };
        r.put_citizen(&citizen(n))
            .await
            .map_err(|e| e.to_string())?;
        let appointment = offset.map(|o| Slot {
            office_id: self.offices["T1"],
            day: day(o),
            shift: Shift::Morning,
        });
        let id = r
            .add_request(&NewRequest {
                national_id: nid(n),
                mobile: phone,
                state,
                payment,
                tracking_code: (payment == PaymentState::Succeeded)
                    .then(|| TrackingCode::parse(&format!("4973{n:05}")).unwrap()),
                needs,
                appointment,
                delivery_office_id: Some(self.offices["D1"]),
            })
            .await
            .map_err(|e| e.to_string())?;
        self.requests.insert(n, id);
        Ok(())
    }

    /// `citizen N dead|underage|serial-changed|born YYYY-MM-DD`.
    pub async fn citizen(&self, r: &dyn Registry, args: &[&str]) -> Result<(), String> {
        let [n, what, rest @ ..] = args else {
            return Err("citizen N dead|underage|serial-changed|born DATE".into());
        };
        let n: u64 = n.parse().map_err(|_| "bad citizen number")?;
        let mut c = citizen(n);
        match *what {
            "dead" => c.alive = false,
            "underage" => c.birth_date = Utc::now().date_naive() - Duration::days(365 * 14),
            "serial-changed" => c.serial_changed_at = Some(Utc::now() - Duration::hours(2)),
            "born" => {
                let d = rest.first().ok_or("born DATE")?;
                c.birth_date =
                    NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|e| e.to_string())?;
            }
            other => return Err(format!("unknown citizen property {other}")),
        }
        r.put_citizen(&c).await.map_err(|e| e.to_string())
    }

    /// `fill T2 +1 evening`: every place of a slot taken (by the web side, meanwhile).
    pub async fn fill(&self, r: &dyn Registry, args: &[&str]) -> Result<(), String> {
        let slot = self.slot(args)?;
        let (reserved, _) = r
            .capacity(&slot)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no such slot")?;
        r.set_capacity(&slot, reserved)
            .await
            .map_err(|e| e.to_string())
    }

    /// `T1 +3 morning` → the slot.
    pub fn slot(&self, args: &[&str]) -> Result<Slot, String> {
        let [office, offset, shift] = args else {
            return Err("OFFICE OFFSET SHIFT".into());
        };
        Ok(Slot {
            office_id: *self.offices.get(*office).ok_or("unknown office")?,
            day: day(offset.parse::<i64>().map_err(|_| "bad offset")?),
            shift: shift.parse().map_err(|_| "bad shift")?,
        })
    }
}
