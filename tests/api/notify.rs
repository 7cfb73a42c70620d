//! Notifications from the registry: a change by anyone (here the web side's
//! own UPDATE) becomes exactly one SMS, across notifier restarts and with two
//! notifiers racing; reminders go out once per request and day.

use crate::fixtures::*;
use crate::helpers::TestDb;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use dargah::registry::model::*;
use dargah::registry::{self, Database};
use dargah::sms::events::{EventNotifier, NotifySettings, Render, tehran_today};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Renders `template|var=value|…`, so a test sees which template and
/// variables an SMS was made from.
struct Echo;

impl Render for Echo {
    fn render(&self, template: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
        if template == "payment_timed_out" {
            return Err("no text for payment_timed_out".into());
        }
        let vars: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Ok(format!("{template}|{}", vars.join("|")))
    }
}

async fn database(db: &TestDb) -> Database {
    let d = registry::connect_lazy(&db.settings().database).expect("database");
    d.registry.migrate().await.expect("migrations apply");
    d
}

/// A notifier as a freshly started gateway would have it: its own pool.
async fn notifier(db: &TestDb) -> EventNotifier {
    EventNotifier::new(
        database(db).await.events,
        Arc::new(Echo),
        NotifySettings::default(),
    )
}

/// (recipient, body) of the gateway's own messages, in order.
async fn sent(db: &TestDb) -> Vec<(String, String)> {
    use sqlx::Row;
    let rows =
        sqlx::query("SELECT recipient, body FROM sms_outbox WHERE client = 'dargah' ORDER BY id")
            .fetch_all(&db.raw().await)
            .await
            .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

async fn web_update(db: &TestDb, sql: &str, id: i64) {
    sqlx::query(sql)
        .bind(id)
        .execute(&db.raw().await)
        .await
        .unwrap();
}

async fn a_web_side_update_sends_exactly_one_sms_across_a_notifier_restart(db: TestDb) {
    let r = database(&db).await.registry;
    let id = request(r.as_ref(), 1, RequestState::CardProduced, None).await;
    web_update(
        &db,
        "UPDATE card_requests SET state = 'card_at_delivery_office' WHERE id = $1",
        id,
    )
    .await;
    assert!(
        sent(&db).await.is_empty(),
        "nothing is sent before a notifier runs"
    );

    assert_eq!(notifier(&db).await.drain(Utc::now()).await.unwrap(), 1);
    assert_eq!(
        notifier(&db).await.drain(Utc::now()).await.unwrap(),
        0,
        "a restarted notifier finds nothing"
    );
    let sms = sent(&db).await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].0, mobile(1).as_str());
    assert!(
        sms[0].1.starts_with("state_card_at_delivery_office|"),
        "{}",
        sms[0].1
    );
}

async fn two_notifiers_racing_send_each_event_once(db: TestDb) {
    let r = database(&db).await.registry;
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(request(r.as_ref(), 100 + n, RequestState::EnrollmentStarted, None).await);
    }
    for id in &ids {
        web_update(
            &db,
            "UPDATE card_requests SET state = 'enrollment_completed' WHERE id = $1",
            *id,
        )
        .await;
    }
    let (a, b) = (notifier(&db).await, notifier(&db).await);
    let (x, y) = tokio::join!(a.drain(Utc::now()), b.drain(Utc::now()));
    assert_eq!(x.unwrap() + y.unwrap(), 30);
    assert_eq!(sent(&db).await.len(), 30);
}

async fn a_mobile_change_by_the_web_side_tells_the_old_and_the_new_number(db: TestDb) {
    let r = database(&db).await.registry;
    let id = request(r.as_ref(), 2, RequestState::AppointmentChosen, None).await;
    let sql = format!(
        "UPDATE card_requests SET mobile = '{}' WHERE id = $1",
        mobile(3).as_str()
    );
    web_update(&db, &sql, id).await;
    notifier(&db).await.drain(Utc::now()).await.unwrap();
    let to: Vec<_> = sent(&db)
        .await
        .into_iter()
        .map(|(to, body)| (to, body.split('|').next().unwrap().to_owned()))
        .collect();
    assert_eq!(
        to,
        [
            (
                mobile(2).as_str().to_owned(),
                "mobile_changed_old".to_owned()
            ),
            (
                mobile(3).as_str().to_owned(),
                "mobile_changed_new".to_owned()
            ),
        ]
    );
}

async fn a_change_made_over_ussd_is_left_to_the_service_that_announced_it(db: TestDb) {
    use sqlx::Row;
    let r = database(&db).await.registry;
    let id = request(r.as_ref(), 8, RequestState::AppointmentChosen, None).await;
    let outcome = r
        .change_mobile(id, &mobile(9), &Actor::ussd(&mobile(8)), &[])
        .await
        .unwrap();
    assert_eq!(outcome, ChangeOutcome::Changed);
    web_update(
        &db,
        "UPDATE card_requests SET state = 'enrollment_started' WHERE id = $1",
        id,
    )
    .await;
    notifier(&db).await.drain(Utc::now()).await.unwrap();
    let sms = sent(&db).await;
    assert_eq!(sms.len(), 1, "only the web side's change: {sms:?}");
    assert!(sms[0].1.starts_with("state_enrollment_started|"));
    assert_eq!(sms[0].0, mobile(9).as_str(), "to the mobile now registered");
    let row =
        sqlx::query("SELECT skipped FROM request_events WHERE request_id = $1 AND kind = 'mobile'")
            .bind(id)
            .fetch_one(&db.raw().await)
            .await
            .unwrap();
    let skipped: Option<String> = row.get(0);
    assert_eq!(skipped.as_deref(), Some("announced by the ussd service"));
}

