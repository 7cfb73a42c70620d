//! Changes a citizen makes: each obeys the permission table and leaves an audit row.

use crate::fixtures::*;
use crate::helpers::TestDb;
use dargah::domain::AreaCode;
use dargah::registry::model::*;

fn actor() -> Actor {
    Actor::ussd(&mobile(1))
}

async fn moving_an_appointment_releases_the_old_place_and_takes_the_new(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let (old, new) = (
        slot(r.as_ref(), o, day(2), Shift::Morning, 5).await,
        slot(r.as_ref(), o, day(3), Shift::Evening, 5).await,
    );
    let id = request(r.as_ref(), 1, RequestState::AppointmentChosen, Some(old)).await;
    assert_eq!(r.capacity(&old).await.unwrap(), Some((1, 5)));
    assert_eq!(
        r.move_appointment(id, new, &actor(), &[]).await.unwrap(),
        ChangeOutcome::Changed
    );
    assert_eq!(r.capacity(&old).await.unwrap(), Some((0, 5)));
    assert_eq!(r.capacity(&new).await.unwrap(), Some((1, 5)));
    assert_eq!(r.request(id).await.unwrap().unwrap().appointment, Some(new));
    let trail = r
        .audit_trail("card_request", &id.to_string())
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].action.as_str(), trail[0].actor.channel),
        ("move_appointment", Channel::Ussd)
    );
    assert!(
        trail[0]
            .before
            .as_deref()
            .unwrap()
            .contains(&day(2).to_string())
    );
    assert_eq!(
        r.move_appointment(id, new, &actor(), &[]).await.unwrap(),
        ChangeOutcome::Unchanged
    );
}

async fn a_move_after_enrollment_started_is_refused_and_changes_nothing(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let (old, new) = (
        slot(r.as_ref(), o, day(2), Shift::Morning, 5).await,
        slot(r.as_ref(), o, day(3), Shift::Morning, 5).await,
    );
    let id = request(r.as_ref(), 2, RequestState::EnrollmentStarted, Some(old)).await;
    let outcome = r.move_appointment(id, new, &actor(), &[]).await.unwrap();
    assert_eq!(
        outcome,
        ChangeOutcome::NotAllowed(RequestState::EnrollmentStarted)
    );
    assert_eq!(r.capacity(&new).await.unwrap(), Some((0, 5)));
    assert!(
        r.audit_trail("card_request", &id.to_string())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_passed_appointment_can_still_be_moved(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let (past, new) = (
        slot(r.as_ref(), o, day(-3), Shift::Morning, 5).await,
        slot(r.as_ref(), o, day(3), Shift::Morning, 5).await,
    );
    let id = request(r.as_ref(), 3, RequestState::AppointmentChosen, Some(past)).await;
    assert_eq!(
        r.move_appointment(id, new, &actor(), &[]).await.unwrap(),
        ChangeOutcome::Changed
    );
}

async fn a_full_or_unsuitable_slot_is_refused_with_its_reason(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let full = slot(r.as_ref(), o, day(2), Shift::Morning, 0).await;
    let open = slot(r.as_ref(), o, day(3), Shift::Morning, 5).await;
    let id = request(r.as_ref(), 4, RequestState::AppointmentChosen, None).await;
    assert_eq!(
        r.move_appointment(id, full, &actor(), &[]).await.unwrap(),
        ChangeOutcome::Full
    );
    assert_eq!(
        r.move_appointment(999_999, open, &actor(), &[])
            .await
            .unwrap(),
        ChangeOutcome::NotFound
    );
    let raw = db.raw().await;
    sqlx::query(&format!(
        "UPDATE card_requests SET can_climb_stairs = {} WHERE id = {id}",
        db_false(&db)
    ))
    .execute(&raw)
    .await
    .unwrap();
    assert_eq!(
        r.move_appointment(id, open, &actor(), &[]).await.unwrap(),
        ChangeOutcome::Unsuitable
    );
}

fn db_false(db: &TestDb) -> &'static str {
    match db.url {
        dargah::config::DatabaseUrl::Sqlite(_) => "0",
        dargah::config::DatabaseUrl::Postgres(_) => "FALSE",
    }
}

async fn changing_the_mobile_is_always_allowed_and_audited(db: TestDb) {
    let r = db.registry().await;
    let id = request(r.as_ref(), 5, RequestState::CardDelivered, None).await;
    assert_eq!(
        r.change_mobile(id, &mobile(55), &actor(), &[])
            .await
            .unwrap(),
        ChangeOutcome::Changed
    );
    assert_eq!(r.request(id).await.unwrap().unwrap().mobile, mobile(55));
    let trail = r
        .audit_trail("card_request", &id.to_string())
        .await
        .unwrap();
    assert_eq!(trail[0].action, "change_mobile");
    assert!(
        trail[0]
            .before
            .as_deref()
            .unwrap()
            .contains(mobile(5).as_str())
    );
    assert!(
        trail[0]
            .after
            .as_deref()
            .unwrap()
            .contains(mobile(55).as_str())
    );
    assert_eq!(
        r.change_mobile(id, &mobile(55), &actor(), &[])
            .await
            .unwrap(),
        ChangeOutcome::Unchanged
    );
}

async fn the_delivery_office_changes_only_before_production(db: TestDb) {
    let r = db.registry().await;
    let office = DeliveryOffice {
        id: 0,
        code: "D1".into(),
        name: "پست".into(),
        city: "مراغه".into(),
        area_code: AreaCode::parse("041").unwrap(),
        phone: "37225100".into(),
        address: "مراغه - خ پاسداران".into(),
    };
    let d = r.add_delivery_office(&office).await.unwrap();
    let early = request(r.as_ref(), 6, RequestState::EnrollmentCompleted, None).await;
    let late = request(r.as_ref(), 7, RequestState::ProductionStarted, None).await;
    assert_eq!(
        r.change_delivery_office(early, d, &actor(), &[])
            .await
            .unwrap(),
        ChangeOutcome::Changed
    );
    assert_eq!(
        r.request(early).await.unwrap().unwrap().delivery_office_id,
        Some(d)
    );
    let refused = r
        .change_delivery_office(late, d, &actor(), &[])
        .await
        .unwrap();
    assert_eq!(
        refused,
        ChangeOutcome::NotAllowed(RequestState::ProductionStarted)
    );
    assert_eq!(
        r.change_delivery_office(early, 424_242, &actor(), &[])
            .await
            .unwrap(),
        ChangeOutcome::NotFound
    );
}

crate::on_both_backends!(
    moving_an_appointment_releases_the_old_place_and_takes_the_new,
    a_move_after_enrollment_started_is_refused_and_changes_nothing,
    a_passed_appointment_can_still_be_moved,
    a_full_or_unsuitable_slot_is_refused_with_its_reason,
    changing_the_mobile_is_always_allowed_and_audited,
    the_delivery_office_changes_only_before_production,
);
