//! Identity checks, finding requests, and the web side's writes showing at once.

use crate::fixtures::*;
use crate::helpers::TestDb;
use chrono::{Duration, Utc};
use dargah::domain::IdSerial;
use dargah::registry::RegistryError;
use dargah::registry::model::*;

async fn identity_checks_give_each_failure_its_own_outcome(db: TestDb) {
    let r = db.registry().await;
    let good = IdSerial::parse("123456").unwrap();
    let bad = IdSerial::parse("654321").unwrap();
    r.put_citizen(&citizen(1)).await.unwrap();
    assert!(matches!(
        r.verify_identity(&nid(1), &good, Utc::now()).await.unwrap(),
        IdentityCheck::Verified(_)
    ));
    assert_eq!(
        r.verify_identity(&nid(1), &bad, Utc::now()).await.unwrap(),
        IdentityCheck::SerialMismatch
    );
    assert_eq!(
        r.verify_identity(&nid(99), &good, Utc::now())
            .await
            .unwrap(),
        IdentityCheck::UnknownCitizen
    );

    let changed = Citizen {
        serial_changed_at: Some(Utc::now() - Duration::hours(3)),
        ..citizen(2)
    };
    r.put_citizen(&changed).await.unwrap();
    assert_eq!(
        r.verify_identity(&nid(2), &bad, Utc::now()).await.unwrap(),
        IdentityCheck::SerialRecentlyChanged
    );

    r.put_citizen(&Citizen {
        alive: false,
        ..citizen(3)
    })
    .await
    .unwrap();
    assert_eq!(
        r.verify_identity(&nid(3), &good, Utc::now()).await.unwrap(),
        IdentityCheck::Deceased
    );

    let child = Citizen {
        birth_date: Utc::now().date_naive() - Duration::days(365 * 14),
        ..citizen(4)
    };
    r.put_citizen(&child).await.unwrap();
    assert_eq!(
        r.verify_identity(&nid(4), &good, Utc::now()).await.unwrap(),
        IdentityCheck::Underage
    );
}

async fn a_request_is_found_by_mobile_and_by_national_id(db: TestDb) {
    let r = db.registry().await;
    let id = request(r.as_ref(), 7, RequestState::PersonalDataEntered, None).await;
    let by_mobile = r.requests_by_mobile(&mobile(7)).await.unwrap();
    assert_eq!(by_mobile.len(), 1);
    assert_eq!(by_mobile[0].id, id);
    assert_eq!(
        r.request_by_national_id(&nid(7)).await.unwrap().unwrap().id,
        id
    );
    assert!(r.requests_by_mobile(&mobile(8)).await.unwrap().is_empty());
}

async fn a_family_phone_finds_each_members_latest_request(db: TestDb) {
    let r = db.registry().await;
    for n in [11, 12] {
        r.put_citizen(&citizen(n)).await.unwrap();
        for state in [
            RequestState::FirstPageSubmitted,
            RequestState::PersonalDataEntered,
        ] {
            r.add_request(&NewRequest {
                national_id: nid(n),
                mobile: mobile(11),
                state,
                payment: PaymentState::NotStarted,
                tracking_code: None,
                needs: SpecialNeeds::default(),
                appointment: None,
                delivery_office_id: None,
            })
            .await
            .unwrap();
        }
    }
    let found = r.requests_by_mobile(&mobile(11)).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|f| f.state == RequestState::PersonalDataEntered)
    );
}

async fn a_citizen_and_their_latest_request_come_back_from_one_read(db: TestDb) {
    let r = db.registry().await;
    assert_eq!(
        r.citizen_and_latest_request(&nid(31)).await.unwrap(),
        (None, None)
    );
    r.put_citizen(&citizen(31)).await.unwrap();
    let (only, none) = r.citizen_and_latest_request(&nid(31)).await.unwrap();
    assert_eq!(only, Some(citizen(31)));
    assert_eq!(none, None);
    request(r.as_ref(), 32, RequestState::FirstPageSubmitted, None).await;
    let latest = request(r.as_ref(), 32, RequestState::PersonalDataEntered, None).await;
    let (who, what) = r.citizen_and_latest_request(&nid(32)).await.unwrap();
    assert_eq!(who, r.citizen(&nid(32)).await.unwrap());
    assert_eq!(what, r.request_by_national_id(&nid(32)).await.unwrap());
    assert_eq!(what.map(|w| w.id), Some(latest));
    // What the web side writes shows on the next read.
    let raw = db.raw().await;
    sqlx::query(&format!(
        "UPDATE card_requests SET state = 'appointment_chosen' WHERE id = {latest}"
    ))
    .execute(&raw)
    .await
    .unwrap();
    let (_, what) = r.citizen_and_latest_request(&nid(32)).await.unwrap();
    assert_eq!(what.unwrap().state, RequestState::AppointmentChosen);
}

async fn a_state_change_by_the_web_side_shows_on_the_next_read(db: TestDb) {
    let r = db.registry().await;
    let id = request(r.as_ref(), 21, RequestState::EnrollmentCompleted, None).await;
    let raw = db.raw().await;
    sqlx::query(&format!(
        "UPDATE card_requests SET state = 'card_at_delivery_office' WHERE id = {id}"
    ))
    .execute(&raw)
    .await
    .unwrap();
    assert_eq!(
        r.request(id).await.unwrap().unwrap().state,
        RequestState::CardAtDeliveryOffice
    );
}

async fn a_bad_value_written_by_someone_else_is_an_error_not_a_panic(db: TestDb) {
    let r = db.registry().await;
    let id = request(r.as_ref(), 22, RequestState::FirstPageSubmitted, None).await;
    let raw = db.raw().await;
    sqlx::query(&format!(
        "UPDATE card_requests SET mobile = 'not a number' WHERE id = {id}"
    ))
    .execute(&raw)
    .await
    .unwrap();
    let err = r.request(id).await.unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Corrupt {
                column: "mobile",
                ..
            }
        ),
        "{err}"
    );
}

async fn demo_seed_loads_every_state_once_and_is_idempotent(db: TestDb) {
    let r = db.registry().await;
    let first = dargah::registry::demo::seed(r.as_ref()).await.unwrap();
    assert_eq!(first.offices, 30);
    assert!(first.requests >= 15);
    let demo = dargah::domain::Msisdn::parse(dargah::registry::demo::DEMO_MSISDN).unwrap();
    let mine = r.requests_by_mobile(&demo).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].appointment.is_some() && mine[0].tracking_code.is_some());
    assert!(
        dargah::registry::demo::seed(r.as_ref())
            .await
            .unwrap()
            .already_present
    );
}

async fn generate_bulk_loads_citizens_with_requests(db: TestDb) {
    let r = db.registry().await;
    dargah::registry::demo::generate(r.as_ref(), 2_500, 1)
        .await
        .unwrap();
    let raw = db.raw().await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM card_requests")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(n, 2_500);
}

crate::on_both_backends!(
    identity_checks_give_each_failure_its_own_outcome,
    a_request_is_found_by_mobile_and_by_national_id,
    a_family_phone_finds_each_members_latest_request,
    a_citizen_and_their_latest_request_come_back_from_one_read,
    a_state_change_by_the_web_side_shows_on_the_next_read,
    a_bad_value_written_by_someone_else_is_an_error_not_a_panic,
    demo_seed_loads_every_state_once_and_is_idempotent,
    generate_bulk_loads_citizens_with_requests,
);
