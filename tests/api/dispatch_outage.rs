//! SMS dispatch while PostgreSQL goes away: the whole gateway reaches the
//! database through a proxy the test controls (`tests/api/proxy.rs`) and
//! dispatches 2,000 queued messages to the in-repo sink with receipts on.
//! Mid-run the proxy drops every connection and refuses new ones for 3 s,
//! then passes again. Counted: every message ends `delivered`, none lost,
//! duplicates at the sink only among the batches claimed when the database
//! went (at most `in_flight × batch`), every receipt acknowledged, the
//! dispatcher and the receipt writer resume by themselves, `/readyz` is 503
//! during the outage and 200 after, and `POST /v1/sms` answers 503 within a
//! bounded time and writes nothing.
//!
//! PostgreSQL only: a SQLite file cannot go away the same way (there is no
//! connection to cut; a missing or locked file is a different fault).

use crate::helpers::{TestApp, TestDb, spawn_app_with};
use crate::proxy::{Mode, Proxy, backend, through};
use dargah::config::Settings;
use dargah::domain::Msisdn;
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::sms::api::ApiClientSettings;
use dargah::sms::outbox::{NewSms, Priority};
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const MESSAGES: usize = 2_000;
const BATCH: u32 = 100;
const IN_FLIGHT: u32 = 2;
const OUTAGE: Duration = Duration::from_secs(3);
/// Generous: CI is a loaded 2-core box.
const DEADLINE: Duration = Duration::from_secs(90);

fn settings(db: &TestDb, proxy: &Proxy, sink: &Sink) -> Settings {
    let mut s = db.settings();
    s.database.url = through(&db.url, proxy.port);
    // The production default: a query waits at most this long for a connection.
    s.database.acquire_timeout = Duration::from_secs(2);
    s.database.max_connections = 8;
    let mut carrier = CarrierSettings::new("127.0.0.1", sink.port(), "dargah", "secret");
    carrier.reconnect_min = Duration::from_millis(50);
    carrier.reconnect_max = Duration::from_millis(400);
    // Paced, so that the cut falls in the middle of the run.
    carrier.max_tps = Some(400);
    s.carriers.insert("mci".into(), carrier);
    let d = &mut s.sms.dispatch;
    d.batch = BATCH;
    d.in_flight = IN_FLIGHT;
    d.poll_interval = Duration::from_millis(50);
    d.lease = Duration::from_secs(10);
    let client = ApiClientSettings {
        key: Some("web-key".to_owned().into()),
        ..Default::default()
    };
    s.api.clients.insert("web".into(), client);
    s
}

fn sms(i: usize) -> NewSms {
    NewSms {
        client: "test".into(),
        client_ref: None,
        idempotency_key: None,
        recipient: Msisdn::parse("09121234567").unwrap(),
        sender: None,
        body: format!("m{i}"),
        priority: Priority::NORMAL,
        valid_until: None,
        callback_url: None,
        dlr_mask: None,
    }
}

/// Polls `probe` every 50 ms until it is true; the time it took, or a panic.
async fn until<F, Fut>(what: &str, mut probe: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        if probe().await {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not within {DEADLINE:?}");
}

async fn ready_status(app: &TestApp) -> u16 {
    let r = app.client.get(app.url("/readyz")).send();
    match tokio::time::timeout(Duration::from_secs(10), r).await {
        Ok(Ok(r)) => r.status().as_u16(),
        other => panic!("/readyz did not answer: {other:?}"),
    }
}

async fn states(pool: &sqlx::AnyPool) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT state, COUNT(*) FROM sms_outbox GROUP BY state ORDER BY state")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// `dargah_sms_store_errors_total` per task: the database tries that failed.
async fn store_errors(app: &TestApp) -> HashMap<String, u64> {
    let text = app.client.get(app.url("/metrics")).send().await.unwrap();
    let text = text.text().await.unwrap();
    let prefix = "dargah_sms_store_errors_total{task=\"";
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|l| {
            let (task, value) = l.split_once("\"} ")?;
            Some((task.to_owned(), value.trim().parse::<f64>().ok()? as u64))
        })
        .collect()
}

