use super::*;

fn pending(kind: EventKind, old: Option<&str>, new: Option<&str>) -> PendingEvent {
    PendingEvent {
        id: 7,
        request_id: 3,
        kind,
        old_value: old.map(Into::into),
        new_value: new.map(Into::into),
        mobile: "989121234567".into(),
        context: RequestContext {
            tracking_code: Some("123456".into()),
            national_id: Some("0025432184".into()),
            appointment_day: Some("2026-11-22".into()),
            appointment_shift: Some("morning".into()),
            office_name: Some("دفتر پیشخوان ۱۲".into()),
            ..RequestContext::default()
        },
    }
}

#[test]
fn card_at_delivery_office_tells_the_registered_mobile_once_per_event() {
    let e = pending(
        EventKind::State,
        Some("card_produced"),
        Some("card_at_delivery_office"),
    );
    let plan = event(&e).unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].template, "state_card_at_delivery_office");
    assert_eq!(plan[0].to.as_str(), "989121234567");
    assert_eq!(plan[0].once, "event:7:989121234567");
    assert_eq!(plan[0].vars["tracking"], "123456");
}

#[test]
fn a_mobile_change_tells_the_old_and_the_new_number() {
    let mut e = pending(
        EventKind::Mobile,
        Some("989121234567"),
        Some("989351112233"),
    );
    e.mobile = "989351112233".into();
    let plan = event(&e).unwrap();
    let to: Vec<_> = plan.iter().map(|p| (p.to.as_str(), p.template)).collect();
    assert_eq!(
        to,
        [
            ("989121234567", "mobile_changed_old"),
            ("989351112233", "mobile_changed_new")
        ]
    );
    assert_eq!(
        plan[0].vars["mobile"], "0935***2233",
        "the old number sees the new one masked"
    );
    assert_eq!(plan[1].vars["nid"], "002*****84");
}

#[test]
fn a_first_appointment_is_booked_and_a_later_one_moved() {
    let booked = event(&pending(
        EventKind::Appointment,
        None,
        Some("2026-11-22 morning 1"),
    ))
    .unwrap();
    assert_eq!(booked[0].template, "appointment_booked");
    let moved = event(&pending(EventKind::Appointment, Some("x"), Some("y"))).unwrap();
    assert_eq!(moved[0].template, "appointment_moved");
    assert_eq!(moved[0].vars["shift"], "morning");
}

#[test]
fn a_pending_payment_sends_nothing() {
    assert!(
        event(&pending(
            EventKind::Payment,
            Some("not_started"),
            Some("pending")
        ))
        .unwrap()
        .is_empty()
    );
    let paid = event(&pending(
        EventKind::Payment,
        Some("pending"),
        Some("succeeded"),
    ))
    .unwrap();
    assert_eq!(paid[0].template, "payment_succeeded");
}

#[test]
fn a_stored_mobile_that_is_not_a_number_is_an_error_not_a_panic() {
    let mut e = pending(EventKind::State, None, Some("card_delivered"));
    e.mobile = "not a number".into();
    assert!(event(&e).unwrap_err().contains("not a number"));
}

#[test]
fn a_reminder_is_keyed_by_request_and_day() {
    let r = Reminder {
        request_id: 3,
        mobile: "09121234567".into(),
        context: RequestContext::default(),
    };
    let p = reminder(&r, "2026-11-22").unwrap();
    assert_eq!(p.once, "reminder:3:2026-11-22");
    assert_eq!(p.template, "appointment_reminder");
}

#[test]
fn every_state_has_a_template() {
    use crate::registry::model::RequestState;
    use strum::IntoEnumIterator;
    for s in RequestState::iter() {
        let name: &str = s.into();
        let e = pending(EventKind::State, None, Some(name));
        assert_eq!(event(&e).unwrap().len(), 1, "{name}");
    }
}
