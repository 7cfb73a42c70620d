//! Offering offices: free-capacity share first, special needs respected, both shifts.

use crate::fixtures::*;
use crate::helpers::TestDb;
use dargah::domain::AreaCode;
use dargah::registry::model::*;

fn query(day: chrono::NaiveDate, shift: Option<Shift>, needs: SpecialNeeds) -> OfficeQuery {
    OfficeQuery {
        area_code: AreaCode::parse("041").unwrap(),
        day,
        shift,
        needs,
        phone_prefix: Some("3330".into()),
    }
}

async fn offices_come_by_free_share_and_full_ones_are_left_out(db: TestDb) {
    let r = db.registry().await;
    let d = day(3);
    let a = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let b = office(r.as_ref(), "B", "041", "33302222", Facilities::default()).await;
    let c = office(r.as_ref(), "C", "041", "33303333", Facilities::default()).await;
    let other_city = office(r.as_ref(), "T", "021", "88001111", Facilities::default()).await;
    let sa = slot(r.as_ref(), a, d, Shift::Morning, 45).await; // 15 free of 45 after 30 bookings
    let sb = slot(r.as_ref(), b, d, Shift::Morning, 20).await; // 10 free of 20
    let sc = slot(r.as_ref(), c, d, Shift::Morning, 1).await; // full
    slot(r.as_ref(), other_city, d, Shift::Morning, 50).await;
    for i in 0..30 {
        request(
            r.as_ref(),
            100 + i,
            RequestState::AppointmentChosen,
            Some(sa),
        )
        .await;
    }
    for i in 0..10 {
        request(
            r.as_ref(),
            200 + i,
            RequestState::AppointmentChosen,
            Some(sb),
        )
        .await;
    }
    request(r.as_ref(), 300, RequestState::AppointmentChosen, Some(sc)).await;
    let offered = r
        .list_offices(&query(d, Some(Shift::Morning), SpecialNeeds::default()))
        .await
        .unwrap();
    let ids: Vec<i64> = offered.iter().map(|o| o.office.id).collect();
    assert_eq!(ids, [b, a]);
    assert_eq!((offered[0].free, offered[0].approved), (10, 20));
}

async fn each_office_appears_once_per_shift(db: TestDb) {
    let r = db.registry().await;
    let d = day(4);
    let a = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    slot(r.as_ref(), a, d, Shift::Morning, 10).await;
    slot(r.as_ref(), a, d, Shift::Evening, 10).await;
    let offered = r
        .list_offices(&query(d, None, SpecialNeeds::default()))
        .await
        .unwrap();
    let shifts: Vec<Shift> = offered.iter().map(|o| o.slot.shift).collect();
    assert_eq!(shifts, [Shift::Morning, Shift::Evening]);
}

async fn offices_without_the_needed_facilities_are_not_offered(db: TestDb) {
    let r = db.registry().await;
    let d = day(5);
    let stairs = office(r.as_ref(), "S", "041", "33301111", Facilities::default()).await;
    let lift = office(
        r.as_ref(),
        "L",
        "041",
        "33302222",
        Facilities {
            step_free_access: true,
            ..Default::default()
        },
    )
    .await;
    slot(r.as_ref(), stairs, d, Shift::Morning, 10).await;
    slot(r.as_ref(), lift, d, Shift::Morning, 10).await;
    let needs = SpecialNeeds {
        can_climb_stairs: false,
        ..SpecialNeeds::default()
    };
    let offered = r.list_offices(&query(d, None, needs)).await.unwrap();
    assert_eq!(
        offered.iter().map(|o| o.office.id).collect::<Vec<_>>(),
        [lift]
    );
    let days = r
        .free_days(&AreaCode::parse("041").unwrap(), day(0), 14, &needs)
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!((days[0].day, days[0].morning, days[0].evening), (d, 10, 0));
}

async fn delivery_offices_are_listed_by_city(db: TestDb) {
    let r = db.registry().await;
    let area = AreaCode::parse("041").unwrap();
    let office = DeliveryOffice {
        id: 0,
        code: "D1".into(),
        name: "پست مرکزی".into(),
        city: "تبریز".into(),
        area_code: area.clone(),
        phone: "33305100".into(),
        address: "تبریز - خ امام".into(),
    };
    let id = r.add_delivery_office(&office).await.unwrap();
    let listed = r.delivery_offices(&area).await.unwrap();
    assert_eq!(listed, [DeliveryOffice { id, ..office }]);
    assert!(
        r.delivery_offices(&AreaCode::parse("021").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_request_comes_with_the_offices_its_status_names_in_one_read(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "E9", "041", "33301234", Facilities::default()).await;
    let booked = slot(r.as_ref(), o, day(4), Shift::Evening, 5).await;
    let with = request(
        r.as_ref(),
        41,
        RequestState::AppointmentChosen,
        Some(booked),
    )
    .await;
    let without = request(r.as_ref(), 42, RequestState::PersonalDataEntered, None).await;
    let d = r
        .add_delivery_office(&DeliveryOffice {
            id: 0,
            code: "D9".into(),
            name: "پست".into(),
            city: "تبریز".into(),
            area_code: AreaCode::parse("041").unwrap(),
            phone: "33301000".into(),
            address: "تبریز - خ ارتش".into(),
        })
        .await
        .unwrap();
    let raw = db.raw().await;
    sqlx::query(&format!(
        "UPDATE card_requests SET delivery_office_id = {d} WHERE id = {with}"
    ))
    .execute(&raw)
    .await
    .unwrap();

    let full = r.request_with_offices(with).await.unwrap().unwrap();
    assert_eq!(Some(full.request.clone()), r.request(with).await.unwrap());
    assert_eq!(full.office, r.enrollment_office(o).await.unwrap());
    assert!(full.office.is_some());
    assert_eq!(full.delivery, r.delivery_office(d).await.unwrap());
    assert!(full.delivery.is_some());

    let bare = r.request_with_offices(without).await.unwrap().unwrap();
    assert_eq!((bare.office, bare.delivery), (None, None));
    assert_eq!(r.request_with_offices(without + 1000).await.unwrap(), None);

    // What the web side writes to an office shows on the next read.
    sqlx::query(&format!(
        "UPDATE enrollment_offices SET address = 'تبریز - خ تازه' WHERE id = {o}"
    ))
    .execute(&raw)
    .await
    .unwrap();
    let again = r.request_with_offices(with).await.unwrap().unwrap();
    assert_eq!(again.office.unwrap().address, "تبریز - خ تازه");
}

crate::on_both_backends!(
    offices_come_by_free_share_and_full_ones_are_left_out,
    each_office_appears_once_per_shift,
    offices_without_the_needed_facilities_are_not_offered,
    delivery_offices_are_listed_by_city,
    a_request_comes_with_the_offices_its_status_names_in_one_read,
);
