//! The dispatcher end to end: outbox rows → SMPP (the in-repo sink) →
//! receipts → message states, on both backends.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;
use chrono::{Duration as Span, Utc};
use dargah::config::Settings;
use dargah::domain::Msisdn;
use dargah::registry;
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::sms::dispatch::{Fate, ReceiptUpdate, SharedDispatchStore};
use dargah::sms::outbox::{NewSms, Priority};
use std::time::Duration;

fn carrier(port: u16) -> CarrierSettings {
    let mut s = CarrierSettings::new("127.0.0.1", port, "dargah", "secret");
    s.reconnect_min = Duration::from_millis(50);
    s.reconnect_max = Duration::from_millis(400);
    s
}

/// Settings binding each named carrier to its sink, polling every 50 ms.
pub(crate) fn settings(db: &TestDb, carriers: &[(&str, &Sink)]) -> Settings {
    let mut s = db.settings();
    for (name, sink) in carriers {
        s.carriers.insert((*name).into(), carrier(sink.port()));
    }
    s.sms.dispatch.poll_interval = Duration::from_millis(50);
    s.sms.dispatch.batch = 100;
    s
}

/// A plain message from client `test`.
pub(crate) fn sms(to: &str, body: &str) -> NewSms {
    NewSms {
        client: "test".into(),
        client_ref: None,
        idempotency_key: None,
        recipient: Msisdn::parse(to).unwrap(),
        sender: None,
        body: body.into(),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    }
}

async fn store(db: &TestDb) -> SharedDispatchStore {
    db.registry().await;
    registry::connect_lazy(&db.settings().database)
        .unwrap()
        .dispatch
}

async fn states(db: &TestDb) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT state, COUNT(*) FROM sms_outbox GROUP BY state ORDER BY state")
        .fetch_all(&db.raw().await)
        .await
        .unwrap()
}

/// Waits until every message is in `state` (or fails after 20 s).
async fn until_all(db: &TestDb, state: &str, n: i64) {
    for _ in 0..400 {
        if states(db).await == vec![(state.to_owned(), n)] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never all {state}: {:?}", states(db).await);
}

async fn stop(app: TestApp) {
    app.shutdown.trigger();
    let _ = app.server.await;
}

async fn queued_messages_are_submitted_and_receipts_mark_them_delivered(db: TestDb) {
    let sink = Sink::start(true).await.unwrap();
    let app = spawn_app_with(settings(&db, &[("mci", &sink)])).await;
    app.wait_ready().await;
    let mut batch: Vec<NewSms> = (0..300)
        .map(|i| sms("09121234567", &format!("m{i}")))
        .collect();
    batch.push(sms("09121234567", &"کارت ملی شما آماده است. ".repeat(6)));
    app.outbox.enqueue_batch(&batch).await.unwrap();
    until_all(&db, "delivered", 301).await;
    let received = sink.received();
    // The Persian text is UCS-2 in three parts; every part is matched.
    assert_eq!(received.len(), 303);
    assert!(received.iter().all(|r| r.destination == "989121234567"));
    let (parts, keyed): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(smsc_key) FROM sms_parts WHERE receipt_state = 'DELIVRD'",
    )
    .fetch_one(&db.raw().await)
    .await
    .unwrap();
    assert_eq!((parts, keyed), (303, 303));
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    let mut series = vec![
        "dargah_sms_submitted_total",
        "dargah_sms_receipts_total{result=\"matched\"}",
    ];
    if db.url.expose().starts_with("sqlite:") {
        series.extend([
            "dargah_sqlite_write_held_seconds_count",
            "dargah_sqlite_write_wait_seconds_count",
        ]);
    }
    for series in series {
        assert!(metrics.contains(series), "{series} missing from /metrics");
    }
    stop(app).await;
}

async fn a_ported_number_goes_to_its_new_carrier(db: TestDb) {
    let (mci, irancell) = (
        Sink::start(false).await.unwrap(),
        Sink::start(false).await.unwrap(),
    );
    store(&db)
        .await
        .set_number_route("989121111111", "irancell")
        .await
        .unwrap();
    let app = spawn_app_with(settings(&db, &[("mci", &mci), ("irancell", &irancell)])).await;
    app.wait_ready().await;
    let batch = [
        sms("09121111111", "ported"),
        sms("09122222222", "home"),
        sms("09351234567", "mtn"),
    ];
    app.outbox.enqueue_batch(&batch).await.unwrap();
    until_all(&db, "submitted", 3).await;
    let texts = |s: &Sink| s.received().into_iter().map(|r| r.text).collect::<Vec<_>>();
    assert_eq!(texts(&mci), vec!["home"]);
    let mut other = texts(&irancell);
    other.sort();
    assert_eq!(other, vec!["mtn", "ported"]);
    stop(app).await;
}