/// `POST /v1/sms` with two messages while the database is away: (status, time taken).
async fn post_during_outage(app: &TestApp) -> (u16, Duration) {
    let body = json!([
        {"to": "09121234567", "text": "during the outage 1", "client_ref": "outage"},
        {"to": "09121234567", "text": "during the outage 2", "client_ref": "outage"},
    ]);
    let sent = Instant::now();
    let r = app
        .client
        .post(app.url("/v1/sms"))
        .bearer_auth("web-key")
        .json(&body)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("an answer, not a hang");
    (r.status().as_u16(), sent.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_dispatch_loses_nothing_and_resumes_when_postgres_goes_away_mid_run() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let direct = dargah::registry::connect_lazy(&db.settings().database).unwrap();
    direct.registry.migrate().await.unwrap();
    let batch: Vec<NewSms> = (0..MESSAGES).map(sms).collect();
    direct.outbox.enqueue_batch(&batch).await.unwrap();
    let raw = db.raw().await;

    let proxy = Proxy::start(backend(&db.url)).await;
    let sink = Sink::start(true).await.unwrap();
    let app = spawn_app_with(settings(&db, &proxy, &sink)).await;
    app.wait_ready().await;

    until("a quarter sent", || async { sink.count() >= MESSAGES / 4 }).await;
    proxy.set(Mode::Cut);
    let cut = Instant::now();
    let at_cut = sink.count();
    let not_ready = until("/readyz 503 during the outage", || async {
        ready_status(&app).await == 503
    })
    .await;
    let (post_status, post_took) = post_during_outage(&app).await;
    tokio::time::sleep_until((cut + OUTAGE).into()).await;
    let at_restore = sink.count();
    proxy.set(Mode::Pass);
    let restored = Instant::now();

    let resumed = until("dispatch resumed", || async { sink.count() > at_restore }).await;
    let ready_again = until("/readyz 200 after", || async {
        ready_status(&app).await == 200
    })
    .await;
    let n = MESSAGES as i64;
    let last = std::sync::Mutex::new(Vec::new());
    let delivered = until("every message delivered", || async {
        let now = states(&raw).await;
        let done = now == vec![("delivered".to_owned(), n)];
        *last.lock().unwrap() = now;
        done
    });
    if tokio::time::timeout(DEADLINE - Duration::from_millis(500), delivered)
        .await
        .is_err()
    {
        panic!("stuck at {:?}", last.lock().unwrap());
    }
    let all_done = restored.elapsed();
    until("every receipt acknowledged", || async {
        sink.receipts_acked() >= sink.count() as u64
    })
    .await;

    let errors = store_errors(&app).await;
    let tries: u64 = errors.values().sum();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in sink.received() {
        *seen.entry(r.text).or_default() += 1;
    }
    let lost = (0..MESSAGES)
        .filter(|i| !seen.contains_key(&format!("m{i}")))
        .count();
    let duplicates: usize = seen.values().map(|c| c - 1).sum();
    let (half_written,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE client_ref = 'outage'")
            .fetch_one(&raw)
            .await
            .unwrap();
    println!(
        "dispatch outage: {MESSAGES} messages, cut {OUTAGE:?} after {at_cut} sent \
         ({} more sent from earlier claims during the cut); /readyz 503 after {not_ready:?}; \
         POST /v1/sms {post_status} in {post_took:?}; after the restore: first submit in \
         {resumed:?}, ready in {ready_again:?}, all delivered in {all_done:?}; \
         lost {lost}, duplicates {duplicates}, receipts acked {}; failed database tries \
         per task {errors:?}",
        at_restore - at_cut,
        sink.receipts_acked()
    );
    assert!(cut.elapsed() >= OUTAGE);
    assert_eq!(lost, 0, "lost messages");
    assert!(
        duplicates <= (IN_FLIGHT * BATCH) as usize,
        "{duplicates} duplicates, more than the claims in flight"
    );
    // Backoff, not a flood: each task tries a few times a second at most
    // (before the backoff the receipt writer alone failed 927 times in 3 s).
    assert!(
        tries <= 60,
        "{tries} failed tries in {OUTAGE:?}: {errors:?}"
    );
    assert_eq!(post_status, 503, "POST /v1/sms during the outage");
    assert!(
        post_took < Duration::from_secs(5),
        "POST took {post_took:?}"
    );
    assert_eq!(half_written, 0, "nothing of the refused POST was written");
    assert!(!app.server.is_finished(), "the gateway is still serving");
    app.shutdown.trigger();
    app.server.await.unwrap().unwrap();
}
