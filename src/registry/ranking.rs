//! The order in which offices are offered (seed 002): highest share of free
//! capacity first, for fairness; among equals, the office whose phone prefix is
//! nearest the caller's, since the left four digits locate the neighbourhood.

use super::model::OfficeSlot;
use std::cmp::Ordering;

/// Sorts offered slots in place: free/approved descending, then nearness, then office id.
pub fn rank(slots: &mut [OfficeSlot], caller_prefix: Option<&str>) {
    slots.sort_by(|a, b| {
        by_free_share(b, a)
            .then_with(|| distance(a, caller_prefix).cmp(&distance(b, caller_prefix)))
            .then_with(|| a.office.id.cmp(&b.office.id))
            .then_with(|| a.slot.shift.cmp(&b.slot.shift))
    });
}

/// Compares free shares exactly (cross-multiplied, no floating point).
fn by_free_share(a: &OfficeSlot, b: &OfficeSlot) -> Ordering {
    (i128::from(a.free) * i128::from(b.approved))
        .cmp(&(i128::from(b.free) * i128::from(a.approved)))
}

/// Numeric distance between the first four digits of two phone numbers;
/// unknown prefixes sort last among equals.
fn distance(slot: &OfficeSlot, caller_prefix: Option<&str>) -> u32 {
    let four = |s: &str| -> Option<u32> { s.get(..4)?.parse().ok() };
    match (caller_prefix.and_then(four), four(&slot.office.phone)) {
        (Some(c), Some(o)) => c.abs_diff(o),
        _ => u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AreaCode;
    use crate::registry::model::{EnrollmentOffice, Facilities, Shift, Slot};
    use chrono::NaiveDate;

    fn slot(id: i64, phone: &str, free: i64, approved: i64) -> OfficeSlot {
        OfficeSlot {
            office: EnrollmentOffice {
                id,
                code: format!("o{id}"),
                name: format!("دفتر {id}"),
                city: "تبریز".into(),
                area_code: AreaCode::parse("041").unwrap(),
                phone: phone.into(),
                address: String::new(),
                facilities: Facilities::default(),
            },
            slot: Slot {
                office_id: id,
                day: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                shift: Shift::Morning,
            },
            approved,
            free,
        }
    }

    #[test]
    fn ten_free_of_twenty_comes_before_fifteen_free_of_forty_five() {
        let mut v = vec![slot(1, "3333", 15, 45), slot(2, "3333", 10, 20)];
        rank(&mut v, None);
        assert_eq!(v[0].office.id, 2);
    }

    #[test]
    fn equal_shares_put_the_nearer_phone_prefix_first() {
        let mut v = vec![
            slot(1, "35550000", 5, 10),
            slot(2, "33210000", 10, 20),
            slot(3, "33990000", 1, 2),
        ];
        rank(&mut v, Some("3320"));
        let order: Vec<i64> = v.iter().map(|s| s.office.id).collect();
        assert_eq!(order, [2, 3, 1]);
    }
}