async fn an_event_that_cannot_be_rendered_is_recorded_and_not_retried(db: TestDb) {
    use sqlx::Row;
    let r = database(&db).await.registry;
    let id = request(r.as_ref(), 4, RequestState::AppointmentChosen, None).await;
    web_update(
        &db,
        "UPDATE card_requests SET payment_state = 'timed_out' WHERE id = $1",
        id,
    )
    .await;
    assert_eq!(notifier(&db).await.drain(Utc::now()).await.unwrap(), 1);
    assert_eq!(notifier(&db).await.drain(Utc::now()).await.unwrap(), 0);
    assert!(sent(&db).await.is_empty());
    let row = sqlx::query("SELECT skipped FROM request_events WHERE request_id = $1")
        .bind(id)
        .fetch_one(&db.raw().await)
        .await
        .unwrap();
    let error: Option<String> = row.get(0);
    assert!(error.unwrap().contains("payment_timed_out"));
}

/// 10:30 in Tehran on `now`'s Tehran date.
fn morning_in_tehran() -> DateTime<Utc> {
    let today = tehran_today(Utc::now());
    Utc.from_utc_datetime(&today.and_time(NaiveTime::from_hms_opt(7, 0, 0).unwrap()))
}

async fn a_reminder_goes_out_once_the_day_before_the_appointment(db: TestDb) {
    let r = database(&db).await.registry;
    let now = morning_in_tehran();
    let tomorrow = tehran_today(now).succ_opt().unwrap();
    let o = office(r.as_ref(), "R", "041", "33301111", Facilities::default()).await;
    let s = slot(r.as_ref(), o, tomorrow, Shift::Evening, 5).await;
    request(r.as_ref(), 5, RequestState::AppointmentChosen, Some(s)).await;
    let later = slot(
        r.as_ref(),
        o,
        tomorrow.succ_opt().unwrap(),
        Shift::Evening,
        5,
    )
    .await;
    request(r.as_ref(), 6, RequestState::AppointmentChosen, Some(later)).await;

    let n = notifier(&db).await;
    assert_eq!(n.remind(now).await.unwrap(), 1);
    assert_eq!(n.remind(now + chrono::Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(
        notifier(&db).await.remind(now).await.unwrap(),
        0,
        "a restart does not repeat it"
    );
    let sms = sent(&db).await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].0, mobile(5).as_str());
    assert!(
        sms[0].1.contains(&format!("date={tomorrow}")),
        "{}",
        sms[0].1
    );
    assert!(sms[0].1.contains("shift=evening"));
}

async fn no_reminder_is_sent_at_night(db: TestDb) {
    let r = database(&db).await.registry;
    let night = morning_in_tehran() - chrono::Duration::hours(6);
    let tomorrow = tehran_today(night).succ_opt().unwrap();
    let o = office(r.as_ref(), "N", "041", "33301111", Facilities::default()).await;
    let s = slot(r.as_ref(), o, tomorrow, Shift::Morning, 5).await;
    request(r.as_ref(), 7, RequestState::AppointmentChosen, Some(s)).await;
    assert_eq!(notifier(&db).await.remind(night).await.unwrap(), 0);
    assert!(sent(&db).await.is_empty());
}

/// The whole path in a running gateway: the web side marks a card ready, the
/// notifier started by `serve` enqueues the Persian text of `menus/sms`.
async fn a_running_gateway_texts_card_ready_in_persian_from_the_templates(db: TestDb) {
    use dargah::domain::AreaCode;
    let mut settings = db.settings();
    settings.notify.poll_interval = std::time::Duration::from_millis(50);
    let app = crate::helpers::spawn_app_with(settings).await;
    app.wait_ready().await;
    let r = app.registry.clone();
    let office = r
        .add_delivery_office(&DeliveryOffice {
            id: 0,
            code: "P1".into(),
            name: "اداره پست مرکزی تبریز".into(),
            city: "تبریز".into(),
            area_code: AreaCode::parse("041").unwrap(),
            phone: "33300000".into(),
            address: "تبریز، خیابان امام".into(),
        })
        .await
        .unwrap();
    let id = request(r.as_ref(), 10, RequestState::CardProduced, None).await;
    let sql = format!(
        "UPDATE card_requests SET state = 'card_at_delivery_office', delivery_office_id = {office} WHERE id = $1"
    );
    web_update(&db, &sql, id).await;
    let mut sms = Vec::new();
    for _ in 0..200 {
        sms = sent(&db).await;
        if sms.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let bodies: Vec<&str> = sms.iter().map(|(_, b)| b.as_str()).collect();
    assert_eq!(
        bodies.len(),
        2,
        "the state and the delivery office: {bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("آماده تحویل") && b.contains("اداره پست مرکزی تبریز")),
        "{bodies:?}"
    );
    assert!(sms.iter().all(|(to, _)| to == mobile(10).as_str()));
}

crate::on_both_backends!(
    a_running_gateway_texts_card_ready_in_persian_from_the_templates,
    a_web_side_update_sends_exactly_one_sms_across_a_notifier_restart,
    two_notifiers_racing_send_each_event_once,
    a_mobile_change_by_the_web_side_tells_the_old_and_the_new_number,
    a_change_made_over_ussd_is_left_to_the_service_that_announced_it,
    an_event_that_cannot_be_rendered_is_recorded_and_not_retried,
    a_reminder_goes_out_once_the_day_before_the_appointment,
    no_reminder_is_sent_at_night,
);
