//! Messages per second through the whole SMS path: outbox rows → dispatcher
//! (claim, route, encode) → SMPP link → the in-repo sink, which answers and
//! sends a DELIVRD receipt for every message → receipts matched, persisted
//! and aggregated, until every message is `delivered`. SQLite always;
//! PostgreSQL too when `DARGAH_BENCH_DATABASE_URL` (or
//! `DARGAH_TEST_DATABASE_URL`) names a server (a fresh database is made).
//!
//! `cargo bench --bench sms_dispatch` (`DARGAH_BENCH_MESSAGES`, default 50,000)
//!
//! A custom harness without criterion: one run is tens of seconds and the
//! figure is the whole pipeline's throughput, not a per-iteration time.

use dargah::config::{DatabaseUrl, Settings};
use dargah::sim::sink::Sink;
use dargah::smpp::link::CarrierSettings;
use dargah::sms::outbox::NewSms;
use dargah::startup::Application;
use std::time::{Duration, Instant};
#[path = "support/mod.rs"]
mod support;
use support::fresh_postgres;

fn main() {
    // `cargo nextest` and `cargo test --benches` list targets with --list: nothing here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("DARGAH_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        run("sqlite", &sqlite, n).await;
        let server = std::env::var("DARGAH_BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("DARGAH_TEST_DATABASE_URL"));
        if let Ok(server) = server {
            run(
                "postgres",
                &fresh_postgres(&server, "dargah_bench").await,
                n,
            )
            .await;
        }
    });
}

async fn run(backend: &str, url: &str, n: usize) {
    // DARGAH_BENCH_RECEIPTS=0: the dispatch side alone (the run then waits for `submitted`).
    let receipts = std::env::var("DARGAH_BENCH_RECEIPTS").as_deref() != Ok("0");
    let sink = Sink::start(receipts).await.expect("sink");
    let target = if receipts { "delivered" } else { "submitted" };
    let mut s = Settings::default();
    s.database.url = DatabaseUrl::parse(url).expect("url");
    s.database.acquire_timeout = Duration::from_secs(30);
    s.log.level = "warn".into();
    let mut c = CarrierSettings::new("127.0.0.1", sink.port(), "bench", "bench");
    c.window = 1000;
    c.binds = 2;
    s.carriers.insert("mci".into(), c);
    s.sms.dispatch.batch = 2000;
    s.sms.dispatch.in_flight = 4;
    s.sms.dispatch.poll_interval = Duration::from_millis(20);
    s.sms.dispatch.receipt_batch = 5000;
    // Fill the outbox first, with no dispatcher running.
    let db = dargah::registry::connect_lazy(&s.database).expect("db");
    db.registry.migrate().await.expect("migrate");
    let batch: Vec<NewSms> = (0..n).map(sms).collect();
    for chunk in batch.chunks(5000) {
        db.outbox.enqueue_batch(chunk).await.expect("enqueue");
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let held_before = counter("dargah_sms_receipts_held_total");
    let started = Instant::now();
    let app = Application::build(s, listener).await.expect("app");
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run());
    let (mut submitted_at, mut delivered) = (None, 0);
    while delivered < n as i64 && started.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if submitted_at.is_none() && sink.count() >= n {
            submitted_at = Some(started.elapsed());
        }
        // The database is counted only once the sink says the work is done
        // (a receipt is acknowledged only once stored), so the bench's own
        // queries do not compete with the dispatcher on the way.
        let done = if receipts {
            sink.receipts_acked() >= n as u64
        } else {
            submitted_at.is_some()
        };
        if done {
            delivered = count(&pool, target).await;
        }
    }
    let took = started.elapsed();
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let sub = submitted_at.unwrap_or(took);
    println!(
        "sms_dispatch/{backend}: {n} messages, all submitted in {sub:.2?} ({:.0} msg/s), \
         all {target} (receipts persisted if on) in {took:.2?} ({:.0} msg/s); {target} {delivered}, \
         sink received {}, receipts acked {}, receipts held back for a retry {}",
        rate(sub),
        rate(took),
        sink.count(),
        sink.receipts_acked(),
        counter("dargah_sms_receipts_held_total") - held_before,
    );
    shutdown.trigger();
    let _ = server.await;
    pool.close().await;
}

/// A counter of the process-wide Prometheus recorder (0 before its first use).
fn counter(name: &str) -> u64 {
    let text = dargah::telemetry::metrics().render();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0)
}

async fn count(pool: &sqlx::AnyPool, state: &str) -> i64 {
    let (c,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE state = $1")
        .bind(state)
        .fetch_one(pool)
        .await
        .expect("count");
    c
}

fn sms(i: usize) -> NewSms {
    dargah::sms::send::bulk_sms(i as u64).expect("a generated message")
}
