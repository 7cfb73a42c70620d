//! Building registry rows for tests, the way the web side would write them.

use chrono::{Duration, NaiveDate, Utc};
use dargah::domain::{AreaCode, IdSerial, Msisdn, NationalId};
use dargah::registry::Registry;
use dargah::registry::model::*;

/// A valid national ID from a test number.
pub fn nid(n: u64) -> NationalId {
    let mut body = 200_000_000 + n * 13;
    loop {
        if let Some(id) = NationalId::from_body(&format!("{body:09}")) {
            return id;
        }
        body += 1;
    }
}

/// A citizen of 30 with serial `123456`.
pub fn citizen(n: u64) -> Citizen {
    Citizen {
        national_id: nid(n),
        id_serial: IdSerial::parse("123456").unwrap(),
        serial_changed_at: None,
        first_name: "مریم".into(),
        last_name: "کریمی".into(),
        mother_first_name: "شهرزاد".into(),
        birth_date: Utc::now().date_naive() - Duration::days(365 * 30),
        gender: Gender::Female,
        alive: true,
    }
}

/// A mobile from a test number.
pub fn mobile(n: u64) -> Msisdn {
    Msisdn::parse(&format!("0912{:07}", n)).unwrap()
}

/// A future working day.
pub fn day(offset: i64) -> NaiveDate {
    Utc::now().date_naive() + Duration::days(offset)
}

/// An office in area `area` with the given facilities; returns its key.
pub async fn office(
    r: &dyn Registry,
    code: &str,
    area: &str,
    phone: &str,
    facilities: Facilities,
) -> i64 {
    r.add_enrollment_office(&EnrollmentOffice {
        id: 0,
        code: code.into(),
        name: format!("دفتر {code}"),
        city: "تبریز".into(),
        area_code: AreaCode::parse(area).unwrap(),
        phone: phone.into(),
        address: "تبریز - خ امام".into(),
        facilities,
    })
    .await
    .unwrap()
}

/// A slot with `approved` places.
pub async fn slot(
    r: &dyn Registry,
    office_id: i64,
    day: NaiveDate,
    shift: Shift,
    approved: i64,
) -> Slot {
    let s = Slot {
        office_id,
        day,
        shift,
    };
    r.set_capacity(&s, approved).await.unwrap();
    s
}

/// A request of citizen `n` in `state`, optionally booked into `appointment`.
pub async fn request(
    r: &dyn Registry,
    n: u64,
    state: RequestState,
    appointment: Option<Slot>,
) -> i64 {
    r.put_citizen(&citizen(n)).await.unwrap();
    r.add_request(&NewRequest {
        national_id: nid(n),
        mobile: mobile(n),
        state,
        payment: PaymentState::Succeeded,
        tracking_code: None,
        needs: SpecialNeeds::default(),
        appointment,
        delivery_office_id: None,
    })
    .await
    .unwrap()
}