async fn unroutable_and_expired_messages_are_never_sent(db: TestDb) {
    let sink = Sink::start(false).await.unwrap();
    let app = spawn_app_with(settings(&db, &[("mci", &sink)])).await;
    app.wait_ready().await;
    let mut stale = sms("09121234567", "too late");
    stale.valid_until = Some(Utc::now() - Span::seconds(1));
    let id_stale = app.outbox.enqueue(&stale).await.unwrap().id();
    // 0931 is no operator's prefix and no fallback is configured.
    let id_lost = app
        .outbox
        .enqueue(&sms("09311234567", "nowhere"))
        .await
        .unwrap()
        .id();
    // Wait for both to settle: a claimed message passes through Submitting,
    // so "no longer queued" is not yet an outcome.
    for _ in 0..400 {
        let a = app.outbox.sms(id_stale).await.unwrap().unwrap();
        let b = app.outbox.sms(id_lost).await.unwrap().unwrap();
        if a.state == dargah::sms::outbox::SmsState::Expired
            && b.state == dargah::sms::outbox::SmsState::Failed
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let a = app.outbox.sms(id_stale).await.unwrap().unwrap();
    let b = app.outbox.sms(id_lost).await.unwrap().unwrap();
    assert_eq!(a.state, dargah::sms::outbox::SmsState::Expired);
    assert_eq!(b.state, dargah::sms::outbox::SmsState::Failed);
    assert!(b.error.unwrap().contains("no route"));
    assert_eq!(sink.count(), 0);
    stop(app).await;
}

async fn claims_take_urgent_messages_first_and_stale_claims_come_back(db: TestDb) {
    let store = store(&db).await;
    let outbox = registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox;
    let mut otp = sms("09121234567", "code 1234");
    otp.priority = Priority::URGENT;
    outbox.enqueue(&sms("09121234567", "bulk")).await.unwrap();
    let urgent = outbox.enqueue(&otp).await.unwrap().id();
    let first = store.claim(1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, urgent);
    assert_eq!(first[0].attempts, 1);
    // A claim is exclusive until it goes stale.
    assert_eq!(store.claim(10).await.unwrap().len(), 1);
    assert!(store.claim(10).await.unwrap().is_empty());
    assert_eq!(
        store
            .requeue_stale(Utc::now() - Span::minutes(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .requeue_stale(Utc::now() + Span::seconds(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.claim(10).await.unwrap().len(), 2);
}

async fn receipts_aggregate_parts_and_unknown_ones_match_nothing(db: TestDb) {
    let store = store(&db).await;
    let outbox = registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox;
    outbox
        .enqueue(&sms("09121234567", "two parts"))
        .await
        .unwrap();
    let row = store.claim(1).await.unwrap().remove(0);
    let part = |n: i64, id: &str| dargah::sms::dispatch::AcceptedPart {
        part_no: n,
        message_id: id.into(),
        key: id.into(),
    };
    let parts = vec![part(1, "a1"), part(2, "a2")];
    let carrier = "mci".to_owned();
    store
        .record(&[Fate::Submitted {
            id: row.id,
            carrier,
            parts,
        }])
        .await
        .unwrap();
    let receipt = |k: &str, s: &str| ReceiptUpdate {
        carrier: "mci".into(),
        key: k.into(),
        stat: s.into(),
        error: None,
    };
    let state = || async { outbox.sms(row.id).await.unwrap().unwrap().state };
    let matched = store
        .apply_receipts(&[receipt("a1", "DELIVRD"), receipt("zz", "DELIVRD")])
        .await;
    assert_eq!(matched.unwrap(), vec![("mci".to_owned(), "a1".to_owned())]);
    assert_eq!(state().await, dargah::sms::outbox::SmsState::Submitted);
    store
        .apply_receipts(&[receipt("a2", "UNDELIV")])
        .await
        .unwrap();
    assert_eq!(state().await, dargah::sms::outbox::SmsState::Undeliverable);
}

async fn a_graceful_stop_mid_run_leaves_every_unsent_message_queued(db: TestDb) {
    let sink = Sink::start(false).await.unwrap();
    let mut s = settings(&db, &[("mci", &sink)]);
    if let Some(c) = s.carriers.get_mut("mci") {
        c.max_tps = Some(300);
    }
    let app = spawn_app_with(s).await;
    app.wait_ready().await;
    let batch: Vec<NewSms> = (0..1000)
        .map(|i| sms("09121234567", &format!("m{i}")))
        .collect();
    app.outbox.enqueue_batch(&batch).await.unwrap();
    while sink.count() < 100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop(app).await;
    let by_state = states(&db).await;
    let get = |name: &str| {
        by_state
            .iter()
            .find(|(s, _)| s == name)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(get("submitting"), 0, "{by_state:?}");
    assert!(get("queued") > 0, "the stop came too late: {by_state:?}");
    assert_eq!(get("queued") + get("submitted"), 1000, "{by_state:?}");
    // What the sink accepted is what was recorded submitted, nothing more.
    assert_eq!(get("submitted"), sink.count() as i64);
}

on_both_backends!(
    a_graceful_stop_mid_run_leaves_every_unsent_message_queued,
    queued_messages_are_submitted_and_receipts_mark_them_delivered,
    a_ported_number_goes_to_its_new_carrier,
    unroutable_and_expired_messages_are_never_sent,
    claims_take_urgent_messages_first_and_stale_claims_come_back,
    receipts_aggregate_parts_and_unknown_ones_match_nothing,
);

/// SQLite's claims live in the dispatching process's memory, so a second
/// gateway on the same file must not dispatch while the first one lives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_gateway_on_one_sqlite_file_claims_nothing_until_the_first_is_gone() {
    let db = TestDb::sqlite().await;
    let first = store(&db).await;
    let second = store(&db).await;
    let outbox = registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox;
    outbox.enqueue(&sms("09121234567", "one")).await.unwrap();
    outbox.enqueue(&sms("09121234567", "two")).await.unwrap();
    assert_eq!(first.claim(1).await.unwrap().len(), 1);
    assert!(second.claim(10).await.unwrap().is_empty());
    drop(first);
    // The first one's claim went with it: its row is due again.
    assert_eq!(second.claim(10).await.unwrap().len(), 2);
}
