//! MO SMS end to end: the in-repo sink sends deliver_sm (whole, and a
//! two-part UCS-2 Persian message out of order) to a running gateway; the
//! messages land whole in `sms_inbox`, are acknowledged, and keywords are
//! answered through the outbox, on both backends.

use crate::fixtures::*;
use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;
use bytes::Bytes;
use dargah::config::Settings;
use dargah::registry::model::{Facilities, RequestState, Shift};
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::smpp::pdu::{Address, ShortMessage};
use std::time::Duration;

/// Our short number.
const SHORT: &str = "6090";

/// A gateway bound to `sink` as carrier `mci`.
pub(crate) fn settings(db: &TestDb, sink: &Sink) -> Settings {
    let mut s = db.settings();
    let mut c = CarrierSettings::new("127.0.0.1", sink.port(), "dargah", "secret");
    c.reconnect_min = Duration::from_millis(50);
    c.reconnect_max = Duration::from_millis(400);
    s.carriers.insert("mci".into(), c);
    s.sms.dispatch.poll_interval = Duration::from_millis(50);
    s
}

fn address(addr: &str) -> Address {
    Address {
        ton: 1,
        npi: 1,
        addr: Bytes::from(addr.to_owned()),
    }
}

fn ucs2(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// A one-part UCS-2 MO from `from`.
pub(crate) fn mo(from: &str, text: &str) -> ShortMessage {
    ShortMessage {
        source: address(from),
        destination: address(SHORT),
        data_coding: 8,
        short_message: Bytes::from(ucs2(text)),
        ..ShortMessage::default()
    }
}

/// Part `seq` of `total` of a UDH-concatenated UCS-2 MO with reference `reference`.
fn mo_part(from: &str, reference: u8, total: u8, seq: u8, text: &str) -> ShortMessage {
    let mut octets = vec![5, 0, 3, reference, total, seq];
    octets.extend(ucs2(text));
    ShortMessage {
        esm_class: 0x40,
        short_message: Bytes::from(octets),
        ..mo(from, "")
    }
}

/// Rows of `sql`, polled until there are `n` (or fails after 20 s).
pub(crate) async fn rows<T>(db: &TestDb, sql: &str, n: usize) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let pool = db.raw().await;
    for _ in 0..400 {
        let got: Vec<T> = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {n} rows of {sql}");
}

async fn inbox(db: &TestDb, n: usize) -> Vec<(String, String, i64, String, Option<String>)> {
    let sql = "SELECT source, text, parts, state, handled_by FROM sms_inbox \
               WHERE state <> 'received' ORDER BY id";
    rows(db, sql, n).await
}

async fn replies(db: &TestDb, n: usize) -> Vec<(String, String)> {
    rows(db, "SELECT recipient, body FROM sms_outbox ORDER BY id", n).await
}

pub(crate) async fn stop(app: TestApp) {
    app.shutdown.trigger();
    let _ = app.server.await;
}

async fn a_two_part_persian_status_keyword_is_stored_whole_and_answered_with_the_guidance(
    db: TestDb,
) {
    let r = db.registry().await;
    request(r.as_ref(), 1, RequestState::ProductionStarted, None).await;
    let sink = Sink::start(false).await.unwrap();
    let app = spawn_app_with(settings(&db, &sink)).await;
    let from = mobile(1).local();
    // Part 2 first, with the Arabic yeh the keyword normalisation accepts.
    sink.send_mo(mo_part(&from, 7, 2, 2, "عيت"));
    sink.send_mo(mo_part(&from, 7, 2, 1, "وض"));

    let stored = inbox(&db, 1).await;
    assert_eq!(
        stored,
        vec![(
            from.clone(),
            "وضعيت".to_owned(),
            2,
            "replied".to_owned(),
            Some("status".to_owned())
        )]
    );
    let sent = replies(&db, 1).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, mobile(1).as_str());
    assert!(sent[0].1.contains("در حال صدور کارت"), "{}", sent[0].1);
    assert!(
        sent[0].1.contains("کارت شما در حال صدور است"),
        "{}",
        sent[0].1
    );
    let parts: Vec<(i64,)> = sqlx::query_as("SELECT COUNT(*) FROM sms_inbox_parts")
        .fetch_all(&db.raw().await)
        .await
        .unwrap();
    assert_eq!(parts, vec![(0,)], "joined parts are removed");
    assert_eq!(sink.mo_acked(), 2, "each part acknowledged once stored");
    stop(app).await;
}

