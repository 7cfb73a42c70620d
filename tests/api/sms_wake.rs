//! What wakes the dispatcher before its poll: the gateway's own enqueues
//! ring an in-process bell (both backends); rows the web side inserts
//! directly `NOTIFY` (PostgreSQL). The gateway's enqueues must not `NOTIFY`,
//! because PostgreSQL serialises the commits of notifying transactions.

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::on_both_backends;
use dargah::config::Settings;
use dargah::registry;
use dargah::sim::sink::Sink;
use dargah::sms::outbox::NewSms;
use sqlx::postgres::PgListener;
use std::time::{Duration, Instant};

/// A gateway bound to `sink` whose dispatcher polls only once a minute.
fn slow_poll(db: &TestDb, sink: &Sink) -> Settings {
    let mut s = crate::sms_dispatch::settings(db, &[("mci", sink)]);
    s.sms.dispatch.poll_interval = Duration::from_secs(60);
    s
}

fn sms(body: &str) -> NewSms {
    crate::sms_dispatch::sms("09121234567", body)
}

/// A ready gateway whose dispatcher has made its first (empty) claim and
/// gone to sleep for its 60 s poll.
async fn idle_gateway(db: &TestDb, sink: &Sink) -> TestApp {
    let app = spawn_app_with(slow_poll(db, sink)).await;
    app.wait_ready().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    app
}

/// Waits up to 20 s for the sink to have `n` submits.
async fn until_submitted(sink: &Sink, n: usize) -> bool {
    let started = Instant::now();
    while sink.count() < n && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sink.count() == n
}

async fn a_message_the_gateway_enqueues_is_sent_at_once_not_at_the_next_poll(db: TestDb) {
    let sink = Sink::start(false).await.unwrap();
    let app = idle_gateway(&db, &sink).await;
    app.outbox.enqueue(&sms("one")).await.unwrap();
    assert!(
        until_submitted(&sink, 1).await,
        "not woken (the poll is 60 s)"
    );
    // A batch (its own transaction) rings too, and so does a second ring
    // while the first batch is still being dispatched.
    app.outbox
        .enqueue_batch(&[sms("two"), sms("three")])
        .await
        .unwrap();
    assert!(
        until_submitted(&sink, 3).await,
        "{} submitted",
        sink.count()
    );
    app.shutdown.trigger();
    let _ = app.server.await;
}

on_both_backends!(a_message_the_gateway_enqueues_is_sent_at_once_not_at_the_next_poll);

/// PostgreSQL only: a row the web side inserts itself wakes the dispatcher
/// through the trigger's NOTIFY, long before the poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_row_the_web_side_inserts_wakes_the_dispatcher() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let sink = Sink::start(false).await.unwrap();
    let app = idle_gateway(&db, &sink).await;
    sqlx::query("INSERT INTO sms_outbox (recipient, body) VALUES ('989121234567', 'from web')")
        .execute(&db.raw().await)
        .await
        .unwrap();
    assert!(
        until_submitted(&sink, 1).await,
        "not woken (the poll is 60 s)"
    );
    app.shutdown.trigger();
    let _ = app.server.await;
}

/// PostgreSQL only: the gateway's enqueues commit without a NOTIFY; a direct
/// insert still sends one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_only_direct_inserts_notify() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    db.registry().await;
    let outbox = registry::connect_lazy(&db.settings().database)
        .unwrap()
        .outbox;
    let mut listener = PgListener::connect(db.url.expose()).await.unwrap();
    listener.listen("sms_outbox").await.unwrap();
    outbox.enqueue(&sms("quiet")).await.unwrap();
    outbox.enqueue_batch(&[sms("a"), sms("b")]).await.unwrap();
    let heard = tokio::time::timeout(Duration::from_millis(700), listener.recv()).await;
    assert!(heard.is_err(), "the gateway's enqueue notified: {heard:?}");
    sqlx::query("INSERT INTO sms_outbox (recipient, body) VALUES ('989121234567', 'loud')")
        .execute(&db.raw().await)
        .await
        .unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(5), listener.recv()).await;
    assert!(
        matches!(heard, Ok(Ok(_))),
        "no NOTIFY for a direct insert: {heard:?}"
    );
}
