//! A citizen's change and its confirmation SMS are one transaction: the
//! outbox rows exist exactly when the change does, and an outbox that
//! refuses them rolls the change back (so a crash can never leave a change
//! made over USSD unannounced; the notifier skips it as announced).

use crate::fixtures::*;
use crate::helpers::TestDb;
use dargah::config::DatabaseUrl;
use dargah::domain::{AreaCode, Msisdn};
use dargah::registry::model::*;
use dargah::sms::outbox::{NewSms, Priority};

fn actor(n: u64) -> Actor {
    Actor::ussd(&mobile(n))
}

fn confirm(to: &Msisdn, template: &str) -> NewSms {
    NewSms {
        client: "dargah".into(),
        client_ref: Some(template.into()),
        idempotency_key: None,
        recipient: to.clone(),
        sender: None,
        body: format!("{template}: تغییر شما ثبت شد"),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    }
}

/// (recipient, template) of the outbox rows, in order.
async fn outbox(db: &TestDb) -> Vec<(String, String)> {
    sqlx::query_as("SELECT recipient, client_ref FROM sms_outbox ORDER BY id")
        .fetch_all(&db.raw().await)
        .await
        .unwrap()
}

/// Makes every insert into the outbox fail, as a full disk or a lost
/// connection would at that moment; `false` takes it away again.
async fn refuse_outbox(db: &TestDb, refuse: bool) {
    let statements: &[&str] = match (&db.url, refuse) {
        (DatabaseUrl::Sqlite(_), true) => {
            &["CREATE TRIGGER refuse_sms BEFORE INSERT ON sms_outbox \
             BEGIN SELECT RAISE(ABORT, 'outbox refused'); END"]
        }
        (DatabaseUrl::Sqlite(_), false) => &["DROP TRIGGER refuse_sms"],
        (DatabaseUrl::Postgres(_), true) => &[
            "CREATE FUNCTION refuse_sms() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'outbox refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_sms BEFORE INSERT ON sms_outbox \
             FOR EACH ROW EXECUTE FUNCTION refuse_sms()",
        ],
        (DatabaseUrl::Postgres(_), false) => &[
            "DROP TRIGGER refuse_sms ON sms_outbox",
            "DROP FUNCTION refuse_sms()",
        ],
    };
    let raw = db.raw().await;
    for sql in statements {
        sqlx::query(sql).execute(&raw).await.unwrap();
    }
}

async fn delivery_office(r: &dyn dargah::registry::Registry) -> i64 {
    r.add_delivery_office(&DeliveryOffice {
        id: 0,
        code: "D1".into(),
        name: "پست مراغه".into(),
        city: "مراغه".into(),
        area_code: AreaCode::parse("041").unwrap(),
        phone: "37225100".into(),
        address: "مراغه - خ پاسداران".into(),
    })
    .await
    .unwrap()
}

async fn each_change_writes_its_confirmation_in_its_own_transaction(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let (old, new) = (
        slot(r.as_ref(), o, day(2), Shift::Morning, 5).await,
        slot(r.as_ref(), o, day(3), Shift::Evening, 5).await,
    );
    let id = request(r.as_ref(), 1, RequestState::AppointmentChosen, Some(old)).await;
    let moved = [confirm(&mobile(1), "appointment_moved")];
    let outcome = r.move_appointment(id, new, &actor(1), &moved).await;
    assert_eq!(outcome.unwrap(), ChangeOutcome::Changed);
    // A change that is not made announces nothing.
    let outcome = r.move_appointment(id, new, &actor(1), &moved).await;
    assert_eq!(outcome.unwrap(), ChangeOutcome::Unchanged);

    let both = [
        confirm(&mobile(2), "mobile_changed_new"),
        confirm(&mobile(1), "mobile_changed_old"),
    ];
    let outcome = r.change_mobile(id, &mobile(2), &actor(2), &both).await;
    assert_eq!(outcome.unwrap(), ChangeOutcome::Changed);

    let d = delivery_office(r.as_ref()).await;
    let late = request(r.as_ref(), 3, RequestState::ProductionStarted, None).await;
    let refused = [confirm(&mobile(3), "delivery_office_changed")];
    let outcome = r.change_delivery_office(late, d, &actor(3), &refused).await;
    assert!(matches!(outcome.unwrap(), ChangeOutcome::NotAllowed(_)));

    let expected = [
        (mobile(1), "appointment_moved"),
        (mobile(2), "mobile_changed_new"),
        (mobile(1), "mobile_changed_old"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, t)| (m.as_str().to_owned(), (*t).to_owned()))
        .collect();
    assert_eq!(outbox(&db).await, expected);
}

async fn an_outbox_that_refuses_the_confirmation_rolls_the_change_back(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "A", "041", "33301111", Facilities::default()).await;
    let (old, new) = (
        slot(r.as_ref(), o, day(2), Shift::Morning, 5).await,
        slot(r.as_ref(), o, day(3), Shift::Evening, 5).await,
    );
    let id = request(r.as_ref(), 1, RequestState::EnrollmentCompleted, Some(old)).await;
    let d = delivery_office(r.as_ref()).await;
    let moved = [confirm(&mobile(1), "appointment_moved")];
    let both = [
        confirm(&mobile(2), "mobile_changed_new"),
        confirm(&mobile(1), "mobile_changed_old"),
    ];
    let office_changed = [confirm(&mobile(1), "delivery_office_changed")];

    refuse_outbox(&db, true).await;
    // `id` is past enrollment (its appointment is fixed): a second request moves.
    let id_moving = request(r.as_ref(), 4, RequestState::AppointmentChosen, Some(old)).await;
    assert!(
        r.move_appointment(id_moving, new, &actor(4), &moved)
            .await
            .is_err()
    );
    assert!(
        r.change_mobile(id, &mobile(2), &actor(2), &both)
            .await
            .is_err()
    );
    let outcome = r
        .change_delivery_office(id, d, &actor(1), &office_changed)
        .await;
    assert!(outcome.is_err());

    let before = r.request(id).await.unwrap().unwrap();
    assert_eq!(
        before.mobile,
        mobile(1),
        "the mobile change was rolled back"
    );
    assert_eq!(before.delivery_office_id, None, "the office change too");
    let moving = r.request(id_moving).await.unwrap().unwrap();
    assert_eq!(moving.appointment, Some(old), "the move too");
    assert_eq!(r.capacity(&old).await.unwrap(), Some((2, 5)));
    assert_eq!(r.capacity(&new).await.unwrap(), Some((0, 5)));
    for request in [id, id_moving] {
        let trail = r.audit_trail("card_request", &request.to_string()).await;
        assert!(
            trail.unwrap().is_empty(),
            "no audit row of a change not made"
        );
    }
    assert!(outbox(&db).await.is_empty());

    // The same changes once the outbox takes rows: made, and announced.
    refuse_outbox(&db, false).await;
    let outcome = r.change_mobile(id, &mobile(2), &actor(2), &both).await;
    assert_eq!(outcome.unwrap(), ChangeOutcome::Changed);
    assert_eq!(r.request(id).await.unwrap().unwrap().mobile, mobile(2));
    let sent = outbox(&db).await;
    assert_eq!(sent.len(), 2);
    assert!(sent.contains(&(mobile(1).as_str().to_owned(), "mobile_changed_old".into())));
}

crate::on_both_backends!(
    each_change_writes_its_confirmation_in_its_own_transaction,
    an_outbox_that_refuses_the_confirmation_rolls_the_change_back,
);