async fn a_national_id_from_another_phone_gets_the_stage_without_the_appointment(db: TestDb) {
    let r = db.registry().await;
    let o = office(r.as_ref(), "M", "041", "33301111", Facilities::default()).await;
    let s = slot(r.as_ref(), o, day(10), Shift::Morning, 5).await;
    request(r.as_ref(), 2, RequestState::AppointmentChosen, Some(s)).await;
    let sink = Sink::start(false).await.unwrap();
    let app = spawn_app_with(settings(&db, &sink)).await;
    let persian_id = dargah::domain::digits::to_persian_digits(nid(2).as_str());
    sink.send_mo(mo("09350000001", &persian_id));
    sink.send_mo(mo(&mobile(2).local(), nid(2).as_str()));

    let sent = replies(&db, 2).await;
    let stranger = sent.iter().find(|(to, _)| to == "989350000001").unwrap();
    assert!(
        stranger.1.contains("پرداخت شده، منتظر مراجعه"),
        "{}",
        stranger.1
    );
    assert!(
        !stranger.1.contains("دفتر M"),
        "no office to a stranger: {}",
        stranger.1
    );
    let owner = sent
        .iter()
        .find(|(to, _)| to == mobile(2).as_str())
        .unwrap();
    assert!(
        owner.1.contains("دفتر M"),
        "the owner gets the office: {}",
        owner.1
    );
    assert_eq!(inbox(&db, 2).await.len(), 2);
    stop(app).await;
}

async fn an_unknown_id_gets_the_not_found_reply_and_other_text_stays_unclaimed(db: TestDb) {
    db.registry().await;
    let sink = Sink::start(false).await.unwrap();
    let app = spawn_app_with(settings(&db, &sink)).await;
    sink.send_mo(mo("09350000002", nid(99).as_str()));
    sink.send_mo(mo("09350000003", "سلام، کارت من کی می‌رسد؟"));

    let stored = inbox(&db, 2).await;
    let states: Vec<(&str, Option<&str>)> = stored
        .iter()
        .map(|r| (r.3.as_str(), r.4.as_deref()))
        .collect();
    assert!(states.contains(&("replied", Some("status"))), "{states:?}");
    assert!(states.contains(&("unclaimed", None)), "{states:?}");
    let sent = replies(&db, 1).await;
    assert_eq!(sent.len(), 1, "only the keyword is answered: {sent:?}");
    assert_eq!(sent[0].0, "989350000002");
    assert!(sent[0].1.contains("پیدا نشد"), "{}", sent[0].1);
    stop(app).await;
}

/// A crash between storing a message and answering it (or a keyword service
/// that failed) leaves it `received`; the sweep answers it later, once.
async fn a_message_left_received_is_answered_by_the_sweep(db: TestDb) {
    db.registry().await;
    let store = dargah::registry::connect_lazy(&db.settings().database)
        .unwrap()
        .inbox;
    let env = dargah::sms::inbox::Envelope {
        carrier: "mci".into(),
        source: "989350000004".into(),
        destination: "6090".into(),
        data_coding: 8,
    };
    let now = chrono::Utc::now();
    let old = store
        .store_whole(
            &env,
            Some("پیام بی‌پاسخ"),
            now - chrono::Duration::minutes(5),
        )
        .await
        .unwrap();
    let fresh = store.store_whole(&env, Some("تازه"), now).await.unwrap();
    let consumer = dargah::sms::inbox::mo::MoConsumer {
        store: store.clone(),
        replies: None,
        forward: false,
    };
    let cutoff = now - dargah::sms::inbox::mo::STRANDED_AFTER;
    assert_eq!(consumer.sweep_once(cutoff).await.unwrap(), 1);
    assert_eq!(
        consumer.sweep_once(cutoff).await.unwrap(),
        0,
        "answered once"
    );
    let states: Vec<(i64, String)> = sqlx::query_as("SELECT id, state FROM sms_inbox ORDER BY id")
        .fetch_all(&db.raw().await)
        .await
        .unwrap();
    assert_eq!(
        states,
        [(old.id, "unclaimed".into()), (fresh.id, "received".into())],
        "the message being answered right now is left to its own task"
    );
}

on_both_backends!(
    a_message_left_received_is_answered_by_the_sweep,
    a_two_part_persian_status_keyword_is_stored_whole_and_answered_with_the_guidance,
    a_national_id_from_another_phone_gets_the_stage_without_the_appointment,
    an_unknown_id_gets_the_not_found_reply_and_other_text_stays_unclaimed,
);
