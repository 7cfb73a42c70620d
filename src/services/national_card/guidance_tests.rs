use super::*;
use crate::domain::{AreaCode, Msisdn, NationalId};
use crate::registry::model::{Facilities, Shift, Slot, SpecialNeeds};
use strum::IntoEnumIterator;

fn request(state: RequestState, payment: PaymentState, day: Option<NaiveDate>) -> CardRequest {
    CardRequest {
        id: 1,
        tracking_code: None,
        national_id: NationalId::parse("0084575948").unwrap(),
        mobile: Msisdn::parse("09121234567").unwrap(),
        state,
        payment,
        payment_updated_at: Some(Utc::now()),
        needs: SpecialNeeds::default(),
        appointment: day.map(|day| Slot {
            office_id: 1,
            day,
            shift: Shift::Evening,
        }),
        delivery_office_id: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn office() -> EnrollmentOffice {
    EnrollmentOffice {
        id: 1,
        code: "T1".into(),
        name: "دفتر پیشخوان ۱۲".into(),
        city: "تبریز".into(),
        area_code: AreaCode::parse("041").unwrap(),
        phone: "33334444".into(),
        address: "خیابان امام".into(),
        facilities: Facilities::default(),
    }
}

fn ctx(office: &EnrollmentOffice, owner: bool) -> Context<'_> {
    Context {
        office: Some(office),
        delivery: None,
        owner,
        now: Utc::now(),
    }
}

fn in_days(n: i64) -> NaiveDate {
    crate::registry::identity::tehran_today(Utc::now()) + Duration::days(n)
}

#[test]
fn the_owner_sees_the_appointment_with_weekday_office_address_and_what_to_bring() {
    let o = office();
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let mut r = request(
        RequestState::AppointmentChosen,
        PaymentState::Succeeded,
        None,
    );
    r.appointment = Some(Slot {
        office_id: 1,
        day,
        shift: Shift::Evening,
    });
    let c = Context {
        now: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 21, 8, 0, 0).unwrap(),
        ..ctx(&o, true)
    };
    let text = guidance(&r, &c);
    for want in [
        "دوشنبه ۹ آذر ۱۴۰۵",
        "عصر",
        "دفتر پیشخوان ۱۲",
        "خیابان امام",
        "شناسنامه عکس‌دار",
        "اثر انگشت",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
}

#[test]
fn another_phone_learns_the_stage_but_not_the_office_or_the_date() {
    let o = office();
    let r = request(
        RequestState::AppointmentChosen,
        PaymentState::Succeeded,
        Some(in_days(3)),
    );
    let text = guidance(&r, &ctx(&o, false));
    assert!(
        !text.contains("دفتر پیشخوان ۱۲") && !text.contains("خیابان امام"),
        "{text}"
    );
    assert!(text.contains("پیامک"), "{text}");
}

#[test]
fn a_passed_appointment_says_how_to_choose_a_new_one() {
    let o = office();
    let r = request(
        RequestState::AppointmentChosen,
        PaymentState::Succeeded,
        Some(in_days(-2)),
    );
    assert!(guidance(&r, &ctx(&o, true)).contains("گذشته"));
}

#[test]
fn money_taken_points_to_the_bank_only_after_72_hours() {
    let o = office();
    let mut r = request(
        RequestState::AppointmentChosen,
        PaymentState::FailedMoneyTaken,
        None,
    );
    assert!(guidance(&r, &ctx(&o, true)).contains("تا ۷۲ ساعت"));
    r.payment_updated_at = Some(Utc::now() - Duration::hours(73));
    assert!(guidance(&r, &ctx(&o, true)).contains("بیش از ۷۲ ساعت"));
}

#[test]
fn every_state_and_payment_has_its_own_guidance() {
    let o = office();
    let mut seen = std::collections::BTreeSet::new();
    for state in RequestState::iter() {
        for payment in PaymentState::iter() {
            let r = request(state, payment, Some(in_days(3)));
            let text = guidance(&r, &ctx(&o, true));
            assert!(!text.is_empty() && !stage(&r).is_empty());
            seen.insert(text);
        }
    }
    // Seven states with one text each; before enrollment, one text per payment
    // state plus "personal data entered, nothing paid yet".
    assert_eq!(seen.len(), 7 + 6 + 1);
}
